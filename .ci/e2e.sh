#!/usr/bin/env bash
# End to end: the built binary driven like a person under Xvfb, every screen
# of ui/ at 1366x768 and the core ones again at 1024x768 (e2e_*_test.go,
# build tag e2e). Each scenario's screenshots and app log go to
# $OUT/<size>/<scenario>/; OUT defaults to a new temp folder, printed at the
# end for a person to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-bin/chartroom}")
export OUT=${OUT:-$(mktemp -d /tmp/chartroom-e2e.XXXXXX)}
status=0
CHARTROOM_E2E_BIN="$BIN" go test -tags e2e,no_emoji -count=1 -run "${E2E_RUN:-TestE2E}" -v -timeout 45m . || status=$?
echo "e2e: screenshots and app logs in $OUT"
exit $status
