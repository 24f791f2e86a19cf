#!/bin/bash
# Many remote nodes: how long until every node is populated (ONLINE with
# its guest list) when tve's backend connects them all at once, against
# connecting them one after another (bench/nodes); the same with one node
# blackholed; and the console's key-to-screen latency while a node's link
# is cut.  Nodes are private test hosts reached over SSH
# (tests/harness/sshhost.sh: network namespace, sshd, libvirtd), 3 defined
# guests each.  Prints markdown; nothing here passes or fails on time.
#
#   bash bench/nodes.sh            (root; TVE_TOP_BUILDDIR has tve, bench/nodes)
#
# Knobs: BENCH_NODES_HOSTS (32) hosts to start, BENCH_NODES_COUNTS ("2 8 32"),
# BENCH_NODES_RUNS (3, medians), BENCH_NODES_TRANSPORTS ("tve ssh"):
# tve = ssh nodes as tve.conf's ssh = / keyfile = make them (tve's libssh
# session, libvirt forwarded through it), ssh = qemu+ssh URIs (libvirt runs
# the OpenSSH client), libssh = qemu+libssh URIs (libvirt 9.0's libssh
# transport: crashes with several connections), BENCH_NODES_TUI_TRANSPORTS
# (same default) for the key latency, BENCH_NODES_KEYS (20).
# Host indexes 101..(100+HOSTS), i.e. subnets 10.231.101+.0/24.
# shellcheck source-path=SCRIPTDIR
set -u
B=${TVE_TOP_BUILDDIR:-$(pwd)}
S=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
HOSTS=${BENCH_NODES_HOSTS:-32}
COUNTS=${BENCH_NODES_COUNTS:-2 8 32}
RUNS=${BENCH_NODES_RUNS:-3}
TRANSPORTS=${BENCH_NODES_TRANSPORTS:-tve ssh}
TUI_TRANSPORTS=${BENCH_NODES_TUI_TRANSPORTS:-$TRANSPORTS}
KEYS=${BENCH_NODES_KEYS:-20}
NODES=$B/bench/nodes
out="$B/bench/out/nodes"

if [ "$(id -u)" -ne 0 ]; then
	echo "nodes.sh: needs root (network namespaces, private libvirtd and sshd)" >&2
	exit 1
fi
for f in "$NODES" "$B/tve"; do
	[ -x "$f" ] || { echo "nodes.sh: $f is not built" >&2; exit 1; }
