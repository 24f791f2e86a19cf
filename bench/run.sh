#!/bin/bash
# tve benchmarks: prints a markdown table of figures measured side by side
# in one run.  Nothing here passes or fails on time.
#   TVE_TOP_BUILDDIR, TVE_TOP_SRCDIR: set by `make bench`
#   BENCH_RUNS (default 5): repetitions for first-paint timings
set -u
B=${TVE_TOP_BUILDDIR:-$(pwd)}
S=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
RUNS=${BENCH_RUNS:-5}
out="$B/bench/out"
mkdir -p "$out"
PTY="$S/../shared/tools/ptybytes.py"
[ -f "$PTY" ] || PTY="$S/bench/ptybytes.py"
export XDG_STATE_HOME="$out/state" XDG_CONFIG_HOME="$out/config"

python3 "$S/bench/gen-fixture.py" 1000 200 "$out/f1000.xml"
python3 "$S/bench/gen-fixture.py" 100 20 "$out/f100.xml"

field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# First paint with 1000 guests: tve until its screen settles, against
# `virsh list --all` until its listing is complete, both in a pty.
: >"$out/tve_paint" ; : >"$out/virsh_paint"
for _ in $(seq "$RUNS"); do
	python3 "$PTY" --settle 10 --idle 0 --keys q -- "$B/tve" -c "test://$out/f1000.xml" |
		field first_paint_s >>"$out/tve_paint"
	python3 "$PTY" --settle 10 --idle 0 --keys '' -- virsh -c "test://$out/f1000.xml" list --all |
		field first_paint_s >>"$out/virsh_paint"
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

# libvirt calls per refresh tick with 1000 guests.
calls=$("$B/bench/calls" "test://$out/f1000.xml" 10)

cat <<TXT
| figure | tve | reference | ratio |
|---|---|---|---|
| first paint, 1000 guests (median of $RUNS, s) | $tve_paint | virsh list --all: $virsh_paint | $(python3 -c "print('%.2f' % ($tve_paint / $virsh_paint))") |
| idle output at 80x24, 100 guests (bytes/s over ${IDLE}s) | $tve_idle | htop: $htop_idle | $(python3 -c "h='$htop_idle'; print('n/a' if h=='n/a' or float(h)==0 else '%.3f' % ($tve_idle / float(h)))") |
| libvirt calls per refresh tick, 1000 guests | $(echo "$calls" | field calls_per_tick) | first (cold) refresh: $(echo "$calls" | field first_refresh_calls) calls in $(echo "$calls" | field first_refresh_ms) ms | |
TXT
