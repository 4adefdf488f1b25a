#!/usr/bin/env bash
# The desktop app's figures for `chartroom bench`, run under Xvfb:
#   start_ms    from launching the program to its (sign-in) window being
#               mapped, polled with xdotool every few milliseconds;
#   signin_ms   from pressing Enter on the sign-in form to the main window
#               (its title names the clerk): argon2id and the first screen;
#   rss_kb      the app's resident memory after browsing the practice
#               (find by surname as you type, open a chart, the scan desk);
#   hwm_kb      its peak resident memory;
#   bare_rss_kb a bare Fyne window of the same program (`chartroom
#               bench-window`): the floor any Fyne app pays.
# With DESK (a file of lines "surname TEXT", "chart MRN", "scan CODE") it
# then starts the app once more with --verbose, its log in APPLOG, and works
# the desk as a clerk does, printing when it pressed each key:
#   key MS TEXT     a character typed in Find (8 a second), TEXT the box after it
#   enter MS MRN    Enter in Find on a chart number (after its list is shown)
#   badge MS CODE   the borrower's badge scanned at the scan station
#   scan MS CODE    Enter after a folder's barcode (typed as a scanner does)
#   report MS WRITTEN PAGES NAME  the Reports page's Open clicked for report
#                   NAME (a line "report NAME" in DESK) and when its PDF of
#                   PAGES pages was written
# `chartroom bench` matches them with the app's log lines.
# Usage: xvfb-run -a -s "-screen 0 1280x800x24" .ci/bench-gui.sh BIN DB [RUNS [DESK APPLOG]]
set -euo pipefail
BIN=$1 DB=$2 RUNS=${3:-5} DESK=${4:-} APPLOG=${5:-}
LOG=$(mktemp /tmp/chartroom-bench-gui.XXXXXX)
RUNLOG=$LOG
now_ms() { date +%s%3N; }

# wait_for NAME_REGEX [PID]: prints the id of the first visible window so
# named; fails after a minute, or at once when process PID has exited.
wait_for() {
	local deadline=$(($(now_ms) + 60000)) win=""
	while [ -z "$win" ]; do
		win=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n1 || true)
		[ "$(now_ms)" -lt "$deadline" ] || { echo "bench-gui: no window named $1" >&2; return 1; }
		if [ -z "$win" ] && [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
			echo "bench-gui: the program exited before its window $1 appeared" >&2
			return 1
		fi
	done
	echo "$win"
}

rss() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The X server may still be starting: a first launch before it answers
# fails in GLFW's window creation (seen once in a full bench run).
deadline=$(($(now_ms) + 10000))
until xdpyinfo >/dev/null 2>&1; do
	[ "$(now_ms)" -lt "$deadline" ] || { echo "bench-gui: the X server at $DISPLAY does not answer" >&2; exit 1; }
	sleep 0.05
done

app=""
trap '[ -n "$app" ] && kill "$app" 2>/dev/null || true' EXIT
# launch: starts the app and waits for its window; sets app, win, t0, t1.
# Under Xvfb a launch now and then dies in GLFW's window creation (two of
# eight in one full bench): it is retried, twice, and the run timed is the
# one that started; each failure is reported on stderr.
launch() {
	local try
	for try in 1 2 3; do
		t0=$(now_ms)
		"$BIN" --db "$DB" "$@" >"$LOG" 2>&1 &
		app=$!
		if win=$(wait_for '^Chartroom' "$app"); then
			t1=$(now_ms)
			return 0
		fi
		echo "bench-gui: run $run, launch $try: the window never appeared; the app said:" >&2
		grep -m4 -iE '^panic:|fyne error|cause|glfw error' "$LOG" >&2 || tail -n 20 "$LOG" >&2
		kill "$app" 2>/dev/null || true
		wait "$app" 2>/dev/null || true
		app=""
	done
	return 1
}

# signin signs the demo clerk in; sets t2 (Enter) and t3 (main window).
signin() {
	sleep 1
	xdotool type --delay 20 "clerk"
	xdotool key Tab
	xdotool type --delay 20 "demo-clerk"
	t2=$(now_ms)
	xdotool key Return
	local deadline=$((t2 + 60000))
	until xdotool getwindowname "$win" 2>/dev/null | grep -q clerk; do
		[ "$(now_ms)" -lt "$deadline" ] || { echo "bench-gui: sign-in never finished" >&2; tail -n 20 "$LOG" >&2; exit 1; }
	done
	t3=$(now_ms)
}

# pause_until MS: sleeps until the clock reads MS.
pause_until() {
	local rest=$(($1 - $(now_ms)))
	[ "$rest" -le 0 ] || sleep "$((rest / 1000)).$(printf %03d $((rest % 1000)))"
}

# wait_log PATTERN COUNT: waits (up to 5 s) until the app's log has more
# than COUNT lines matching PATTERN.
wait_log() {
	local deadline=$(($(now_ms) + 5000))
	while [ "$(grep -c -- "$1" "$LOG" || true)" -le "$2" ]; do
		[ "$(now_ms)" -lt "$deadline" ] || return 0
		sleep 0.01
	done
}

