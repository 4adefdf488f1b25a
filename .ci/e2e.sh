#!/usr/bin/env bash
# End to end: the built binary on a demo database under Xvfb. Signs in as
# the demo clerk with xdotool, and fails unless the main window shows up and
# its screenshot is not blank. Leaves the screenshots in $OUT for a person.
set -euo pipefail
BIN=$(realpath "${1:-bin/chartroom}")
OUT=${OUT:-$(mktemp -d /tmp/chartroom-e2e.XXXXXX)}
DB="$OUT/demo.db"
"$BIN" demo --db "$DB" --patients 300 --seed 7 >"$OUT/demo.txt"

cat >"$OUT/drive.sh" <<'DRIVE'
#!/usr/bin/env bash
set -euo pipefail
BIN=$1 DB=$2 OUT=$3
"$BIN" --db "$DB" >"$OUT/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
win=""
for _ in $(seq 1 60); do
	win=$(xdotool search --name '^Chartroom' 2>/dev/null | head -n1 || true)
	[ -n "$win" ] && break
	sleep 0.5
done
[ -n "$win" ] || { echo "e2e: the Chartroom window never appeared"; cat "$OUT/app.log"; exit 1; }
sleep 2
import -window root "$OUT/signin.png"
xdotool type --delay 40 "clerk"
xdotool key Tab
xdotool type --delay 40 "demo-clerk"
xdotool key Return
for _ in $(seq 1 40); do
	title=$(xdotool getwindowname "$win" 2>/dev/null || true)
	case "$title" in *clerk*) break ;; esac
	sleep 0.5
done
sleep 2
import -window root "$OUT/main.png"
echo "$title" >"$OUT/title.txt"
DRIVE
chmod +x "$OUT/drive.sh"
xvfb-run -a -s "-screen 0 1280x800x24" "$OUT/drive.sh" "$BIN" "$DB" "$OUT"

title=$(cat "$OUT/title.txt")
case "$title" in
*clerk*) ;;
*) echo "e2e: after signing in, the window title is \"$title\"; expected it to name the signed-in clerk"; exit 1 ;;
esac
# A blank screen has (almost) one colour; a real window has text and widgets.
colours=$(/usr/bin/convert "$OUT/main.png" -format '%k' info:)
if [ "$colours" -lt 16 ]; then
	echo "e2e: the main window screenshot has only $colours colours: blank?"
	exit 1
fi
if cmp -s "$OUT/signin.png" "$OUT/main.png"; then
	echo "e2e: the screen did not change after signing in"
	exit 1
fi
echo "e2e: signed in as the demo clerk; main window shows $colours colours (screenshots in $OUT)"
