#!/bin/bash
# test_ct.sh - containers on a real private libvirtd (LXC driver): starts a
# private host, a bridge with an address for the containers to answer on,
# a directory pool holding a tiny busybox template (in every compression
# tve reads), then runs the cmocka program itest_ct (TAP): root disks built
# by tve, privileged and unprivileged containers that start, answer, stop
# and go away, and a Debian template made with debootstrap that boots
# systemd.  Needs root, busybox-static, debootstrap, e2fsprogs, zstd and
# access to a Debian mirror (TVE_TEST_MIRROR, default deb.debian.org).
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_ct
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/ct.sh
source "$src/tests/harness/ct.sh"

tmp=$(mktemp -d /tmp/tve-ct.XXXXXX)
# an unprivileged container's init (uid 100000) must reach its root in the pool
chmod 711 "$tmp"
br=tvect$(($$ % 100000))
net=10.213.$(($$ % 200 + 20))
cleanup() {
	testhost_stop_all >/dev/null 2>&1
	ip link del "$br" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {	# a setup step failed: report it as a TAP failure
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_ct not built ($prog); run make check"
for t in busybox debootstrap mkfs.ext4 debugfs zstd setcap nsenter; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
		fatal "$t is missing (packages: busybox-static debootstrap e2fsprogs zstd libcap2-bin util-linux)"
done
bb=$(command -v busybox)
ldd "$bb" >/dev/null 2>&1 && fatal "$bb is linked dynamically: the test template needs busybox-static"

# The template: the busybox tree of tests/harness/ct.sh, with
# /etc/network/interfaces.d and /etc/resolv.conf as a link out of the tree
# (tve replaces it, never writes through it).
make_template() {
	testct_busybox_tree "$1" "$bb" || return 1
	mkdir "$1/etc/network/interfaces.d" || return 1
	ln -s /run/resolv.conf "$1/etc/resolv.conf"
}

H1=$tmp/h1
pool=$tmp/pool
mkdir -p "$pool" "$tmp/scratch" "$tmp/tmp" || fatal "mkdir in $tmp"
make_template "$tmp/tmpl" || fatal "could not make the busybox template"
tar --numeric-owner --xattrs --xattrs-include='*' -C "$tmp/tmpl" -cf "$pool/busybox.tar" . &&
	gzip -c "$pool/busybox.tar" >"$pool/busybox.tar.gz" &&
	xz -c "$pool/busybox.tar" >"$pool/busybox.tar.xz" &&
	zstd -q -c "$pool/busybox.tar" >"$pool/busybox.tar.zst" || fatal "could not pack the template"

ip link add "$br" type bridge && ip addr add "$net.1/24" dev "$br" && ip link set "$br" up ||
	fatal "could not make bridge $br"
testhost_start h1 "$H1" || fatal "private libvirtd h1 did not start"
virsh -q -c "$TESTHOST_LXC_URI" pool-define-as ctpool dir --target "$pool" >/dev/null &&
	virsh -q -c "$TESTHOST_LXC_URI" pool-start ctpool >/dev/null || fatal "could not make pool ctpool"

export TVE_TEST_LXC_URI=$TESTHOST_LXC_URI TVE_TEST_POOL=ctpool TVE_TEST_BRIDGE=$br TVE_TEST_NET=$net
export TVE_TEST_SCRATCH=$tmp/scratch TMPDIR=$tmp/tmp
export TVE_TEST_HOST_EXEC="bash '$src/tests/harness/testhost.sh' nsenter '$H1'"
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
echo "# host h1: $TESTHOST_LXC_URI, bridge $br ($net.1/24)"

"$prog" | tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_ct exited with $rc; libvirtd log tail:"
	tail -n 15 "$H1/libvirtd.log" 2>/dev/null | sed 's/^/#   /'
	for f in "$H1"/var/log/libvirt/lxc/*.log; do
		[ -f "$f" ] && tail -n 5 "$f" | sed "s|^|#   $(basename "$f"): |"
	done
fi
if ! testhost_stop h1 "$H1"; then
	echo "not ok $(($(grep -cE '^(not )?ok [0-9]' "$tmp/tap") + 1)) - private host h1 left something behind"
	rc=1
fi
exit "$rc"
