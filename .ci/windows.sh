#!/usr/bin/env bash
# make windows-test: the Windows installer made by make dist, tested under
# Wine (wine64) and Xvfb the way a practice's IT and a clerk use it:
#   1. installs silently (/S) into a fresh Wine prefix: the programs in
#      Program Files, the Start-menu shortcut, the Apps & features entry;
#   2. the installed chartroom-cli.exe runs the command-line contract end to
#      end on the default database in %AppData%\chartroom (init, users,
#      borrowers, import patients, where, check-out refused and accepted,
#      check-in, a report read back with pdftotext, backup, verify), checking
#      output and exit status; chartroom.exe given a command does the same;
#   3. the installed app starts, the sign-in window appears, a clerk signs
#      in, and a badge and a folder scanned at the scan station (typed fast,
#      then Return, like a keyboard-wedge scanner) check the folder out: the
#      command line sees it;
#   4. the uninstaller (/S) removes the program, its shortcut and its entry,
#      and leaves the data.
# Usage: bash .ci/windows.sh dist/chartroom-VERSION-windows-amd64-setup.exe
# Screenshots, the app's log and the prefix stay in $OUT (printed at the end).
#
# Go's runtime on Windows calls ProcessPrng (bcryptprimitives.dll), which
# Debian 12's Wine 8 lacks: the prefix gets a small DLL that provides it
# (.ci/wine/processprng.c), a test fixture that never ships.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP=$(realpath "$1")
VERSION=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' FyneApp.toml)
OUT=${OUT:-$(mktemp -d /tmp/chartroom-wine.XXXXXX)}
mkdir -p "$OUT"
if [ -z "${DISPLAY:-}" ]; then
	exec xvfb-run -a -s "-screen 0 1366x768x24" env OUT="$OUT" bash "$0" "$@"
fi

