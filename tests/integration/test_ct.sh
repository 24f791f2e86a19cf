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

# The template: busybox, its applets as links, an init that configures
# nothing and waits (SIGTERM ends it: libvirt's shutdown), a setuid and a
# file-capability copy of busybox (the unprivileged shift keeps both), and
# /etc/resolv.conf as a link out of the tree (tve replaces it, never
# writes through it).
make_template() {
	local r=$1
	mkdir -p "$r"/{bin,sbin,etc/network/interfaces.d,root,proc,sys,dev,tmp,run,var} || return 1
	cp "$bb" "$r/bin/busybox" || return 1
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	cat >"$r/sbin/init" <<'INIT'
#!/bin/sh
# tve test container: configures nothing, waits for SIGTERM
trap 'exit 0' TERM
while :; do sleep 1 & wait $!; done
INIT
	chmod 755 "$r/sbin/init"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	printf 'root:x:0:\nshadow:x:42:\n' >"$r/etc/group"
	echo 'root:*:19000:0:99999:7:::' >"$r/etc/shadow"
	chgrp 42 "$r/etc/shadow" && chmod 640 "$r/etc/shadow"
	echo template >"$r/etc/hostname"
	printf 'auto lo\niface lo inet loopback\n' >"$r/etc/network/interfaces"
	ln -s /run/resolv.conf "$r/etc/resolv.conf"
	install -m 4755 "$bb" "$r/bin/suidtest"
	cp "$bb" "$r/bin/captest" && setcap cap_net_raw+ep "$r/bin/captest"
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
