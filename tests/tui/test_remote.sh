#!/bin/bash
# test_remote.sh - a three-node datacenter in tmux at 80x24: a local private
# libvirtd and two remote test hosts (tests/harness/sshhost.sh: own network
# namespace, sshd, private libvirtd) configured as ssh nodes (ssh =,
# keyfile =: tve's ssh layer, libvirt over qemu+libssh).  r1's host key is
# unknown: the question shows its fingerprint, refuses anything but "yes",
# Esc leaves r1 offline, R asks again, yes trusts and remembers it.  r2's
# key file is encrypted: its passphrase is asked for without echo.  Then a
# guest on a remote node is started from the tree (checked with virsh over
# ssh); the link to one remote node is cut: it goes offline within the
# keepalive window while the console keeps answering keys (the
# key-to-screen latency is measured), and comes back when the link does.
# A fourth node is added with the Add Node form (N) and saved to tve.conf.
# Last, r1's stored key is replaced: a restart refuses it, showing both
# fingerprints.
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
R1IP=$SSHHOST_IP R1KEY=$SSHHOST_KEY
sshhost_start r2 "$tmp/r2" 62 >/dev/null || bail "remote host r2 starts"
R2URI=$SSHHOST_URI
R2IP=$SSHHOST_IP R2KH=$SSHHOST_KNOWN_HOSTS
testguest_define r2 "$tmp/r2" g102 102 || bail "guest g102 on r2"
sshhost_start r3 "$tmp/r3" 63 >/dev/null || bail "remote host r3 starts"
R3IP=$SSHHOST_IP R3KEY=$SSHHOST_KEY
tap_note "four hosts up in $((SECONDS - t0)) s"
fp() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }
R1FP=$(fp "$tmp/r1/ssh_host_ed25519_key.pub")
R3FP=$(fp "$tmp/r3/ssh_host_ed25519_key.pub")

# r2's key, encrypted; r2's host key known to tve already.
cp "$tmp/r2/id_ed25519" "$tmp/r2key"
ssh-keygen -q -p -P '' -N 'open sesame' -f "$tmp/r2key" </dev/null >/dev/null ||
	bail "encrypting r2's key"
mkdir -p "$tmp/state" "$tmp/config/tve"
cp "$R2KH" "$tmp/config/tve/known_hosts"
cat >"$tmp/config/tve/tve.conf" <<CONF
[general]
refresh = 1
[node l0]
uri = $LURI
[node r1]
ssh = root@$R1IP
keyfile = $R1KEY
[node r2]
ssh = root@$R2IP
keyfile = $tmp/r2key
CONF
KH=$tmp/config/tve/known_hosts

tree() { tui_region 1 0 16 28; }
tree_has() { tree | grep -qE -- "$1"; }
has() { tui_screen | grep -qE -- "$1"; }

t1=$SECONDS
tui_start remote 80 24 env -u LC_ALL -u SSH_AUTH_SOCK XDG_STATE_HOME="$tmp/state" \
	XDG_CONFIG_HOME="$tmp/config" LANG=C.UTF-8 "$TVE"

# r1: an unknown host key; declined with Esc.
r1_question() {
	tui_wait 'Unknown host key: r1' 20
	ok $? "r1's unknown host key opens a question"
	tui_screen | grep -qF "Fingerprint  $R1FP"
	ok $? "it shows r1's whole SHA256 fingerprint ($R1FP)"
	tui_type no
	tui_keys Enter
	tui_wait 'type yes to trust this key' 5
	ok $? "anything but yes is refused"
	! grep -q "$R1IP" "$KH"
	ok $? "nothing is stored before the user accepts"
	tui_keys Escape
	tui_wait_gone 'Unknown host key: r1' 5
}
# r2: the key file's passphrase, without echo.
r2_question() {
	tui_wait 'Key passphrase: r2' 20
	ok $? "r2's encrypted key file asks for its passphrase"
	tui_type 'open sesame'
	tui_until 5 eval 'tui_screen | grep -q "\*\*\*\*\*\*\*\*\*\*\*"'
	ok $? "the passphrase shows as stars"
	! has 'open sesame'
	ok $? "the passphrase itself is never on screen"
	tui_keys Enter
}
# The nodes connect in parallel: the questions come in either order, one
# at a time.
tui_wait_re 'Unknown host key: r1|Key passphrase: r2' 20
if has 'Unknown host key: r1'; then
	r1_question
	r2_question