WINE=/usr/lib/wine/wine64
export WINEPREFIX="$OUT/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko download prompts: Chartroom needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
# A user name with a space and an accent: the profile, and so the data
# folder, has them in its path.
export USER="Zoë Tester" LOGNAME="Zoë Tester"
C="$WINEPREFIX/drive_c"

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
finish() {
	echo "windows: screenshots, logs and the Wine prefix in $OUT"
	echo "windows: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}
die() { fail "$*"; finish; }

# expect STATUS NAME CMD...: runs CMD, keeps its stdout in $out and stderr
# in $err, and checks its exit status.
expect() {
	local want=$1 name=$2 status=0
	shift 2
	out=$("$@" 2>"$OUT/stderr") || status=$?
	err=$(cat "$OUT/stderr")
	if [ "$status" = "$want" ]; then
		pass "$name (exit $status)"
	else
		fail "$name: exit $status, want $want; stdout: $out; stderr: $err"
	fi
}
# contains NAME HAYSTACK NEEDLE
contains() {
	if [[ $2 == *"$3"* ]]; then pass "$1"; else fail "$1: '$3' not in: $2"; fi
}

echo "== a fresh Wine prefix for $USER"
timeout 300 $WINE wineboot -i >"$OUT/wineboot.log" 2>&1 || die "wineboot could not make the prefix (see $OUT/wineboot.log)"
x86_64-w64-mingw32-gcc -O2 -shared -o "$C/windows/system32/bcryptprimitives.dll" .ci/wine/processprng.c -ladvapi32
PROFILE=$(ls -d "$C/users/"*/AppData/Roaming | grep -v '/Public/' | head -1)
PROFILE=${PROFILE%/AppData/Roaming}
DATA="$PROFILE/AppData/Roaming/chartroom"

echo "== silent install: $(basename "$SETUP") /S"
expect 0 "the installer runs silently" timeout 300 $WINE "$SETUP" /S
INST="$C/Program Files/Chartroom"
for f in chartroom.exe chartroom-cli.exe uninstall.exe README.txt; do
	if [ -f "$INST/$f" ]; then pass "installed $f in Program Files"; else fail "$f is not in $INST"; fi
done
[ -f "$INST/chartroom.exe" ] || die "nothing to test without the installed program"
if [ -f "$C/ProgramData/Microsoft/Windows/Start Menu/Programs/Chartroom.lnk" ]; then
	pass "Start-menu shortcut"
else
	fail "no Start-menu shortcut in $C/ProgramData/Microsoft/Windows/Start Menu/Programs"
fi
KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Chartroom'
expect 0 "the Apps & features entry is registered" $WINE reg query "$KEY"
reg=$out
for value in "DisplayName	REG_SZ	Chartroom" "DisplayVersion	REG_SZ	$VERSION" \
	'UninstallString	REG_SZ	"C:\Program Files\Chartroom\uninstall.exe" /AllUsers' \
	'DisplayIcon	REG_SZ	C:\Program Files\Chartroom\chartroom.exe,0' 'InstallMode	REG_SZ	AllUsers'; do
	contains "uninstall entry has ${value%%	*}" "$(tr -d '\r' <<<"$reg" | sed 's/^ *//; s/    /\t/g')" "$value"
done

echo "== the command line (chartroom-cli.exe), on the default database"
CLI=("$WINE" 'C:\Program Files\Chartroom\chartroom-cli.exe')
export CHARTROOM_USER=admin CHARTROOM_PASSWORD=admin-pass-2026
cli() { "${CLI[@]}" "$@"; }
expect 0 "version" cli version
contains "version prints FyneApp.toml's" "$out" "chartroom $VERSION"
expect 2 "a command without its argument is bad usage" cli where
contains "bad usage says how" "$err" "usage"
expect 0 "init" cli init --admin admin --practice "Fictitious Family Practice"
if [ -f "$DATA/chartroom.db" ]; then pass "the database is in %AppData%\\chartroom"; else fail "no database at $DATA/chartroom.db"; fi
expect 0 "add a clerk" env CHARTROOM_NEW_PASSWORD=clerk-pass-2026 "${CLI[@]}" users add clerk --role clerk --name "Casey Clerk"
expect 0 "add a borrower with a badge" cli borrowers add "Dr. Alder Testwood" --kind provider --badge B00101
expect 0 "add a second borrower" cli borrowers add "Bramble Fieldfare" --kind staff
mkdir -p "$C/Chartroom imports"
cat >"$C/Chartroom imports/patients.csv" <<'CSV'
Chart No,Last Name,First Name,Birth Date,Sex
100231,Amberlain,Rosa Maria,1945-02-14,F
100232,Brackenridge,Tobias,1988-07-30,M
100233,Quillfeather,Zoë,1972-11-05,F
CSV
expect 0 "import patients from a CSV in a folder with a space" cli import patients 'C:\Chartroom imports\patients.csv'
contains "import says what it added" "$out" "imported 3, updated 0, unchanged 0, rejected 0"
expect 0 "where 100232" cli where 100232
contains "where finds the folder in file" "$out" "Brackenridge, Tobias"
contains "where: in file" "$out" "in-file"
BARCODE=$(cut -f1 <<<"$out" | head -1)
[ -n "$BARCODE" ] || die "where printed no barcode"
expect 1 "check-out to an unknown borrower is refused" cli checkout --to "Nobody Known" "$BARCODE"
contains "the refusal names the borrower" "$err" 'no borrower has the badge or name "Nobody Known"'
expect 0 "check-out" cli checkout --to "Dr. Alder Testwood" "$BARCODE"
contains "check-out prints the folder out" "$out" "checked-out"
expect 1 "a check-out of a folder already out is refused" cli checkout --to "Bramble Fieldfare" "$BARCODE"
contains "the refusal says to whom it is out" "$err" "is already out to Dr. Alder Testwood"
expect 0 "check-in" cli checkin "$BARCODE"
contains "check-in puts it back" "$out" "in-file"
mkdir -p "$C/Rapports Zoé"
expect 0 "report location into a folder with an accent" cli report location -o 'C:\Rapports Zoé\location.pdf'
if [ -f "$C/Rapports Zoé/location.pdf" ]; then
	text=$(pdftotext -layout "$C/Rapports Zoé/location.pdf" -)
	contains "the report names the practice" "$text" "Fictitious Family Practice"
	contains "the report lists the patients" "$text" "Quillfeather, Zoë"
	contains "the report carries the PHI footer" "$text" "Confidential"
else
	fail "no report at $C/Rapports Zoé/location.pdf"
fi
expect 0 "backup" cli backup
contains "backup prints where it went" "$out" 'chartroom\backups\chartroom-'
if ls "$DATA/backups/"chartroom-*.db >/dev/null 2>&1; then pass "the backup is in %AppData%\\chartroom\\backups"; else fail "no backup in $DATA/backups"; fi
expect 0 "verify" cli verify
contains "verify says ok" "$out" "ok:"
expect 1 "chartroom.exe (the windowed one) given a command returns its exit status" \
	$WINE 'C:\Program Files\Chartroom\chartroom.exe' checkout --to "Nobody Known" "$BARCODE"
expect 0 "chartroom.exe given a command prints its output" $WINE 'C:\Program Files\Chartroom\chartroom.exe' where 100231
contains "chartroom.exe where" "$out" "Amberlain, Rosa Maria"

echo "== the app: sign in as a clerk, check a folder out at the scan station"
unset CHARTROOM_USER CHARTROOM_PASSWORD
$WINE 'C:\Program Files\Chartroom\chartroom.exe' >"$OUT/app.log" 2>&1 &
app=$!
shot() { import -window root "$OUT/$1.png" 2>/dev/null || true; }
window=""
for _ in $(seq 1 240); do
	window=$(xdotool search --onlyvisible --name '^Chartroom' 2>/dev/null | head -1 || true)
	[ -n "$window" ] && break
	kill -0 $app 2>/dev/null || break
	sleep 0.5
done
if [ -z "$window" ]; then
	shot 01-no-window
	fail "the sign-in window never appeared; the app said: $(tail -20 "$OUT/app.log")"
else
	pass "the sign-in window appeared"
	sleep 3 # the first frame
	xdotool mousemove --window "$window" 300 300
	shot 01-sign-in
	xdotool type --delay 40 -- clerk
	xdotool key --delay 60 Tab
	xdotool type --delay 40 -- clerk-pass-2026
	xdotool key --delay 60 Return
	signed=""
	for _ in $(seq 1 120); do
		signed=$(xdotool search --onlyvisible --name 'clerk$' 2>/dev/null | head -1 || true)
		[ -n "$signed" ] && break
		sleep 0.5
	done
	shot 02-signed-in
	if [ -n "$signed" ]; then pass "the clerk signed in (the title names the user)"; else fail "the title never named the clerk after signing in"; fi
	xdotool key --delay 60 ctrl+2
	sleep 3
	shot 03-scan-station
	# A keyboard-wedge scanner: the code's characters a few ms apart, Return.
	xdotool type --delay 5 -- B00101
	xdotool key Return
	sleep 3
	xdotool type --delay 5 -- "$BARCODE"
	xdotool key Return
	state=""
	for _ in $(seq 1 60); do
		state=$(CHARTROOM_USER=admin CHARTROOM_PASSWORD=admin-pass-2026 "${CLI[@]}" where "$BARCODE" 2>/dev/null || true)
		[[ $state == *checked-out*"Alder Testwood"* ]] && break
		sleep 1
	done
	shot 04-checked-out
	contains "the scan station checked the folder out to the badge's borrower" "$state" "checked-out"
	contains "to the badge's borrower" "$state" "Alder Testwood"
fi
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true
$WINE wineserver -k >/dev/null 2>&1 || /usr/lib/wine/wineserver -k >/dev/null 2>&1 || true

echo "== silent uninstall"
expect 0 "the uninstaller starts silently" timeout 120 $WINE 'C:\Program Files\Chartroom\uninstall.exe' /S
# The uninstaller copies itself away and goes on after the first one exits.
for _ in $(seq 1 120); do
	[ -e "$INST" ] || break
	sleep 0.5
done
if [ -e "$INST" ]; then fail "the program folder is still there: $(ls "$INST")"; else pass "the program folder is removed"; fi
if [ -e "$C/ProgramData/Microsoft/Windows/Start Menu/Programs/Chartroom.lnk" ]; then fail "the Start-menu shortcut is still there"; else pass "the Start-menu shortcut is removed"; fi
expect 1 "the Apps & features entry is removed" $WINE reg query "$KEY"
if [ -f "$DATA/chartroom.db" ] && ls "$DATA/backups/"chartroom-*.db >/dev/null 2>&1; then
	pass "the database and its backups stay in %AppData%\\chartroom"
else
	fail "the data folder lost files: $(ls -R "$DATA" 2>&1)"
fi
finish
