#!/bin/bash
# test_harness.sh - proves the integration harness itself (TAP):
# private libvirt hosts start and stop cleanly, a real guest boots to
# SeaBIOS, lifecycle works with virsh, and a libvirtd killed mid-run comes
# back with its guests still running.
# The checks are eval'd strings, expanded when they run.
# shellcheck disable=SC2016,SC2034
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/guest.sh
source "$src/tests/harness/guest.sh"

tmp=$(mktemp -d /tmp/tve-harness.XXXXXX)
cleanup() {
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
virsh1() { timeout 20 virsh -q -c "$uri1" "$@"; }

H1=$tmp/h1 H2=$tmp/h2

# --- host start
t0=$(date +%s%N)
testhost_start h1 "$H1"
ok $? "private host h1 starts"
echo "# h1 daemon ready in $(ms_since "$t0") ms"
uri1=$(testhost_uri "$H1")
check "TESTHOST_URI is the socket URI" [ "${TESTHOST_URI:-}" = "$uri1" ]
check "virsh version answers" eval 'virsh1 version >/dev/null'
check "hostname is h1 inside the namespace" [ "$(virsh1 hostname 2>/dev/null)" = h1 ]
check "host uuid is the generated one" \
	[ "$(virsh1 capabilities 2>/dev/null | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n 1)" = \
	"$(cat "$H1/.testhost/host_uuid" 2>/dev/null)" ]
check "no networks and no storage pools are required" \
	eval '[ -z "$(virsh1 net-list --all --name)" ] && [ -z "$(virsh1 pool-list --all --name)" ]'
check "machine's /run/libvirt untouched (socket only in DIR)" \
	eval '[ -S "$H1/run/libvirt/libvirt-sock" ] && ! grep -q " /run/libvirt " /proc/self/mountinfo'
dtype=$(testhost_domain_type "$H1")
if [ -n "${TESTHOST_DOMAIN_TYPE_FORCE:-}" ]; then
	check "domain type $TESTHOST_DOMAIN_TYPE_FORCE (forced)" [ "$dtype" = "$TESTHOST_DOMAIN_TYPE_FORCE" ]
elif [ -c /dev/kvm ]; then
	check "domain type kvm (/dev/kvm present)" [ "$dtype" = kvm ]
else
	check "domain type qemu (TCG, no /dev/kvm)" [ "$dtype" = qemu ]
fi
echo "# domain type: $dtype"

# --- a second host: isolated from the first
testhost_start h2 "$H2"
ok $? "second private host h2 starts"
uri2=$(testhost_uri "$H2")
check "h2 has its own hostname and uuid" eval \
	'[ "$(timeout 10 virsh -q -c "$uri2" hostname)" = h2 ] &&
	 [ "$(cat "$H1/.testhost/host_uuid")" != "$(cat "$H2/.testhost/host_uuid")" ]'
check "h1 and h2 have distinct migration ports" eval \
	'[ "$(grep migration_port_min "$H1/etc/libvirt/qemu.conf")" != "$(grep migration_port_min "$H2/etc/libvirt/qemu.conf")" ]'

# --- guest
testguest_define h1 "$H1" g100 100
ok $? "guest g100 defined"
log=$(testguest_log "$H1" g100)
check "guest carries tve metadata vmid 100" eval \
	'virsh1 metadata g100 urn:tve:guest:1 2>/dev/null | grep -q "<vmid>100</vmid>"'
check "h2 does not see h1's guest" eval '! timeout 10 virsh -q -c "$uri2" dominfo g100 >/dev/null 2>&1'
t0=$(date +%s%N)
check "guest starts" eval 'virsh1 start g100 >/dev/null'
testguest_wait_serial "$log" SeaBIOS 20
ok $? "SeaBIOS appears in the serial log"
echo "# SeaBIOS $(ms_since "$t0") ms after virsh start"
check "serial is a pty (console usable) with the log attached" eval \
	'virsh1 dumpxml g100 | grep -q "<serial type=.pty.>" && virsh1 ttyconsole g100 | grep -q /dev/pts/'
check "QEMU runs with the expected accelerator" eval \
	'[ "$dtype" = kvm ] && grep -q -- "-accel kvm" "$H1/var/log/libvirt/qemu/g100.log" ||
	 { [ "$dtype" = qemu ] && grep -q -- "-accel tcg" "$H1/var/log/libvirt/qemu/g100.log"; }'
check "no virtlogd was needed" eval \
	'[ -z "$(testhost_pids "$H1" virtlogd)" ] && [ ! -e "$H1/run/libvirt/virtlogd-sock" ]'

virsh1 suspend g100 >/dev/null
check "pause: paused" testguest_wait_state "$uri1" g100 paused 10
virsh1 resume g100 >/dev/null
check "resume: running" testguest_wait_state "$uri1" g100 running 10

# --- daemon killed mid-run
qemu_pids=$(testhost_pids "$H1" qemu-system-x86)
check "one QEMU process in h1's namespace" [ "$(echo "$qemu_pids" | grep -c .)" -eq 1 ]
testhost_kill_daemon h1 "$H1"
ok $? "libvirtd killed (SIGKILL)"
check "socket no longer answers" eval '! timeout 5 virsh -q -c "$uri1" version >/dev/null 2>&1'
check "guest's QEMU survives the daemon" eval '[ -n "$qemu_pids" ] && kill -0 $qemu_pids'
t0=$(date +%s%N)
testhost_restart_daemon h1 "$H1"
ok $? "libvirtd restarted in the same namespace"
echo "# restart ready in $(ms_since "$t0") ms"
check "guest still known and running after restart" testguest_wait_state "$uri1" g100 running 5
check "same QEMU process reattached" eval \
	'[ "$(testhost_pids "$H1" qemu-system-x86)" = "$qemu_pids" ]'
virsh1 suspend g100 >/dev/null
check "monitor works after restart (pause)" testguest_wait_state "$uri1" g100 paused 10
virsh1 resume g100 >/dev/null
check "resume after restart" testguest_wait_state "$uri1" g100 running 10
virsh1 destroy g100 >/dev/null
check "destroy: shut off" testguest_wait_state "$uri1" g100 "shut off" 10
check "QEMU process gone after destroy" eval '! kill -0 $qemu_pids 2>/dev/null'

# --- live migration between two private hosts
virsh1 start g100 >/dev/null
testguest_wait_serial "$log" SeaBIOS 20
t0=$(date +%s%N)
check "live migration h1 -> h2 (p2p, tcp://127.0.0.1)" eval \
	'virsh1 migrate --live --p2p --persistent --undefinesource g100 "$uri2" tcp://127.0.0.1 \
		--listen-address 127.0.0.1 >/dev/null'
echo "# migration took $(ms_since "$t0") ms"
check "guest runs on h2 and is gone from h1" eval \
	'testguest_wait_state "$uri2" g100 running 5 && ! virsh1 dominfo g100 >/dev/null 2>&1'
check "QEMU moved namespaces" eval \
	'[ -z "$(testhost_pids "$H1" qemu-system-x86)" ] && [ -n "$(testhost_pids "$H2" qemu-system-x86)" ]'

# --- stop: nothing left, even with running guests
testguest_define h1 "$H1" g101 101 && virsh1 start g101 >/dev/null
ok $? "second guest g101 runs on h1"
h1_pids=$(testhost_pids "$H1" | tr '\n' ' ')
t0=$(date +%s%N)
testhost_stop h1 "$H1"
ok $? "h1 stops cleanly (with a running guest)"
echo "# h1 stop took $(ms_since "$t0") ms"
testhost_stop h2 "$H2"
ok $? "h2 stops cleanly (with the migrated guest running)"
left=
for p in $h1_pids; do
	[ -d "/proc/$p" ] && [ "$(awk '/^State:/ {print $2}' "/proc/$p/status")" != Z ] && left="$left $p"
done
check "no process of h1 left (was:$h1_pids)" [ -z "$left" ]
left=$(pgrep -af -- "$tmp/" | grep -v "^$$ ")
[ -z "$left" ] || echo "$left" | sed 's/^/# left: /'
check "no QEMU or libvirtd of ours left" [ -z "$left" ]
check "no namespace or mount left" eval 'testhost_check_clean "$H1" && testhost_check_clean "$H2"'
check "no zombie children left" eval \
	'[ -z "$(ps -o stat= --ppid $$ | grep Z)" ]'
check "socket gone quiet" eval '! timeout 5 virsh -q -c "$uri1" version >/dev/null 2>&1'

echo "1..$n"
[ "$failed" -eq 0 ]