for run in $(seq 1 "$RUNS"); do
	launch || exit 1
	echo "start_ms $((t1 - t0))"
	signin
	echo "signin_ms $((t3 - t2))"
	if [ "$run" = "$RUNS" ]; then
		sleep 1
		xdotool key ctrl+f
		xdotool type --delay 120 "Bramblewick"
		sleep 1
		xdotool key Down Return
		sleep 2
		xdotool key ctrl+f
		xdotool type --delay 120 "Quill"
		sleep 2
		echo "rss_kb $(rss "$app" VmRSS)"
		echo "hwm_kb $(rss "$app" VmHWM)"
		echo "anon_kb $(rss "$app" RssAnon)"
		echo "file_kb $(rss "$app" RssFile)"
	fi
	kill "$app"
	wait "$app" 2>/dev/null || true
	app=""
done

if [ -n "$DESK" ]; then
	LOG=$APPLOG
	# The desk's app opens the report it makes with a viewer that does nothing.
	viewer=$(mktemp -d /tmp/chartroom-bench-viewer.XXXXXX)
	printf '#!/bin/sh\nexit 0\n' >"$viewer/xdg-open"
	chmod +x "$viewer/xdg-open"
	PATH=$viewer:$PATH launch --verbose || exit 1
	signin
	sleep 1
	# Find: each surname typed as a person types, 8 characters a second.
	xdotool key ctrl+f
	sleep 0.5
	while read -r kind arg; do
		[ "$kind" = surname ] || continue
		xdotool key ctrl+a BackSpace
		sleep 0.3
		before=$(grep -c "query=$arg hits" "$LOG" || true)
		text=""
		for ((i = 0; i < ${#arg}; i++)); do
			text+=${arg:i:1}
			t=$(now_ms)
			xdotool type --delay 0 -- "${arg:i:1}"
			echo "key $t $text"
			pause_until $((t + 125))
		done
		wait_log "query=$arg hits" "$before"
		sleep 0.2
	done <"$DESK"
	# A chart opened from Find: its number typed, Enter once its list shows.
	while read -r kind arg; do
		[ "$kind" = chart ] || continue
		xdotool key ctrl+f
		xdotool key ctrl+a BackSpace
		before=$(grep -c "query=$arg hits" "$LOG" || true)
		xdotool type --delay 10 -- "$arg"
		wait_log "query=$arg hits" "$before"
		shown=$(grep -c 'chart: folders shown' "$LOG" || true)
		t=$(now_ms)
		xdotool key Return
		echo "enter $t $arg"
		wait_log 'chart: folders shown' "$shown"
		sleep 0.2
	done <"$DESK"
	# The scan station: a provider's badge, then each folder as a scanner
	# sends it, a burst of characters and Enter.
	xdotool key ctrl+2
	sleep 1
	while read -r kind arg; do
		[ "$kind" = scan ] || [ "$kind" = badge ] || continue
		shown=$(grep -c 'scan: banner shown' "$LOG" || true)
		xdotool type --delay 2 -- "$arg"
		t=$(now_ms)
		xdotool key Return
		echo "$kind $t $arg"
		wait_log 'scan: banner shown' "$shown"
		sleep 0.15
	done <"$DESK"
	# A report from the Reports page: its Open button clicked to the PDF
	# written in the app's report folder (the file's modification time);
	# the viewer the app then starts is a stub that does nothing. The
	# clicks are at the places of a 1280x800 screen: Reports in the page
	# list, the report, Open.
	reports=${XDG_CACHE_HOME:-$HOME/.cache}/chartroom/reports
	mkdir -p "$reports"
	xdotool mousemove 69 268 click 1
	sleep 1
	while read -r kind arg; do
		[ "$kind" = report ] || continue
		xdotool mousemove 298 238 click 1
		sleep 1
		before=$(ls "$reports")
		t=$(now_ms)
		xdotool mousemove 541 700 click 1
		file="" deadline=$((t + 600000))
		while [ -z "$file" ] && [ "$(now_ms)" -lt "$deadline" ]; do
			sleep 0.05
			file=$(comm -13 <(echo "$before") <(ls "$reports") | grep "^$arg-.*\.pdf$" | head -n1 || true)
		done
		if [ -z "$file" ]; then
			echo "bench-gui: no $arg report was written in $reports" >&2
			continue
		fi
		sleep 1 # the app writes it in one go and closes it; its time is the last write
		echo "report $t $(stat -c %.3Y "$reports/$file" | tr -d .) $(pdfinfo "$reports/$file" | awk '/^Pages:/ { print $2 }') $arg"
		rm -f "$reports/$file"
		sleep 0.5
	done <"$DESK"
	kill "$app"
	wait "$app" 2>/dev/null || true
	app=""
fi

"$BIN" bench-window >/dev/null 2>&1 &
app=$!
wait_for '^Chartroom bare window' >/dev/null
sleep 2
echo "bare_rss_kb $(rss "$app" VmRSS)"
echo "bare_anon_kb $(rss "$app" RssAnon)"
kill "$app"
wait "$app" 2>/dev/null || true
app=""
rm -f "$RUNLOG"
[ -z "${viewer:-}" ] || rm -rf "$viewer"
