# tests/lib/report.sh - how an end-to-end script reports: PASS lines, a FAIL line and exit 1, or
# a SKIP line and exit 77 (ctest's SKIP_RETURN_CODE). tests/lib/tmux.sh adds the pane to a FAIL.
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "PASS: $*"; }