done
command -v tmux >/dev/null || { echo "nodes.sh: tmux is not installed" >&2; exit 1; }
# shellcheck source=../tests/harness/testhost.sh
source "$S/tests/harness/testhost.sh"
# shellcheck source=../tests/harness/sshhost.sh
source "$S/tests/harness/sshhost.sh"
# shellcheck source=../tests/harness/guest.sh
source "$S/tests/harness/guest.sh"
# shellcheck source=../tests/tui/lib.sh
source "$S/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-nodes-sh.XXXXXX)
cleanup() {
	tui_stop
	sshhost_stop_all >/dev/null 2>&1 || echo "nodes.sh: a test host left something behind" >&2
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$out"
mkdir -p "$out"
T0=$SECONDS

say() { echo "nodes.sh: $*" >&2; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# jq-less JSON: py EXPR over the object j read from stdin.
py() { python3 -c "import json,re,sys; j=json.loads(sys.stdin.read()); print($1)"; }

# ---- hosts ----

# URIs per transport, by host number (read through uris()).
# shellcheck disable=SC2034
declare -a LIBSSH SSH TVE
t=$EPOCHREALTIME
n=0
for i in $(seq "$HOSTS"); do
	if ! sshhost_start "n$i" "$tmp/n$i" $((100 + i)) >/dev/null 2>"$tmp/start.err"; then
		say "host $i did not start:"; sed 's/^/  /' "$tmp/start.err" >&2
		sshhost_stop "n$i" "$tmp/n$i" >/dev/null 2>&1
		break
	fi
	# shellcheck disable=SC2034
	LIBSSH[i]=$SSHHOST_LIBSSH_URI SSH[i]=$SSHHOST_URI
	TVE[i]="ssh:root@$SSHHOST_IP#$SSHHOST_KEY"
	cat "$SSHHOST_KNOWN_HOSTS" >>"$tmp/known_hosts"
	n=$i
done
start_s=$(since "$t")
export TVE_BENCH_KNOWN_HOSTS=$tmp/known_hosts
say "$n of $HOSTS hosts started in $start_s s"
[ "$n" -ge 2 ] || { say "fewer than 2 hosts: nothing to measure"; exit 1; }
t=$EPOCHREALTIME
for i in $(seq "$n"); do
	for g in 1 2 3; do
		testguest_define "n$i" "$tmp/n$i" "g$g" $((100 * i + g)) || exit 1
	done
done
define_s=$(since "$t")
say "3 guests defined on each in $define_s s"
counts=
for c in $COUNTS; do
	[ "$c" -le "$n" ] && counts="$counts $c"
done
# Fewer hosts than asked: the largest count is what there is.
[ "$n" -lt "${COUNTS##* }" ] && [ "${counts##* }" != "$n" ] && counts="$counts $n"

# uris TRANSPORT N: the first N hosts' URIs, one a line.
uris() {
	local -n a=${1^^}
	printf '%s\n' "${a[@]:1:$2}"
}

# bench TAG ARGS...: bench/nodes ARGS, its JSON line appended to
# $out/TAG.json and printed.  A run killed by a signal is noted in
# $out/crashes (with how many nodes it had populated); one that died
# before reporting is tried again (twice).
bench() {
	local tag=$1 j rc
	shift
	for _ in 1 2 3; do
		j=$(TMPDIR=$tmp "$NODES" -v "$@" 2>"$tmp/nodes.err")
		rc=$?
		cat "$tmp/nodes.err" >>"$out/nodes.err"
		[ "$rc" -ge 128 ] && echo "$tag rc=$rc reported=$([ -n "$j" ] && echo yes || echo no)" \
			"populated=$(grep -c ' online after ' "$tmp/nodes.err")" >>"$out/crashes"
		if [ -n "$j" ]; then
			echo "$j" >>"$out/$tag.json"
			echo "$j"
			return 0
		fi
	done
	return 1
}

# ---- all nodes populated: parallel against sequential ----

for run in $(seq "$RUNS"); do
	for c in $counts; do
		for tr in $TRANSPORTS; do
			mapfile -t u < <(uris "$tr" "$c")
			p=$(bench "par-$tr-$c" --guests 3 "${u[@]}" | py 'j["seconds"]' 2>/dev/null)
			s=$(bench "seq-$tr-$c" --sequential --guests 3 "${u[@]}" | py 'j["seconds"]' 2>/dev/null)
			say "run $run, $c nodes, $tr: parallel $p s, sequential $s s"
		done
	done
done

# ---- one node of 8 blackholed before the start ----

# blackhole KIND HOST on|off: "cut" = sshhost_cut (link down, unreachable
# route: connects fail at once), "drop" = the host's own firewall drops
# SSH packets silently (connects hang, as to a host that vanished).
blackhole() {
	local ns
	if [ "$1" = cut ]; then
		if [ "$3" = on ]; then sshhost_cut "n$2" "$tmp/n$2"; else sshhost_restore "n$2" "$tmp/n$2"; fi
		return
	fi
	ns=$(cat "$tmp/n$2/.sshhost/netns")
	nsenter --net="/run/netns/$ns" iptables "$([ "$3" = on ] && echo -I || echo -D)" INPUT \
		-p tcp --dport 22 -j DROP
}
bc=8	# nodes in the blackhole case; the last one is blackholed
[ "$n" -lt 8 ] && bc=$n
for run in $(seq "$RUNS"); do
	for kind in cut drop; do
		if ! blackhole "$kind" "$bc" on; then
			say "cannot blackhole host $bc ($kind)"
			continue
		fi
		for tr in $TRANSPORTS; do
			mapfile -t u < <(uris "$tr" "$bc")
			bench "bh-$kind-par-$tr" --accept-offline --need $((bc - 1)) --guests 3 "${u[@]}" >/dev/null
			bench "bh-$kind-seq-$tr" --accept-offline --guests 3 --sequential "${u[@]}" >/dev/null
		done
		blackhole "$kind" "$bc" off
		say "run $run, $bc nodes, one blackholed ($kind): done"
	done
done

# ---- key-to-screen latency while a node's link is cut ----

# key_ms KEY TEXT: presses KEY, prints the ms until the screen shows TEXT
# (polled as fast as tmux answers; 5000 = not within 5 s).
key_ms() {
	local k0 now
	k0=${EPOCHREALTIME/./}
	tui_keys "$1"
	while ! tui_screen | grep -qF -- "$2"; do
		now=${EPOCHREALTIME/./}
		((now - k0 > 5000000)) && { echo 5000; return; }
	done
	now=${EPOCHREALTIME/./}
	echo $(((now - k0) / 1000))
}
# keys N FILE: N presses alternating j and k between guests 101 and 102
# of n1 (the selection starts on 101), 0.2 s apart; lines "MS AT_S" (AT_S:
# since the phase began, the cut for the outage).  1 when tve is gone.
keys() {
	local i ms t0=$EPOCHREALTIME
	for ((i = 0; i < $1; i++)); do
		if ((i % 2 == 0)); then ms=$(key_ms j "VM 102 (g2)"); else ms=$(key_ms k "VM 101 (g1)"); fi
		tve_gone && return 1	# that key is not a latency
		echo "$ms $(since "${cut_t:-$t0}")" >>"$2"
		[ -z "$cut_t" ] || [ -n "$offline_s" ] || ! n2_offline || offline_s=$(since "$cut_t")
		sleep 0.2
	done
}
n2_offline() { tui_region 1 0 16 28 | grep -qE "n2.*(offline|\\[off)"; }
# The wrapper's "[tve exited N]" may be wrapped after a shell message.
tve_gone() { tui_screen | tr -d '\n' | grep -q '\[tve exited'; }
tve_died() {	# tve_died FILE WHEN: notes how the console ended
	echo "tve died $2: $(tui_screen | tr -d '\n' | tr -s ' ' |
		grep -oE '(Segmentation fault|Aborted|\[tve exited ?[0-9]+\])' | tr '\n' ' ')" >"$1.note"
}
tui_run() {	# tui_run TRANSPORT: one console session; "key-TRANSPORT" files
	local tr=$1 f="$out/key-$1"
	mkdir -p "$tmp/tui-$tr/config/tve" "$tmp/tui-$tr/state"
	{
		echo "[general]"
		echo "refresh = 2"
		for i in 1 2 3; do
			u=$(uris "$tr" "$i" | tail -n 1)
			if [ "${u#ssh:}" != "$u" ]; then	# ssh:TARGET#KEY
				u=${u#ssh:}
				printf '[node n%d]\nssh = %s\nkeyfile = %s\n' "$i" "${u%%#*}" "${u#*#}"
			else
				printf '[node n%d]\nuri = %s\n' "$i" "$u"
			fi
		done
	} >"$tmp/tui-$tr/config/tve/tve.conf"
	cp "$tmp/known_hosts" "$tmp/tui-$tr/config/tve/known_hosts"
	offline_s='' cut_t=''
	tui_start "nodes-$tr" 80 24 env -u LC_ALL XDG_STATE_HOME="$tmp/tui-$tr/state" \
		XDG_CONFIG_HOME="$tmp/tui-$tr/config" LANG=C.UTF-8 "$B/tve"
	if ! tui_wait '3/3 nodes online' 60 || ! tui_wait '303 g3' 20; then
		if tve_gone; then tve_died "$f" "while connecting"; else echo "no 3/3 nodes online" >"$f.note"; fi
		tui_stop
		return
	fi
	tui_keys j j
	if ! tui_wait 'VM 101 (g1)' 5; then
		echo "the selection did not reach guest 101" >"$f.note"
		tui_stop
		return
	fi
	tui_settle 0.5 3
	if ! keys "$KEYS" "$f.before"; then
		tve_died "$f" "before the cut"
		tui_stop
		return
	fi
	cut_t=$EPOCHREALTIME
	sshhost_cut n2 "$tmp/n2"
	if ! keys "$KEYS" "$f.cut"; then
		tve_died "$f" "during the outage, $(since "$cut_t") s after the cut"
	elif [ -z "$offline_s" ]; then
		tui_until 30 eval 'n2_offline || tve_gone'
		if tve_gone; then
			tve_died "$f" "$(since "$cut_t") s after the cut"
		elif n2_offline; then
			offline_s=$(since "$cut_t")
		fi
	fi
	if [ -n "$offline_s" ]; then
		echo "$offline_s s" >"$f.offline"
	elif ! tve_gone; then
		echo "not within 30 s" >"$f.offline"
	fi
	sshhost_restore n2 "$tmp/n2"
	if ! tve_gone; then
		tui_keys q
		tui_exit_status 10 >"$f.exit"
	fi
	tui_stop
}
if [ "$n" -ge 3 ]; then
	for tr in $TUI_TRANSPORTS; do
		tui_run "$tr"
		say "key latency, $tr: done"
	done
fi

# ---- report ----

# medf TAG PYEXPR: median of EXPR over TAG's complete runs (a JSON line,
# no timeout, no node lost to a crash), "(K of N runs)" when fewer than N.
medf() {
	local v k
	[ -s "$out/$1.json" ] || { echo "n/a (0 of $RUNS runs)"; return; }
	v=$(while read -r j; do
		echo "$j" | py "'' if j['timed_out'] or any(p['state'] == 'crashed' for p in j['per_node']) else $2"
	done <"$out/$1.json" | grep .)
	k=$(echo "$v" | grep -c .)
	echo "$(echo "$v" | median)$([ "$k" -lt "$RUNS" ] && echo " ($k of $RUNS runs)")"
}
# lost TAG: runs of TAG that died before reporting, and how many nodes
# each had populated by then.
lost() {
	local k
	k=$(sed -n "s/^$1 rc=.* reported=no populated=//p" "$out/crashes" 2>/dev/null | paste -sd, -)
	[ -z "$k" ] || echo " [crashed before reporting: $(echo "$k" | tr , '\n' | grep -c .)x, with $k nodes populated]"
}
ratio() { python3 -c "a='$1'.split()[0]; b='$2'.split()[0]; print('n/a' if 'n/a' in (a, b) else '%.1f' % (float(b) / float(a)))"; }
# crashes TRANSPORT: bench/nodes processes killed by a signal (after
# reporting or not), then sequential children killed by one.
crashes() {
	local p k=0 j
	p=$(grep -c -- "-$1[- ]" "$out/crashes" 2>/dev/null)
	for j in "$out"/*"-$1"*.json; do
		[ -s "$j" ] || continue
		while read -r l; do k=$((k + $(echo "$l" | py 'j["crashes"]'))); done <"$j"
	done
	echo "${p:-0} processes, $k sequential children"
}

echo "Hosts: $n of $HOSTS started in $start_s s (one after another), 3 guests defined on each in $define_s s."
echo
for tr in $TRANSPORTS; do
	echo "Transport $tr: seconds until every node is ONLINE with its 3 guests (median of $RUNS)"
	echo
	echo "| nodes | parallel s | sequential s | ratio |"
	echo "|---|---|---|---|"
	for c in $counts; do
		p=$(medf "par-$tr-$c" 'j["seconds"]')
		s=$(medf "seq-$tr-$c" 'j["seconds"]')
		echo "| $c | $p$(lost "par-$tr-$c") | $s$(lost "seq-$tr-$c") | $(ratio "$p" "$s") |"
	done
	echo
done

echo "One of $bc nodes blackholed before the start (median of $RUNS): parallel = until the other $((bc - 1)) are populated; sequential = the sum of all $bc waits, the blackholed node's until its open failed."
echo
echo "| blackhole | transport | parallel s | sequential s | blackholed node |"
echo "|---|---|---|---|---|"
for kind in cut drop; do
	for tr in $TRANSPORTS; do
		p=$(medf "bh-$kind-par-$tr" 'j["populated_seconds"]')$(lost "bh-$kind-par-$tr")
		s=$(medf "bh-$kind-seq-$tr" 'j["seconds"]')$(lost "bh-$kind-seq-$tr")
		v=$(medf "bh-$kind-seq-$tr" 'j["per_node"][-1].get("seconds", -1)')
		e=$(head -n 1 "$out/bh-$kind-seq-$tr.json" 2>/dev/null |
			py 're.sub(r"qemu\S*://\S*", "URI", j["per_node"][-1].get("error", j["per_node"][-1]["state"]))[:90]')
		echo "| $kind | $tr | $p | $s | offline after $v s: $e |"
	done
done
echo

echo "Key-to-screen latency, tve at 80x24 in tmux with 3 of the nodes, $KEYS cursor moves 0.2 s apart (ms, pane polled as fast as tmux answers):"
echo
echo "| transport | before the cut: median / max | during the outage: median / max | n2 shown offline after | tve exit |"
echo "|---|---|---|---|---|"
for tr in $TUI_TRANSPORTS; do
	f="$out/key-$tr"
	b=n/a c=n/a
	[ -s "$f.before" ] && b="$(cut -d' ' -f1 "$f.before" | median) / $(cut -d' ' -f1 "$f.before" | sort -g | tail -n 1)"
	[ -s "$f.cut" ] && c="$(cut -d' ' -f1 "$f.cut" | median) / $(cut -d' ' -f1 "$f.cut" | sort -g | tail -n 1)"
	note=
	[ -s "$f.note" ] && note=$(tr '\n' ' ' <"$f.note")
	echo "| $tr | $b | $c | $(cat "$f.offline" 2>/dev/null || echo n/a) | $(cat "$f.exit" 2>/dev/null || echo n/a) ${note:+($note)} |"
done
echo
echo "bench/nodes killed by a signal (see RESULTS.md), of all runs above:"
for tr in $TRANSPORTS; do
	echo "- $tr: $(crashes "$tr")"
done
echo
echo "nodes.sh took $((SECONDS - T0)) s; raw JSON in $out"