else
	r2_question
	r1_question
fi
tui_wait '2/3 nodes online' 30
ok $? "r2 comes online with the passphrase; r1 stays offline"
tree_has 'r1 \[host key\?\]'
ok $? "the tree marks r1 [host key?]"
# R on r1 asks again; yes trusts it.
tui_keys j j j
tui_until 5 eval 'tui_screen | grep -qE "Node r1"'
tui_keys R
tui_wait 'Unknown host key: r1' 20
ok $? "R on r1 asks about its host key again"
tui_type yes
tui_keys Enter
tui_wait '3/3 nodes online' 30
ok $? "yes trusts r1's key: three nodes (one local, two over ssh) online"
tap_note "all three nodes online after $((SECONDS - t1)) s"
grep -q "^$R1IP ssh-ed25519 " "$KH"
ok $? "r1's key is stored in tve's known_hosts"
tui_until 10 eval 'tui_screen | grep -qE "SSH +root@$R1IP" && tui_screen | grep -qE "Kernel +Linux"'
ok $? "r1's summary shows its ssh target and the kernel read over ssh"
tui_keys Home
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

# Add Node: r3 over ssh with a key file.
tui_keys N
tui_wait 'Add: Node' 5
ok $? "N opens the Add Node form"
tui_type r3
tui_keys Tab
tui_type "$R3IP"
tui_keys Tab Right Tab C-u
tui_type "$R3KEY"
tui_until 5 eval 'tui_screen | grep -qF "qemu+ssh://root@$R3IP/system"'
ok $? "the form shows the node's URI (libvirt through the ssh session)"
tui_keys C-n
tui_wait 'Unknown host key: r3' 20
ok $? "the new node's host key is asked about"
tui_screen | grep -qF "Fingerprint  $R3FP"
ok $? "with r3's fingerprint"
tui_type yes
tui_keys Enter
tui_wait '4/4 nodes online' 30
ok $? "r3 joins the datacenter online"
grep -q '^\[node r3\]' "$tmp/config/tve/tve.conf" &&
	grep -q "^ssh = root@$R3IP" "$tmp/config/tve/tve.conf"
ok $? "r3 is saved to tve.conf"

tui_keys q
st=$(tui_exit_status 10)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"

# A changed host key: r1's stored key replaced by another one.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/fake" </dev/null
FAKEFP=$(fp "$tmp/fake.pub")
grep -v "^$R1IP " "$KH" >"$KH.new"
echo "$R1IP $(cut -d' ' -f1,2 "$tmp/fake.pub")" >>"$KH.new"
mv "$KH.new" "$KH"
kh_sum=$(md5sum <"$KH")
tui_start remote2 80 24 env -u LC_ALL -u SSH_AUTH_SOCK XDG_STATE_HOME="$tmp/state" \
	XDG_CONFIG_HOME="$tmp/config" LANG=C.UTF-8 "$TVE"
# r2's passphrase was kept in memory only: it is asked for again (in
# either order with r1's warning).
tui_wait_re 'HOST KEY CHANGED|Key passphrase: r2' 20
if has 'Key passphrase: r2'; then
	asked_again=0
	tui_keys Escape
fi
tui_wait 'HOST KEY CHANGED' 20
ok $? "a changed host key is refused with a warning"
tui_until 5 eval 'tui_screen | tr -d "\n" | grep -q "${R1FP#SHA256:}"' &&
	tui_screen | tr -d '\n ' | grep -q "${FAKEFP#SHA256:}"
ok $? "the warning shows both fingerprints"
tui_keys Enter
tui_wait_gone 'HOST KEY CHANGED' 5
if [ -z "${asked_again:-}" ]; then
	tui_wait 'Key passphrase: r2' 20 && asked_again=0
	tui_keys Escape
fi
[ "${asked_again:-1}" = 0 ]
ok $? "after a restart r2's passphrase is asked for again (never stored)"
! grep -rqs 'open sesame' "$tmp/config" "$tmp/state"
ok $? "the passphrase is in no file tve wrote"
tui_until 5 tree_has 'r1 \[KEY CHANGED\]'
ok $? "the tree marks r1 [KEY CHANGED]"
[ "$(md5sum <"$KH")" = "$kh_sum" ]
ok $? "known_hosts is left as it was"
tui_keys q
tui_exit_status 10 >/dev/null
tap_note "run: $((SECONDS - t0)) s"
tap_done
