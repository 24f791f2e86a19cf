#!/bin/bash
# test_sshhost.sh - proves tests/harness/sshhost.sh (TAP): two private
# libvirt hosts, each in its own network namespace behind a veth pair with
# its own sshd, reachable as remote nodes over qemu+ssh and qemu+libssh;
# unknown host keys fail fast, a cut link fails within seconds, and
# stopping leaves nothing behind.
# shellcheck disable=SC2016,SC2034,SC2001
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/sshhost.sh
source "$src/tests/harness/sshhost.sh"
# shellcheck source=../harness/guest.sh
source "$src/tests/harness/guest.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (namespaces, libvirtd, sshd)"
	exit 0
fi

tmp=$(mktemp -d /tmp/tve-sshhost.XXXXXX)
cleanup() {
	sshhost_stop_all >/dev/null 2>&1
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

n=0 failed=0
ok() {	# ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
check() {	# check DESCRIPTION CMD...: runs CMD, reports
	local d=$1; shift
	"$@"; ok $? "$d"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

N1=$tmp/n1 N2=$tmp/n2
t0=$(date +%s%N)

# --- start
sshhost_start n1 "$N1" 1
ok $? "remote host n1 starts (10.231.1.2)"
uri1=$SSHHOST_URI luri1=$SSHHOST_LIBSSH_URI
check "SSHHOST_* exported for n1" eval \
	'[ "$SSHHOST_IP" = 10.231.1.2 ] && [ "$SSHHOST_KEY" = "$N1/id_ed25519" ] &&
	 [ "$SSHHOST_KNOWN_HOSTS" = "$N1/known_hosts" ] &&
	 grep -q "^10.231.1.2 ssh-ed25519 " "$SSHHOST_KNOWN_HOSTS" &&
	 case "$SSHHOST_URI" in qemu+ssh://root@10.231.1.2/system\?*) true ;; *) false ;; esac &&
	 case "$SSHHOST_LIBSSH_URI" in qemu+libssh://root@10.231.1.2/system\?*) true ;; *) false ;; esac'
sshhost_start n2 "$N2" 2
ok $? "remote host n2 starts (10.231.2.2)"
uri2=$SSHHOST_URI luri2=$SSHHOST_LIBSSH_URI
echo "# both hosts up in $(ms_since "$t0") ms"

ns1=$(cat "$N1/.sshhost/netns") ns2=$(cat "$N2/.sshhost/netns")
vh1=$(cat "$N1/.sshhost/veth") vh2=$(cat "$N2/.sshhost/veth")
check "libvirtd of n1 runs in n1's network namespace" eval \
	'[ "$(readlink /proc/"$(testhost_pids "$N1" libvirtd | head -n 1)"/ns/net)" = \
	   "$(ip netns exec "$ns1" readlink /proc/self/ns/net)" ]'

# --- ssh
check "ssh with n1's key runs a command on n1 (its hostname)" eval \
	'[ "$(sshhost_ssh "$N1" hostname </dev/null)" = n1 ]'
check "ssh with n2's key runs a command on n2" eval \
	'[ "$(sshhost_ssh "$N2" hostname </dev/null)" = n2 ]'
check "the documented ssh command line works" eval \
	'[ "$(timeout 10 ssh -i "$N1/id_ed25519" -o UserKnownHostsFile="$N1/known_hosts" \
	   -o BatchMode=yes root@10.231.1.2 echo hi </dev/null 2>/dev/null)" = hi ]'
check "n2's key is refused by n1" eval \
	'! timeout 10 ssh -i "$N2/id_ed25519" -o IdentitiesOnly=yes -o UserKnownHostsFile="$N1/known_hosts" \
	   -o BatchMode=yes root@10.231.1.2 true </dev/null 2>/dev/null'

# --- libvirt over ssh
testguest_define n1 "$N1" g1 101 && testguest_define n2 "$N2" g2 102
ok $? "guests g1 (on n1) and g2 (on n2) defined"
check "qemu+ssh lists n1's guest only" eval \
	'[ "$(timeout 10 virsh -q -c "$uri1" list --all --name </dev/null)" = g1 ]'
check "qemu+ssh lists n2's guest only" eval \
	'[ "$(timeout 10 virsh -q -c "$uri2" list --all --name </dev/null)" = g2 ]'
check "qemu+libssh lists n1's guest" eval \
	'[ "$(timeout 10 virsh -q -c "$luri1" list --all --name </dev/null)" = g1 ]'
check "qemu+libssh lists n2's guest" eval \
	'[ "$(timeout 10 virsh -q -c "$luri2" list --all --name </dev/null)" = g2 ]'
check "qemu+ssh reaches n1's daemon (hostname n1)" eval \
	'[ "$(timeout 10 virsh -q -c "$uri1" hostname </dev/null)" = n1 ]'

# --- unknown host key: fails at once, no prompt, no hang
: >"$tmp/empty_known_hosts"
sed "s|$N1/known_hosts|$tmp/empty_known_hosts|" "$N1/ssh" >"$tmp/ssh-unknown"
chmod 755 "$tmp/ssh-unknown"
bad_uri=$(echo "$uri1" | sed "s|known_hosts=[^&]*|known_hosts=$tmp/empty_known_hosts|; s|command=[^&]*|command=$tmp/ssh-unknown|")
t=$(date +%s%N)
out=$(timeout 10 virsh -q -c "$bad_uri" list --all </dev/null 2>&1); rc=$?
check "qemu+ssh, unknown host key: fails with a host-key error ($(ms_since "$t") ms)" eval \
	'[ $rc -ne 0 ] && [ $rc -ne 124 ] && echo "$out" | grep -q "Host key verification failed"'
bad_luri=$(echo "$luri1" | sed "s|known_hosts=[^&]*|known_hosts=$tmp/empty_known_hosts|")
t=$(date +%s%N)
out=$(timeout 10 virsh -q -c "$bad_luri" list --all </dev/null 2>&1); rc=$?
check "qemu+libssh, unknown host key: not accepted ($(ms_since "$t") ms)" eval \
	'[ $rc -ne 0 ] && [ $rc -ne 124 ] && echo "$out" | grep -q "host key.*not accepted"'

# --- cut link
sshhost_cut n1 "$N1"
ok $? "n1's link cut"
check "nothing to n1 leaks to the default route while cut" eval \
	'ip route get 10.231.1.2 2>&1 | grep -qiE "unreachable|no route"'
t=$(date +%s%N)
out=$(timeout 10 virsh -q -c "$uri1" list --all </dev/null 2>&1); rc=$? ms=$(ms_since "$t")
echo "$out" | sed 's/^/#   /'
check "qemu+ssh to a cut n1 fails within 5 s ($ms ms)" eval '[ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $ms -lt 5000 ]'
t=$(date +%s%N)
out=$(timeout 10 virsh -q -c "$luri1" list --all </dev/null 2>&1); rc=$? ms=$(ms_since "$t")
echo "$out" | sed 's/^/#   /'
check "qemu+libssh to a cut n1 fails within 5 s ($ms ms)" eval '[ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $ms -lt 5000 ]'
check "n2 unaffected by n1's cut" eval \
	'[ "$(timeout 10 virsh -q -c "$uri2" list --all --name </dev/null)" = g2 ]'
sshhost_restore n1 "$N1"
ok $? "n1's link restored"
check "qemu+ssh to n1 works again" eval \
	'[ "$(timeout 10 virsh -q -c "$uri1" list --all --name </dev/null)" = g1 ]'

# --- stop
sshhost_stop n1 "$N1"
ok $? "n1 stops cleanly"
sshhost_stop n2 "$N2"
ok $? "n2 stops cleanly"
check "no netns left" eval '! ip netns list | awk "{print \$1}" | grep -qxE "$ns1|$ns2"'
check "no veth left" eval '! ip link show "$vh1" >/dev/null 2>&1 && ! ip link show "$vh2" >/dev/null 2>&1'
check "no sshd or libvirtd of theirs left" eval \
	'! ps -e -o args= | grep -F -e "$N1/" -e "$N2/" | grep -v grep | grep -q . &&
	 [ -z "$(testhost_pids "$N1")$(testhost_pids "$N2")" ]'
check "no 10.231.1/2 addresses left" eval '! ip -4 addr show | grep -qE " 10\.231\.[12]\.1/"'

echo "# total $(ms_since "$t0") ms"
echo "1..$n"
[ "$failed" -eq 0 ]
