#!/bin/bash
# test_remote.sh - a three-node datacenter in tmux at 80x24: a local private
# libvirtd and two remote test hosts (tests/harness/sshhost.sh: own network
# namespace, sshd, private libvirtd) reached over qemu+ssh.  All three come
# online; a guest on a remote node is started from the tree (checked with
# virsh over ssh); the link to one remote node is cut: it goes offline
# within the keepalive window while the console keeps answering keys (the
# key-to-screen latency is measured), and comes back when the link does.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR.  Needs root.
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/guest.sh
source "$src/tests/harness/guest.sh"
# shellcheck source=../harness/sshhost.sh
source "$src/tests/harness/sshhost.sh"

tmp=$(mktemp -d /tmp/tve-tui-remote.XXXXXX)
cleanup() {
	if [ "$TAP_FAILED" -gt 0 ] && [ -s "$tmp/state/tve/tve.log" ]; then
		tap_note "--- tail of tve.log"
		tail -n 15 "$tmp/state/tve/tve.log" | sed 's/^/#   /'
	fi
	tui_stop
	sshhost_stop_all >/dev/null 2>&1
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (private hosts)"; exit 0; }
[ -x "$TVE" ] || bail "tve is built ($TVE)"

t0=$SECONDS
testhost_start l0 "$tmp/l0" >/dev/null || bail "local private libvirtd l0 starts"
LURI=$TESTHOST_URI
testguest_define l0 "$tmp/l0" g100 100 || bail "guest g100 on l0"
sshhost_start r1 "$tmp/r1" 61 >/dev/null || bail "remote host r1 starts"
R1URI=$SSHHOST_URI
testguest_define r1 "$tmp/r1" g101 101 || bail "guest g101 on r1"
sshhost_start r2 "$tmp/r2" 62 >/dev/null || bail "remote host r2 starts"
R2URI=$SSHHOST_URI
testguest_define r2 "$tmp/r2" g102 102 || bail "guest g102 on r2"
tap_note "three hosts up in $((SECONDS - t0)) s"

mkdir -p "$tmp/state" "$tmp/config/tve"
cat >"$tmp/config/tve/tve.conf" <<CONF
[general]
refresh = 1
[node l0]
uri = $LURI
[node r1]
uri = $R1URI
[node r2]
uri = $R2URI
CONF

tree() { tui_region 1 0 16 28; }
tree_has() { tree | grep -qE -- "$1"; }
has() { tui_screen | grep -qE -- "$1"; }

t1=$SECONDS
tui_start remote 80 24 env -u LC_ALL XDG_STATE_HOME="$tmp/state" \
	XDG_CONFIG_HOME="$tmp/config" LANG=C.UTF-8 "$TVE"
tui_wait '3/3 nodes online' 30
ok $? "three nodes (one local, two over ssh) come online"
tap_note "all three nodes online after $((SECONDS - t1)) s"
tui_until 15 eval 'tree_has "100 g100" && tree_has "101 g101" && tree_has "102 g102"'
ok $? "the tree has each node's guest (100, 101, 102)"

# Start g102 on r2 from the tree: filter to it, then s.
tui_keys /
tui_type g102
tui_keys Enter
tui_until 5 tree_has '102 g102'
tui_keys j
tui_until 5 eval 'tui_screen | grep -qE "ID +102"'
ok $? "g102 on r2 selected"
tui_keys s
rstate() { timeout 10 virsh -q -c "$R2URI" domstate g102 </dev/null 2>/dev/null | head -n 1; }
tui_until 20 eval '[ "$(rstate)" = running ]'
ok $? "s on the remote guest: virsh over ssh says running"
tui_until 15 tree_has 'R +102 g102'
ok $? "the tree shows g102 running (R)"
tui_keys Escape

# Cut r1's link: offline within the keepalive window; keys still answer.
t2=$EPOCHREALTIME
sshhost_cut r1 "$tmp/r1"
tui_until 20 eval 'tree | grep -qE "r1.*(offline|\\[off)"'
ok $? "r1 shows offline after its link is cut"
tap_note "r1 offline $(awk -v a="$t2" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s after the cut"

# Key-to-screen latency during the outage: Up and Down move the selection
# (g102 is the last row); time until the screen shows it.
lat_max=0
for key in k j k j k j; do
	before=$(tui_screen)
	k0=$EPOCHREALTIME
	tui_keys "$key"
	tui_until 5 eval '[ "$(tui_screen)" != "$before" ]'
	ms=$(awk -v a="$k0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
	[ "$ms" -gt "$lat_max" ] && lat_max=$ms
done
[ "$lat_max" -lt 1000 ]
ok $? "while r1 is offline, keys answer (worst key-to-screen ${lat_max} ms, polled every 50 ms)"

sshhost_restore r1 "$tmp/r1"
tui_wait '3/3 nodes online' 60
ok $? "r1 comes back online when its link does"

tui_keys q
st=$(tui_exit_status 10)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"
tap_note "run: $((SECONDS - t0)) s"
tap_done
