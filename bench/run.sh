#!/bin/bash
# tve benchmarks: prints a markdown table of figures measured side by side
# in one run.  Nothing here passes or fails on time.
#   TVE_TOP_BUILDDIR, TVE_TOP_SRCDIR: set by `make bench`
#   BENCH_RUNS (default 5): repetitions for first-paint timings
#   BENCH_NODES=1 (root): also bench/nodes.sh, remote nodes over SSH
set -u
B=${TVE_TOP_BUILDDIR:-$(pwd)}
S=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
RUNS=${BENCH_RUNS:-5}
out="$B/bench/out"
mkdir -p "$out"
PTY=${PTYBYTES:-$S/../shared/tools/ptybytes.py}
if [ ! -f "$PTY" ]; then
	echo "bench: ptybytes.py not found at $PTY (set PTYBYTES)" >&2
	exit 1
fi
export XDG_STATE_HOME="$out/state" XDG_CONFIG_HOME="$out/config"

python3 "$S/bench/gen-fixture.py" 1000 200 "$out/f1000.xml"
python3 "$S/bench/gen-fixture.py" 100 20 "$out/f100.xml"

field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# First paint with 1000 guests, both in a pty at 80x24 read through a
# terminal emulator: tve until its Datacenter summary counts all 1000
# guests on screen, `virsh list --all` until its listing is complete.
FP="/usr/bin/python3 $S/bench/firstpaint.py"
: >"$out/tve_paint" ; : >"$out/virsh_paint"
for _ in $(seq "$RUNS"); do
	$FP --marker "/ 1000 total" --keys q -- "$B/tve" -c "test://$out/f1000.xml" |
		field seconds >>"$out/tve_paint"
	$FP -- virsh -c "test://$out/f1000.xml" list --all | field seconds >>"$out/virsh_paint"
done
tve_paint=$(median <"$out/tve_paint")
virsh_paint=$(median <"$out/virsh_paint")

# Idle output at 80x24 with 100 guests (20 running), next to htop.
IDLE=${BENCH_IDLE:-20}
tve_idle=$(python3 "$PTY" --settle 5 --idle "$IDLE" --keys q -- "$B/tve" -c "test://$out/f100.xml" | field idle_bytes_per_s)
if command -v htop >/dev/null; then
	htop_idle=$(python3 "$PTY" --settle 5 --idle "$IDLE" --keys q -- htop | field idle_bytes_per_s)
else
	htop_idle=n/a
fi

# The same at 200x50.
tve_idle_big=$(python3 "$PTY" --cols 200 --rows 50 --settle 5 --idle "$IDLE" --keys q -- "$B/tve" -c "test://$out/f100.xml" | field idle_bytes_per_s)
if command -v htop >/dev/null; then
	htop_idle_big=$(python3 "$PTY" --cols 200 --rows 50 --settle 5 --idle "$IDLE" --keys q -- htop | field idle_bytes_per_s)
else
	htop_idle_big=n/a
fi

# CPU and peak RSS while idle with 1000 guests (libvirt's test driver runs
# inside tve's process here, so its domains count in the RSS).
IDLE_CPU=${BENCH_IDLE_CPU:-60}
RUN="python3 $S/bench/ptyrun.py"
idle_cost=$($RUN idle --seconds "$IDLE_CPU" -- "$B/tve" -c "test://$out/f1000.xml")

