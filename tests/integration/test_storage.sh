#!/bin/bash
# test_storage.sh - storage pools and volumes through the backend on a real
# private libvirtd: dir pools made by the backend, volumes created,
# resized, copied, moved, uploaded and deleted; figures compared with
# virsh; and an LVM pool on a loop device this script sets up (the backend
# makes the volume group through libvirt).  Runs the cmocka program
# itest_storage (TAP).
#
# Only what this script made is touched: its own temporary directory, its
# own loop device (never `losetup -D`) and its own volume group name.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_storage
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"

tmp=$(mktemp -d /tmp/tve-storage.XXXXXX)
LOOP=
VG=tvevg$$
# lvm's tools make /dev/mapper/control when they find it missing; on a
# kernel without device-mapper it only gets in the way of later runs.
had_dm_control=false
[ -e /dev/mapper/control ] && had_dm_control=true
had_dm_dir=false
[ -d /dev/mapper ] && had_dm_dir=true

cleanup() {
	testhost_stop_all >/dev/null 2>&1
	if [ -n "$LOOP" ]; then
		# The test removes the VG through the backend; after a failure
		# it may still be there: only ours, only on our device.
		if command -v vgs >/dev/null && vgs "$VG" >/dev/null 2>&1; then
			vgremove -f "$VG" >/dev/null 2>&1
		fi
		command -v pvremove >/dev/null && pvremove -ff -y "$LOOP" >/dev/null 2>&1
		losetup -d "$LOOP"
	fi
	if ! $had_dm_control && [ -e /dev/mapper/control ] && ! grep -q device-mapper /proc/misc; then
		rm -f /dev/mapper/control
		$had_dm_dir || rmdir /dev/mapper 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_storage not built ($prog); run make check"
H1=$tmp/h1
testhost_start s1 "$H1" || fatal "private libvirtd s1 did not start"

# The file to upload: 64 MiB that does not compress or sparsify.
head -c $((64 * 1024 * 1024)) /dev/urandom >"$tmp/upload.img" || fatal "cannot make the upload file"
# A sparse 1 GiB file for the cancelled upload.
truncate -s 1G "$tmp/big.img"

# The LVM pool's physical volume: a loop device on a file of our own.
if command -v pvcreate >/dev/null && command -v vgcreate >/dev/null; then
	truncate -s 256M "$tmp/pv.img"
	LOOP=$(losetup -f --show "$tmp/pv.img") || LOOP=
	[ -n "$LOOP" ] || echo "# losetup failed: no loop device for the LVM pool"
else
	echo "# LVM tools missing (Debian package lvm2): the LVM pool tests are skipped"
fi

export TVE_TEST_URI=$TESTHOST_URI
export TVE_TEST_NODE=s1
export TVE_TEST_DIR=$tmp
export TVE_TEST_STATE_DIR=$tmp/state
# Where the backend keeps state it is not given a directory for.
export XDG_STATE_HOME=$tmp/xdg-state
export TVE_TEST_UPLOAD=$tmp/upload.img
export TVE_TEST_BIG=$tmp/big.img
export TVE_TEST_LOOP=$LOOP
export TVE_TEST_VG=$VG
export TVE_TEST_DOMAIN_TYPE=$TESTHOST_DOMAIN_TYPE
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
mkdir -p "$TVE_TEST_STATE_DIR"
echo "# host s1: $TESTHOST_URI (domain type $TESTHOST_DOMAIN_TYPE), loop ${LOOP:-none}"

# cmocka reports a skipped test as "not ok N # SKIP name"; in TAP (and for
# tests/run.sh) a skip is "ok N - name # SKIP reason": the reason is the
# comment just before it.
"$prog" | sed -u -E 's/^not ok ([0-9]+) # SKIP (.*)$/ok \1 - \2 # SKIP (why: the comment above)/' |
	tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_storage exited with $rc; libvirtd log tail:"
	tail -n 15 "$H1/libvirtd.log" 2>/dev/null | sed 's/^/#   /'
fi
if ! testhost_stop s1 "$H1"; then
	echo "not ok $(($(grep -cE '^(not )?ok [0-9]' "$tmp/tap") + 1)) - private host s1 left something behind"
	rc=1
fi
exit "$rc"
