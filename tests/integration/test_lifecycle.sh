#!/bin/bash
# test_lifecycle.sh - the backend against a real private libvirtd: starts a
# private host with a diskless guest (vmid 100), then runs the cmocka
# program itest_lifecycle (TAP), which drives the guest through the backend
# API and kills/restarts the daemon through the commands passed to it.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_lifecycle
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/guest.sh
source "$src/tests/harness/guest.sh"

tmp=$(mktemp -d /tmp/tve-lifecycle.XXXXXX)
cleanup() {
	[ -n "${H1:-}" ] && kill -CONT $(testhost_pids "$H1" libvirtd) 2>/dev/null
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {	# a setup step failed: report it as a TAP failure
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_lifecycle not built ($prog); run make check"
H1=$tmp/h1
testhost_start h1 "$H1" || fatal "private libvirtd h1 did not start"
testguest_define h1 "$H1" g100 100 || fatal "could not define guest g100"

export TVE_TEST_URI=$TESTHOST_URI
export TVE_TEST_NODE=h1
export TVE_TEST_SERIAL_LOG=$TESTGUEST_LOG
export TVE_TEST_STATE_DIR=$tmp/state
export TVE_TEST_KILL_CMD="bash '$src/tests/harness/testhost.sh' kill-daemon h1 '$H1'"
export TVE_TEST_RESTART_CMD="bash '$src/tests/harness/testhost.sh' restart-daemon h1 '$H1'"
# Freezing (SIGSTOP) the daemon: it keeps its socket but answers nothing.
export TVE_TEST_FREEZE_CMD="kill -STOP \$(bash '$src/tests/harness/testhost.sh' pids '$H1' libvirtd)"
export TVE_TEST_THAW_CMD="kill -CONT \$(bash '$src/tests/harness/testhost.sh' pids '$H1' libvirtd)"
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
mkdir -p "$TVE_TEST_STATE_DIR"
echo "# host h1: $TESTHOST_URI (domain type $TESTHOST_DOMAIN_TYPE)"

"$prog" | tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_lifecycle exited with $rc; libvirtd log tail:"
	tail -n 15 "$H1/libvirtd.log" 2>/dev/null | sed 's/^/#   /'
fi
if ! testhost_stop h1 "$H1"; then
	echo "not ok $(($(grep -cE '^(not )?ok [0-9]' "$tmp/tap") + 1)) - private host h1 left something behind"
	rc=1
fi
exit "$rc"
