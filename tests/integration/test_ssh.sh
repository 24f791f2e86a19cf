#!/bin/bash
# test_ssh.sh - remote nodes over ssh through the backend (TAP): a private
# libvirt host in its own network namespace with its own sshd
# (tests/harness/sshhost.sh); host keys unknown, accepted, remembered and
# changed; key file, encrypted key file and ssh-agent; wrong user and wrong
# key; commands and node facts over the session.  Runs itest_ssh.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_ssh
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/sshhost.sh
source "$src/tests/harness/sshhost.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (namespaces, libvirtd, sshd)"
	exit 0
fi

tmp=$(mktemp -d /tmp/tve-ssh.XXXXXX)
agent_pid=
BR=tvesshbr$$
BR=${BR:0:15}
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	ip link del "$BR" 2>/dev/null
	sshhost_stop_all >/dev/null 2>&1
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

[ -x "$prog" ] || fatal "itest_ssh not built ($prog); run make check"
H=$tmp/s1
sshhost_start s1 "$H" 21 >/dev/null || fatal "ssh test host s1 did not start"

# Keys: the host's own client key (authorized), an encrypted copy of it,
# and one the host does not know.
cp "$SSHHOST_KEY" "$tmp/key"
cp "$SSHHOST_KEY" "$tmp/key_enc"
ssh-keygen -q -p -P '' -N 'correct horse' -f "$tmp/key_enc" </dev/null >/dev/null ||
	fatal "could not encrypt a key copy"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/other" </dev/null || fatal "ssh-keygen"
# A known_hosts that holds another key as the host's.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/fakehost" </dev/null || fatal "ssh-keygen"
echo "$SSHHOST_IP $(cut -d' ' -f1,2 "$tmp/fakehost.pub")" >"$tmp/fake_known_hosts"
fp() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }

eval "$(ssh-agent -s -a "$tmp/agent.sock")" >/dev/null || fatal "ssh-agent"
agent_pid=$SSH_AGENT_PID
ssh-add -q "$tmp/key" 2>/dev/null || fatal "ssh-add"
unset SSH_AUTH_SOCK SSH_AGENT_PID

export TVE_TEST_TARGET="root@$SSHHOST_IP"
export TVE_TEST_KEY=$tmp/key TVE_TEST_KEY_ENC=$tmp/key_enc TVE_TEST_PASSPHRASE='correct horse'
export TVE_TEST_OTHER_KEY=$tmp/other
TVE_TEST_HOST_FP=$(fp "$H/ssh_host_ed25519_key.pub")
TVE_TEST_FAKE_FP=$(fp "$tmp/fakehost.pub")
export TVE_TEST_HOST_FP TVE_TEST_FAKE_FP
export TVE_TEST_FAKE_KNOWN_HOSTS=$tmp/fake_known_hosts
export TVE_TEST_AGENT_SOCK=$tmp/agent.sock
TVE_TEST_HOSTNAME=$(sshhost_ssh "$H" uname -n </dev/null)
export TVE_TEST_HOSTNAME
export TVE_TEST_DIR=$tmp
# A bridge the node's /sys shows (its sysfs is the machine's): listed in
# the node's capabilities although its libvirt has no interface driver.
ip link add "$BR" type bridge || fatal "cannot make bridge $BR"
export TVE_TEST_BRIDGE=$BR
# A directory pool "dl" on the node, for the remote download path.
mkdir -p "$tmp/pool"
virsh -q -c "$TESTHOST_URI" pool-define-as dl dir --target "$tmp/pool" >/dev/null &&
	virsh -q -c "$TESTHOST_URI" pool-start dl >/dev/null || fatal "cannot make pool dl"

export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
mkdir -p "$tmp/state"
echo "# host s1: root@$SSHHOST_IP, host key $TVE_TEST_HOST_FP"

"$prog" | tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_ssh exited with $rc; sshd log tail:"
	tail -n 15 "$H/sshd.log" 2>/dev/null | sed 's/^/#   /'
fi
n=$(grep -cE '^(not )?ok [0-9]' "$tmp/tap")
if ! sshhost_stop s1 "$H" >/dev/null 2>&1 || ! sshhost_check_clean "$H" >/dev/null 2>&1; then
	echo "not ok $((n + 1)) - ssh test host s1 left something behind"
	rc=1
fi
exit "$rc"
