; Chartroom's Windows installer (NSIS 3, makensis on Linux; .ci/dist.sh
; passes VERSION, SRC: the folder holding the two programs and the icon, and
; OUT: the installer's path).
;
; Per machine into Program Files by default (it asks for administrator
; rights); "Install just for me" (or /CurrentUser) installs into the user's own
; programs folder without them. /S installs silently, per machine when run
; as an administrator. The uninstaller removes the programs, the Start-menu
; shortcut and its Apps & features entry, never the data in
; %AppData%\chartroom.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true

!define APPNAME "Chartroom"
!define PUBLISHER "Chartroom"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chartroom"

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPNAME}"
; Where an earlier installation went decides where an update goes.
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${UNINSTKEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${UNINSTKEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh

Name "${APPNAME}"
OutFile "${OUT}"
BrandingText "${APPNAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APPNAME} ${VERSION} setup"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${SRC}\chartroom.ico"
!define MUI_UNICON "${SRC}\chartroom.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\chartroom.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APPNAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
	!insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
	!insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "Chartroom" SecMain
	SectionIn RO
	SetOutPath "$INSTDIR"
	File "${SRC}\chartroom.exe"
	File "${SRC}\chartroom-cli.exe"
	File "${SRC}\README.txt"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\chartroom.exe" "" "$INSTDIR\chartroom.exe" 0

	; Apps & features (SHCTX: HKLM per machine, HKCU per user).
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\chartroom.exe,0"
	WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr SHCTX "${UNINSTKEY}" "InstallMode" "$MultiUser.InstallMode"
	WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
	WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
	WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	IntFmt $0 "0x%08X" $0
	WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
	; Only what the installer put there: the clerk's data lives in
	; %AppData%\chartroom and stays.
	Delete "$INSTDIR\chartroom.exe"
	Delete "$INSTDIR\chartroom-cli.exe"
	Delete "$INSTDIR\README.txt"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${APPNAME}.lnk"
	DeleteRegKey SHCTX "${UNINSTKEY}"
SectionEnd
