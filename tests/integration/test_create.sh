#!/bin/bash
# test_create.sh - Create VM through the backend on a real private libvirtd.
# Starts a private host with a dir pool "local" (holding a small test.iso),
# a dir pool "broken" whose directory is then removed (so creating a volume
# in it fails while tve still sees the pool), and an isolated libvirt
# network "tvenet"; then runs the cmocka program itest_create (TAP).
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_create
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"

tmp=$(mktemp -d /tmp/tve-create.XXXXXX)
cleanup() {
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_create not built ($prog); run make check"
H1=$tmp/h1
testhost_start c1 "$H1" || fatal "private libvirtd c1 did not start"
V() { virsh -q -c "$TESTHOST_URI" "$@" >/dev/null; }
mkdir -p "$tmp/pool" "$tmp/broken"
V pool-define-as local dir --target "$tmp/pool" && V pool-start local ||
	fatal "could not make pool local"
V pool-define-as broken dir --target "$tmp/broken" && V pool-start broken ||
	fatal "could not make pool broken"
rmdir "$tmp/broken"
# Any bytes do as a CD image: SeaBIOS tries it, fails, and goes on.
head -c 1048576 /dev/zero >"$tmp/pool/test.iso"
V pool-refresh local || fatal "could not refresh pool local"
# An isolated network on a bridge of its own (no DHCP, no NAT).
BR=tvecr$$
BR=${BR:0:15}
cat >"$tmp/net.xml" <<XML
<network><name>tvenet</name><bridge name='$BR' stp='off'/></network>
XML
V net-define "$tmp/net.xml" && V net-start tvenet || fatal "could not start network tvenet"

export TVE_TEST_URI=$TESTHOST_URI
export TVE_TEST_NODE=c1
export TVE_TEST_STATE_DIR=$tmp/state
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
mkdir -p "$TVE_TEST_STATE_DIR"
echo "# host c1: $TESTHOST_URI (domain type $TESTHOST_DOMAIN_TYPE)"

"$prog" | tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_create exited with $rc; libvirtd log tail:"
	tail -n 15 "$H1/libvirtd.log" 2>/dev/null | sed 's/^/#   /'
	for f in "$H1"/var/log/libvirt/qemu/*.log; do
		[ -f "$f" ] && tail -n 5 "$f" | sed "s|^|#   $(basename "$f"): |"
	done
fi
V net-destroy tvenet
if ! testhost_stop c1 "$H1"; then
	echo "not ok $(($(grep -cE '^(not )?ok [0-9]' "$tmp/tap") + 1)) - private host c1 left something behind"
	rc=1
fi
exit "$rc"
