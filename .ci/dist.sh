#!/usr/bin/env bash
# make dist: the release files, into dist/, all of them named with the
# version in FyneApp.toml (the one place it is written):
#   chartroom-VERSION-windows-amd64-setup.exe  NSIS installer (windows/chartroom.nsi)
#   chartroom-VERSION-windows-amd64.zip        the same two programs, unpacked
#   chartroom-VERSION-linux-amd64.tar.xz       the fyne packager's (desktop file, icon, Makefile)
#   chartroom_VERSION_amd64.deb                with the libraries it links as Depends
# The Windows programs are cross-compiled with mingw-w64 (Fyne needs cgo);
# the Linux one is the binary make build made ($1). Needs the packages
# DIST_APT_PACKAGES of the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-bin/chartroom}")
VERSION=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' FyneApp.toml)
if ! [[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "dist: FyneApp.toml's Version '$VERSION' is not MAJOR.MINOR.PATCH" >&2
	exit 1
fi
if [ "$("$BIN" version)" != "chartroom $VERSION" ]; then
	echo "dist: $BIN says '$("$BIN" version)', FyneApp.toml $VERSION: rebuild it (make build)" >&2
	exit 1
fi
mkdir -p dist
DIST=$(realpath dist)
work=$(mktemp -d /tmp/chartroom-dist.XXXXXX)
# The resource file is built in the main package's folder, where go build
# links it into Windows builds only; it never stays there.
syso=rsrc_windows_amd64.syso
trap 'rm -rf "$work" "$syso"' EXIT

echo "== Windows programs (cross-compiled; the first build takes a while)"
win="$work/Chartroom"
mkdir -p "$win"
convert assets/icon.png -define icon:auto-resize=256,128,64,48,32,16 "$win/chartroom.ico"
IFS=. read -r major minor patch <<<"$VERSION"
go tool goversioninfo -64 -o "$syso" -icon "$win/chartroom.ico" -manifest .ci/windows/chartroom.exe.manifest \
	-file-version "$VERSION" -product-version "$VERSION" \
	-ver-major "$major" -ver-minor "$minor" -ver-patch "$patch" -ver-build 0 \
	-product-ver-major "$major" -product-ver-minor "$minor" -product-ver-patch "$patch" -product-ver-build 0 \
	.ci/windows/versioninfo.json
# chartroom.exe is a windowed program: no console opens on a double click.
# chartroom-cli.exe is the same program as a console one, for commands.
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
go build -ldflags "-H=windowsgui" -o "$win/chartroom.exe" .
go build -o "$win/chartroom-cli.exe" .
unset GOOS GOARCH CGO_ENABLED CC
sed 's/$/\r/' .ci/windows/README.txt >"$win/README.txt"

echo "== $DIST/chartroom-$VERSION-windows-amd64.zip"
rm -f "$DIST/chartroom-$VERSION-windows-amd64.zip"
(cd "$work" && zip -q -X -r "$DIST/chartroom-$VERSION-windows-amd64.zip" Chartroom/chartroom.exe Chartroom/chartroom-cli.exe Chartroom/README.txt)

echo "== $DIST/chartroom-$VERSION-windows-amd64-setup.exe"
makensis -V2 -DVERSION="$VERSION" -DSRC="$win" -DOUT="$DIST/chartroom-$VERSION-windows-amd64-setup.exe" .ci/windows/chartroom.nsi

echo "== $DIST/chartroom-$VERSION-linux-amd64.tar.xz"
# The packager counts its runs in FyneApp.toml's Build, rewriting the file:
# it runs on a copy (with the icon, and a Go file it insists on finding),
# packaging the binary make build made.
lin="$work/linux"
mkdir -p "$lin/assets"
cp "$BIN" "$lin/chartroom"
cp FyneApp.toml "$lin/"
cp assets/icon.png "$lin/assets/"
printf 'package main\n' >"$lin/main.go"
go build -o "$work/fyne" fyne.io/tools/cmd/fyne
(cd "$lin" && "$work/fyne" package -os linux --exe chartroom --release)
mv "$lin/Chartroom.tar.xz" "$DIST/chartroom-$VERSION-linux-amd64.tar.xz"

echo "== $DIST/chartroom_${VERSION}_amd64.deb"
deb="$work/deb"
mkdir -p "$deb/DEBIAN" "$deb/usr"
tar -xJf "$DIST/chartroom-$VERSION-linux-amd64.tar.xz" -C "$work"
# The tarball installs under /usr/local; a package installs under /usr.
cp -r "$work/chartroom/usr/local/." "$deb/usr/"
sed -i 's|/usr/local/|/usr/|g' "$deb/usr/share/applications/"*.desktop
mkdir -p "$work/shlibs/debian"
printf 'Source: chartroom\n\nPackage: chartroom\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/chartroom" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
if [ -z "$depends" ]; then
	echo "dist: dpkg-shlibdeps found no library dependencies of $BIN" >&2
	exit 1
fi
# GLFW opens the X11 libraries when the window opens (dlopen), where
# dpkg-shlibdeps cannot see them: their packages are found by file here.
names=$(strings "$BIN" | grep '\.so\.[0-9]*$' | sort -u)
for so in libX11.so.6 libX11-xcb.so.1 libXcursor.so.1 libXext.so.6 libXi.so.6 libXinerama.so.1 \
	libXrandr.so.2 libXrender.so.1 libXxf86vm.so.1 libxkbcommon.so.0; do
	if ! grep -qxF "$so" <<<"$names"; then
		echo "dist: $BIN no longer names $so: update this list" >&2
		exit 1
	fi
	pkg=$(dpkg -S "/usr/lib/x86_64-linux-gnu/$so" 2>/dev/null | cut -d: -f1 | head -1)
	if [ -z "$pkg" ]; then
		echo "dist: $so, which the app opens at run time, is not installed here; install its package (make deps)" >&2
		exit 1
	fi
	depends="$depends, $pkg"
done
cat >"$deb/DEBIAN/control" <<CONTROL
Package: chartroom
Version: $VERSION
Architecture: amd64
Maintainer: Chartroom <chartroom@example.invalid>
Installed-Size: $(du -sk "$deb/usr" | cut -f1)
Depends: $depends
Recommends: xdg-utils, cups-client
Section: misc
Priority: optional
Homepage: https://example.invalid/chartroom
Description: track the paper charts of a physician office's record room
 Chartroom knows where every paper chart folder is: check-out and check-in
 with a barcode scanner, requests and pull lists, shelf audits, retention,
 and PDF reports, labels and outguides. One SQLite file, offline, every
 user signed in and every change audited.
CONTROL
dpkg-deb --root-owner-group --build "$deb" "$DIST/chartroom_${VERSION}_amd64.deb" >/dev/null

ls -l "$DIST"
