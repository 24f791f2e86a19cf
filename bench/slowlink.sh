#!/bin/bash
# First paint over a slow link: a private libvirtd with N defined guests,
# reached through a proxy that adds RTT ms per round trip; tve until its
# summary counts all N guests, against `virsh list --all` until it is done.
#   bench/slowlink.sh [N=200] [RTT_MS=20]      (root: starts libvirtd)
set -u
B=${TVE_TOP_BUILDDIR:-$(pwd)}
S=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
N=${1:-200} RTT=${2:-20}
tmp=$(mktemp -d)
source "$S/tests/harness/testhost.sh"
cleanup() { [ -n "${proxy:-}" ] && kill "$proxy" 2>/dev/null; testhost_stop_all; rm -rf "$tmp"; }
trap cleanup EXIT
testhost_start slow "$tmp/h" >/dev/null 2>&1 || { echo "slowlink: cannot start libvirtd" >&2; exit 1; }
type=$(testhost_domain_type "$tmp/h")
for i in $(seq 0 $((N - 1))); do
	cat >"$tmp/g$i.xml" <<XML
<domain type='$type'><name>g$i</name><memory unit='MiB'>64</memory>
<metadata><tve:guest xmlns:tve="urn:tve:guest:1"><vmid>$((100 + i))</vmid></tve:guest></metadata>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
	echo "define $tmp/g$i.xml"
done | virsh -q -c "$TESTHOST_URI" >/dev/null
python3 "$S/bench/latency-proxy.py" "$tmp/slow.sock" "$tmp/h/run/libvirt/libvirt-sock" "$RTT" &
proxy=$!
sleep 0.5
URI="qemu+unix:///system?socket=$tmp/slow.sock"
export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config"
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
FP="/usr/bin/python3 $S/bench/firstpaint.py --timeout 300"
t=$($FP --marker "/ $N total" --keys q -- "$B/tve" -c "$URI" | field seconds)
v=$($FP -- virsh -c "$URI" list --all | field seconds)
echo "| first paint, $N guests over a ${RTT} ms link (s) | $t | virsh list --all: $v | $(python3 -c "print('%.2f' % ($t / $v))") |"
