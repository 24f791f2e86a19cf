#!/bin/bash
# Runs the whole suite and prints one summary line:
#   N passed, N failed, N skipped
# Every test speaks TAP ("ok N - name", "not ok N - name", "# SKIP").
#  - tests/unit/test_* and tests/backend/test_*: cmocka programs (built by make)
#  - tests/integration/test_*.sh, tests/tui/test_*.sh: scripts that start the
#    real services they need (private libvirtd, sshd, tmux) and stop them.
# Arguments: optional substrings; only tests whose path contains one run.
set -u
top_build=${TVE_TOP_BUILDDIR:-$(pwd)}
top_src=${TVE_TOP_SRCDIR:-$(dirname "$0")/..}
# Canonical paths: a build dir configured as ../configure passes "DIR/.."
top_build=$(cd "$top_build" && pwd -P)
top_src=$(cd "$top_src" && pwd -P)
out="$top_build/tests/out"
mkdir -p "$out"
export TVE_TOP_BUILDDIR="$top_build" TVE_TOP_SRCDIR="$top_src"
export CMOCKA_MESSAGE_OUTPUT=TAP
# Tests never touch the user's own state or config.
export XDG_STATE_HOME="$out/state" XDG_CONFIG_HOME="$out/config"

passed=0 failed=0 skipped=0
failures=()

want() {
	[ ${#FILTERS[@]} -eq 0 ] && return 0
	local t=$1
	for f in "${FILTERS[@]}"; do
		case "$t" in *"$f"*) return 0 ;; esac
	done
	return 1
}
FILTERS=("$@")

run_one() {
	local path=$1 name log rc p f s
	name=${path#"$top_build"/}; name=${name#"$top_src"/}
	want "$name" || return 0
	log="$out/$(echo "$name" | tr '/' '_').log"
	printf '%-50s ' "$name"
	local t0=$SECONDS
	if [ -x "$path" ] && [ "${path%.sh}" = "$path" ]; then
		timeout 600 "$path" >"$log" 2>&1; rc=$?
	else
		timeout 1200 bash "$path" >"$log" 2>&1; rc=$?
	fi
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# *(SKIP|skip)' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or failed outside a test case
		echo "not ok 0 - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		f=1	# a test that reports nothing has not passed
		echo "not ok 0 - $name reported no result" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	printf '%3d ok %3d failed %3d skipped  (%ds)\n' "$p" "$f" "$s" $((SECONDS - t0))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		grep -E '^not ok' "$log" | head -20 | sed 's/^/    /'
		echo "    log: $log"
	fi
	return 0
}

for dir in unit backend; do
	for t in "$top_build"/tests/$dir/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && case "$t" in *.c|*.o|*.sh|*.py) ;; *) run_one "$t" ;; esac
	done
done
for dir in integration tui; do
	for t in "$top_src"/tests/$dir/test_*.sh; do
		[ -f "$t" ] && run_one "$t"
	done
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "no test ran" >&2
	failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
