#!/bin/bash
# test_libvirt.sh - tve against a real, private libvirtd (tests/harness) with
# one diskless QEMU guest, driven in tmux at 80x24: start through the action
# menu, pause, resume, stop (confirmed), each checked on screen and with
# virsh (and the guest's serial log for the boot); then the daemon is
# killed (the node must show offline while the console keeps answering
# keys) and restarted (the node must come back online by itself).
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

G=g100
tmp=$(mktemp -d /tmp/tve-tui-lv.XXXXXX)
cleanup() {
	local f
	if [ "$TAP_FAILED" -gt 0 ]; then	# what the daemon, QEMU and tve said
		for f in "$tmp/h1/libvirtd.log" "$tmp/h1/var/log/libvirt/qemu/$G.log" "$tmp/state/tve/tve.log"; do
			[ -s "$f" ] || continue
			tap_note "--- tail of $f"
			tail -n 15 "$f" | sed 's/^/#   /'
		done
	fi
	tui_stop
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (private libvirtd)"; exit 0; }
[ -x "$TVE" ] || bail "tve is built ($TVE)"

t0=$SECONDS
H1=$tmp/h1
testhost_start h1 "$H1" || bail "private libvirtd h1 starts"
testguest_define h1 "$H1" $G 100 || bail "guest $G (vmid 100) is defined"
URI=$TESTHOST_URI
tap_note "host h1: $URI (domain type $TESTHOST_DOMAIN_TYPE), set up in $((SECONDS - t0)) s"
# A -c URI over a local socket is node "localhost" (backend/config.c).
NODE=localhost

vstate() { timeout 5 virsh -q -c "$URI" domstate $G 2>/dev/null | head -n 1; }
virsh_is() { [ "$(vstate)" = "$1" ]; }

# The screen at 80x24 (tui/layout.c): row 0 title bar; rows 1-16 the tree
# (columns 0-27) and the content (columns 28-79); rows 17-22 the task
# panel; row 23 key hints and messages.
tree() { tui_region 1 0 16 28; }
content() { tui_region 1 28 16 52; }
tasks() { tui_region 17 0 6 80; }
tree_has() { tree | grep -qE -- "$1"; }
content_has() { content | grep -qE -- "$1"; }
tasks_has() { tasks | grep -qE -- "$1"; }
row() { echo "(^|[^[:alnum:]])$1 +$2 $3( |\$)"; }	# state letter, ID, name
# The guest in state letter $1 in the tree and word $2 in its Summary.
shows() { tree_has "$(row "$1" 100 $G)" && content_has "Status +$2( |\$)"; }

mkdir -p "$tmp/state" "$tmp/config"
tui_start lv 80 24 env XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" "$TVE" -c "$URI"

# --- the node and its guest -----------------------------------------------------
tui_until 10 tree_has "$(row S 100 $G)"
rc=$?
ok $rc "tve -c URI shows guest $G stopped (S 100 $G) in the tree"
[ $rc -eq 0 ] || bail "no point going on without the guest on screen"
tree_has "(^|[^[:alnum:]])$NODE( |\$)" && ! tree_has "$NODE \[" && tui_wait '1/1 nodes online' 1
ok $? "node $NODE is online (no marker; title: 1/1 nodes online)"

# Datacenter, node, guest: two rows down.
tui_keys j j
tui_until 5 content_has "VM 100 \($G\)" && tui_until 5 content_has 'Status +stopped'
ok $? "j j selects the guest: content VM 100 ($G), Status stopped"

# --- start through the action menu ----------------------------------------------
tui_keys m
tui_wait "Actions: VM 100 ($G)" 5 && tui_wait_re '(^|[^[:alnum:]])s +Start( |$)' 1
rc=$?
ok $rc "m opens the action menu with Start"
tui_keys Home Enter	# the first entry, Start
[ $rc -eq 0 ] && tui_wait_gone "Actions: VM 100" 5
ok $? "Home Enter picks Start and closes the menu"
tui_until 20 shows R running
ok $? "screen: $G running (tree R, Summary running)"
virsh_is running
ok $? "virsh domstate $G: running (got: $(vstate))"
testguest_wait_serial "$TESTGUEST_LOG" SeaBIOS 15
ok $? "the guest boots: SeaBIOS on its serial port"
tui_until 10 tasks_has "$NODE +VM 100 - Start .*OK *\$"
ok $? "task panel: VM 100 - Start on $NODE, OK"

# --- pause / resume ---------------------------------------------------------------
tui_keys p
tui_until 10 shows P paused
ok $? "p: screen shows $G paused (tree P, Summary paused)"
virsh_is paused
ok $? "virsh domstate $G: paused (got: $(vstate))"
tui_keys u
tui_until 10 shows R running
ok $? "u: screen shows $G running again"
virsh_is running
ok $? "virsh domstate $G: running (got: $(vstate))"

# --- stop: asks, y confirms ----------------------------------------------------------
tui_keys x
tui_wait "Stop VM 100 ($G)" 5 && tui_wait '[ Yes ]' 1
ok $? "x asks before stopping"
tui_keys y
tui_until 15 shows S stopped
ok $? "y: screen shows $G stopped"
testguest_wait_state "$URI" $G "shut off" 5
ok $? "virsh domstate $G: shut off (got: $(vstate))"
tui_until 10 tasks_has "$NODE +VM 100 - Stop .*OK *\$"
ok $? "task panel: VM 100 - Stop on $NODE, OK"

# --- the daemon dies ------------------------------------------------------------------
t1=$SECONDS
testhost_kill_daemon h1 "$H1"
ok $? "libvirtd of h1 killed"
tui_until 10 tree_has "$NODE \[offline\]"
ok $? "the node shows [offline] in the tree within 10 s ($((SECONDS - t1)) s)"
tui_until 5 eval 'tree_has "$(row "\\?" 100 $G)" && content_has "Status +unknown \\(last known: stopped\\)"'
ok $? "its guest reads ? in the tree and 'unknown (last known: stopped)' in its Summary"
tui_wait '0/1 nodes online' 2
ok $? "title: 0/1 nodes online"
tui_keys '?'
tui_wait_re 'tve [^ ]+ - keys' 3
rc=$?
ok $rc "with the node offline tve still answers keys: ? opens the help"
tui_keys Escape
[ $rc -eq 0 ] && tui_until 3 eval '! tui_screen | grep -qE "tve [^ ]+ - keys"'
ok $? "Esc closes the help"

# --- and comes back ---------------------------------------------------------------------
testhost_restart_daemon h1 "$H1"
ok $? "libvirtd of h1 restarted"
t1=$SECONDS
# The backend retries with backoff (1 s, 2 s, 4 s ...): 20 s is plenty.
# shellcheck disable=SC2016  # eval'd later, on purpose
tui_until 20 eval '! tree_has "\\[(offline|\\.\\.\\.|stale)\\]" && tree_has "$(row S 100 $G)"'
ok $? "the node comes back online by itself ($((SECONDS - t1)) s): no marker, S 100 $G"
tui_wait '1/1 nodes online' 5
ok $? "title: 1/1 nodes online"

tui_keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"

testhost_stop h1 "$H1"
ok $? "private host h1 stopped, nothing left behind"
tap_note "run time $((SECONDS - t0)) s"
tap_done