# Idle output on a real libvirtd (private test host, as root) with three
# running QEMU guests: CPU and memory figures change every refresh.  Then
# one guest state change (a running guest paused by virsh) on that screen,
# and CPU/RSS with 1000 defined guests on a daemon of their own.
real_idle=n/a real_htop=n/a event_bytes=n/a real_cost=
if [ "$(id -u)" -eq 0 ] && command -v libvirtd >/dev/null; then
	tmp=$(mktemp -d)
	source "$S/tests/harness/testhost.sh"
	source "$S/tests/harness/guest.sh"
	trap 'testhost_stop_all; rm -rf "$tmp"' EXIT
	if testhost_start bench "$tmp/h" >/dev/null 2>&1; then
		for i in 1 2 3; do
			testguest_define bench "$tmp/h" "g$i" $((100 + i)) >/dev/null 2>&1
			virsh -q -c "$TESTHOST_URI" start "g$i" >/dev/null 2>&1
		done
		real_idle=$(python3 "$PTY" --settle 5 --idle "$IDLE" --keys q -- "$B/tve" -c "$TESTHOST_URI" | field idle_bytes_per_s)
		real_htop=$(python3 "$PTY" --settle 5 --idle "$IDLE" --keys q -- htop | field idle_bytes_per_s)
		event_bytes=$($RUN event --window 3 --cmd-event "virsh -q -c '$TESTHOST_URI' suspend g1" \
			-- "$B/tve" -c "$TESTHOST_URI" | field event_bytes)
		virsh -q -c "$TESTHOST_URI" resume g1 >/dev/null 2>&1
		# 1000 defined (stopped) guests on the daemon.
		mkdir -p "$tmp/doms"
		cmds=
		for i in $(seq 1000); do
			printf "<domain type='qemu'><name>b%04d</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>\n" "$i" >"$tmp/doms/$i.xml"
			cmds="$cmds define $tmp/doms/$i.xml;"
		done
		virsh -q -c "$TESTHOST_URI" "$cmds" >/dev/null 2>&1
		real_cost=$($RUN idle --seconds "$IDLE_CPU" -- "$B/tve" -c "$TESTHOST_URI")
	fi
fi

# First paint over a slow link (private libvirtd behind a 20 ms proxy).
slow_row=
if [ "$(id -u)" -eq 0 ] && command -v libvirtd >/dev/null; then
	slow_row=$(bash "$S/bench/slowlink.sh" 200 20 2>/dev/null)
fi

# libvirt calls per refresh tick with 1000 guests.
calls=$("$B/bench/calls" "test://$out/f1000.xml" 10)

cat <<TXT
| figure | tve | reference | ratio |
|---|---|---|---|
| first paint, 1000 guests (median of $RUNS, s) | $tve_paint | virsh list --all: $virsh_paint | $(python3 -c "print('%.2f' % ($tve_paint / $virsh_paint))") |
| idle output at 80x24, 100 guests (bytes/s over ${IDLE}s) | $tve_idle | htop: $htop_idle | $(python3 -c "h='$htop_idle'; print('n/a' if h=='n/a' or float(h)==0 else '%.3f' % ($tve_idle / float(h)))") |
| idle output at 200x50, 100 guests (bytes/s over ${IDLE}s) | $tve_idle_big | htop: $htop_idle_big | $(python3 -c "h='$htop_idle_big'; print('n/a' if h=='n/a' or float(h)==0 else '%.3f' % ($tve_idle_big / float(h)))") |
| idle output at 80x24, real libvirtd, 3 running QEMU guests (bytes/s) | $real_idle | htop: $real_htop | $(python3 -c "h='$real_htop'; t='$real_idle'; print('n/a' if 'n/a' in (h, t) or float(h)==0 else '%.3f' % (float(t) / float(h)))") |
| bytes written for one guest state change (virsh suspend), 80x24 | $event_bytes | | |
| idle ${IDLE_CPU}s, 1000 guests, test driver in process: CPU %, peak RSS MiB | $(echo "$idle_cost" | field cpu_pct) % | $(echo "$idle_cost" | field peak_rss_mib) MiB | |
${real_cost:+| idle ${IDLE_CPU}s, 1000 guests on a real libvirtd: CPU %, peak RSS MiB | $(echo "$real_cost" | field cpu_pct) % | $(echo "$real_cost" | field peak_rss_mib) MiB | |
}
${slow_row:+$slow_row
}| libvirt calls per refresh tick, 1000 guests | $(echo "$calls" | field calls_per_tick) | first (cold) refresh: $(echo "$calls" | field first_refresh_calls) calls in $(echo "$calls" | field first_refresh_ms) ms | |
TXT

# Many remote nodes (root, BENCH_NODES=1; about 6 minutes): up to 32 test
# hosts over SSH, parallel against sequential connecting, a blackholed
# node, key latency during an outage.  bench/nodes.sh prints its own tables.
if [ "${BENCH_NODES:-0}" = 1 ] && [ "$(id -u)" -eq 0 ]; then
	echo
	TVE_TOP_BUILDDIR="$B" TVE_TOP_SRCDIR="$S" bash "$S/bench/nodes.sh"
fi
