#!/bin/bash
# test_demo.sh - tve --demo end to end, at 80x24 in tmux, the way a user
# drives it: the tree and the Datacenter summary, the / filter, starting a
# stopped guest through the action menu, the task panel and a task log,
# stop with its confirmation (cancelled, then confirmed), help, quit.  Then
# a second run with LANG=C TERM=vt100 NO_COLOR=1 whose raw output (recorded
# with script(1)) must be plain 7-bit: no UTF-8 line drawing.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-demo.XXXXXX)
cleanup() {
	if [ "$TAP_FAILED" -gt 0 ] && [ -s "$tmp/state/tve/tve.log" ]; then
		tap_note "--- tail of tve.log"
		tail -n 15 "$tmp/state/tve/tve.log" | sed 's/^/#   /'
	fi
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for tool in tmux script; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
done
[ -x "$TVE" ] || bail "tve is built ($TVE)"

# Private state and configuration: tasks of earlier runs (kept in
# XDG_STATE_HOME) must not show up in this run's task panel.
mkdir -p "$tmp/state" "$tmp/config"
VARS=(TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config")
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8

# The screen at 80x24 (tui/layout.c): row 0 title bar; rows 1-16 the tree
# (columns 0-27, its separator included) and the content (columns 28-79);
# rows 17-22 the task panel; row 23 key hints and messages.
tree() { tui_region 1 0 16 28; }
content() { tui_region 1 28 16 52; }
tasks() { tui_region 17 0 6 80; }
statusline() { tui_region 23 0 1 80; }
tree_has() { tree | grep -qE -- "$1"; }
content_has() { content | grep -qE -- "$1"; }
tasks_has() { tasks | grep -qE -- "$1"; }
status_has() { statusline | grep -qE -- "$1"; }
# A tree row: state letter, ID, name (a word of its own).
row() { echo "(^|[^[:alnum:]])$1 +$2 $3( |\$)"; }

t0=$SECONDS
tui_start demo 80 24 env -u LC_ALL "${VARS[@]}" LANG=$UTF8_LOCALE "$TVE" --demo

# --- first screen -----------------------------------------------------------
tui_until 10 tree_has 'Datacenter'
rc=$?
ok $rc "tve --demo starts and shows the resource tree"
[ $rc -eq 0 ] || bail "no point going on without a screen"

tui_wait '3/3 nodes online' 10
ok $? "title bar: 3/3 nodes online"

# --- the tree: three nodes and all 18 guests ------------------------------
# Guests as the demo files define them: state letter, ID ("-": none yet),
# name; containers are marked (CT).
declare -A WANT=(
	[pve1]="R:100:web01 R:101:db01 R:102:mail R:103:dns1_(CT) S:104:backup-ct_(CT) S:105:win2022 R:106:monitoring P:107:ci-runner"
	[pve2]="R:108:dns2_(CT) R:109:gitlab S:110:build01 R:111:haproxy_(CT) S:112:win11-test R:-:scratch"
	[pve3]="R:113:nas R:114:homeassistant S:115:pihole_(CT) P:-:debian-test"
)
tui_until 10 tree_has "$(row R 100 web01)"
# The tree is longer than 16 rows: page through it, collecting what it shows.
tui_collect NPage 20 tree >"$tmp/tree.txt"
for node in pve1 pve2 pve3; do
	missing=
	grep -qE "(^|[^[:alnum:]])$node( |\$)" "$tmp/tree.txt" || missing="$missing node:$node"
	for g in ${WANT[$node]}; do
		IFS=: read -r st id name <<<"$g"
		name=${name//_/ }
		re=$(row "$st" "$id" "$(printf '%s' "$name" | sed 's/[()]/\\&/g')")
		grep -qE -- "$re" "$tmp/tree.txt" || missing="$missing $st/$id/$name"
	done
	[ -z "$missing" ]
	ok $? "tree: node $node and its guests with state letter and ID${missing:+ (missing:$missing)}"
done
[ "$TAP_FAILED" -eq 0 ] || sed 's/^/#   tree seen: /' "$tmp/tree.txt" | sort -u
tui_keys g		# back to the first row: Datacenter

# --- Datacenter summary -----------------------------------------------------
tui_until 10 content_has 'Nodes +3, 3 online'
ok $? "Datacenter summary: Nodes 3, 3 online"
tui_until 10 content_has 'Guests +11 running / 18 total \(13 VM, 5 CT\)'
ok $? "Datacenter summary: Guests 11 running / 18 total (13 VM, 5 CT)"

# --- / filter to a stopped guest ---------------------------------------------
tui_keys /
tui_type win2022
tui_keys Enter
tui_until 5 tree_has 'Filter: win2022'
ok $? "/ win2022 Enter: the tree header shows the filter"
tui_until 5 tree_has "$(row S 105 win2022)" && ! tree_has 'web01|pve2|pve3'
ok $? "the filtered tree holds win2022 (stopped) and no other guest or node"
tui_keys G
tui_until 5 content_has 'VM 105 \(win2022\)'
ok $? "G selects win2022: the content shows VM 105 (win2022)"
tui_until 5 content_has 'Status +stopped'
ok $? "guest Summary: Status stopped"

# --- start through the action menu -------------------------------------------
tui_keys m
tui_wait 'Actions: VM 105 (win2022)' 5 && tui_wait_re '(^|[^[:alnum:]])s +Start( |$)' 1 &&
	tui_wait_re '(^|[^[:alnum:]])x +Stop .*\(it is stopped\)' 1
rc=$?
ok $rc "m opens the action menu: Start offered, Stop noted as not possible"
tui_keys s		# the Start entry's key
[ $rc -eq 0 ] && tui_wait_gone 'Actions: VM 105' 5
ok $? "s picks the Start entry and closes the menu"
tui_until 10 tree_has "$(row R 105 win2022)"
ok $? "tree: win2022 turns R (running)"
tui_until 10 content_has 'Status +running'
ok $? "guest Summary: Status running"
tui_until 10 tasks_has 'pve1 +VM 105 - Start .*OK *$'
ok $? "task panel: VM 105 - Start on pve1, OK"

# --- the task log -------------------------------------------------------------
tui_keys Tab Tab
tui_until 5 status_has 'Enter Log'
ok $? "Tab Tab: the task pane has the focus (hints: Enter Log)"
tui_keys Enter
tui_wait 'Task log: VM 105 - Start on pve1 - OK' 5 && tui_wait 'TASK OK' 1
rc=$?
ok $rc "Enter opens the task log; it ends with TASK OK"
tui_keys Escape
[ $rc -eq 0 ] && tui_wait_gone 'Task log:' 5
ok $? "Esc closes the task log"
tui_keys Tab
tui_until 5 status_has '/ Filter'
ok $? "Tab: back to the tree (hints: / Filter)"

# --- stop: asks first; n cancels, y stops ------------------------------------
tui_keys x
tui_wait 'Stop VM 105 (win2022)' 5 && tui_wait '[ Yes ]' 1 && tui_wait '[ No ]' 1
rc=$?
ok $rc "x asks: Stop VM 105 (win2022) ... [ Yes ] [ No ]"
tui_keys n
[ $rc -eq 0 ] && tui_wait_gone '[ No ]' 5
ok $? "n closes the question"
# shellcheck disable=SC2016  # eval'd later, on purpose
! tui_until 3 eval 'tree_has "$(row S 105 win2022)" || tasks_has "VM 105 - Stop"' &&
	tree_has "$(row R 105 win2022)" && content_has 'Status +running'
ok $? "after n the guest is still running and no stop task was started"
tui_keys x
tui_wait '[ Yes ]' 5 && tui_keys y && tui_wait_gone '[ Yes ]' 5 &&
	tui_until 10 tree_has "$(row S 105 win2022)" && tui_until 5 content_has 'Status +stopped'
ok $? "x asks again, y stops it: tree S, Summary stopped"
tui_until 10 tasks_has 'pve1 +VM 105 - Stop .*OK *$'
ok $? "task panel: VM 105 - Stop on pve1, OK"

# --- help ---------------------------------------------------------------------
tui_keys '?'
tui_wait_re 'tve [^ ]+ - keys' 5
help_rc=$?
ok $help_rc "? opens the help"
tui_collect NPage 20 >"$tmp/help.txt"
missing=
# Every action of tui/actions.h, with its key and label (the help text may
# wrap, so only its start is checked), and some console commands.
while IFS='|' read -r key label help; do
	grep -qE -- "(^|[^[:alnum:]])$key +$label +${help:0:12}" "$tmp/help.txt" ||
		missing="$missing $key:$label"
done < <(sed -nE "s/^[[:space:]]*X\([A-Z_]+, *'(.)', *\"([^\"]*)\", *\"([^\"]*)\".*/\1|\2|\3/p" \
	"$src/tui/actions.h")
for want in 'Show this help' 'Action menu for the selection' 'Filter the tree' 'Next pane' \
	'Quit' 'R running'; do
	grep -qF -- "$want" "$tmp/help.txt" || missing="$missing '$want'"
done
[ -z "$missing" ] && grep -q 'Start the guest' "$tmp/help.txt"
ok $? "the help lists every action key and the console keys${missing:+ (missing:$missing)}"
tui_keys Escape
[ $help_rc -eq 0 ] && tui_until 5 eval '! tui_screen | grep -qE "tve [^ ]+ - keys"'
ok $? "Esc closes the help"

# --- quit ---------------------------------------------------------------------
tui_keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"
tap_note "UTF-8 run: $((SECONDS - t0)) s"

# --- LANG=C TERM=vt100 NO_COLOR=1: nothing but 7-bit bytes --------------------
t1=$SECONDS
tmx kill-session -t demo 2>/dev/null
raw=$tmp/c-locale.raw
mkdir -p "$tmp/state-c"
VARS+=(XDG_STATE_HOME="$tmp/state-c")
printf -v inner '%q --demo' "$TVE"
tui_start ascii 80 24 env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES "${VARS[@]}" LANG=C TERM=vt100 NO_COLOR=1 \
	script -q -f -e -E never -O "$raw" -c "$inner"
tui_until 10 tree_has 'Datacenter'
rc=$?
ok $rc "LANG=C TERM=vt100 NO_COLOR=1: tve --demo shows the tree"
if [ $rc -eq 0 ]; then
	# Show what has frames, bars and markers: summary bars, menu, filter,
	# a guest, a confirmation, help, a task log.
	seen=
	step() { "$@" || seen="$seen [$*]"; }
	step tui_until 10 content_has 'Nodes +3, 3 online'
	tui_keys m
	step tui_wait 'Actions: Datacenter' 5
	tui_keys Escape
	step tui_wait_gone 'Actions: Datacenter' 5
	tui_keys / && tui_type win2022 && tui_keys Enter G
	step tui_until 5 content_has 'Status +stopped'
	tui_keys s
	step tui_until 10 tree_has "$(row R 105 win2022)"
	tui_keys x
	step tui_wait '[ No ]' 5
	tui_keys n
	step tui_wait_gone '[ No ]' 5
	tui_keys '?'
	step tui_wait_re 'tve [^ ]+ - keys' 5
	tui_keys Escape
	step tui_until 5 eval '! tui_screen | grep -qE "tve [^ ]+ - keys"'
	tui_keys Tab Tab
	step tui_until 5 status_has 'Enter Log'
	tui_keys Enter
	step tui_wait 'TASK OK' 5
	tui_keys Escape
	step tui_wait_gone 'TASK OK' 5
	[ -z "$seen" ]
	ok $? "LANG=C: summary, menu, filter, start, confirmation, help and task log${seen:+ (failed:$seen)}"
	tui_keys q
fi
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "LANG=C: q quits with status 0 (got: $st)"
# script(1) frames the recording with "Script started/done" lines; the
# rest is what tve wrote.
sed -e '1{/^Script started/d}' -e '/^Script done/,$d' "$raw" >"$tmp/tve.raw" 2>/dev/null
n=$(wc -c <"$tmp/tve.raw")
high=$(LC_ALL=C tr -d '\000-\177' <"$tmp/tve.raw" | wc -c)
[ "$n" -gt 1000 ] && LC_ALL=C grep -qa 'Datacenter' "$tmp/tve.raw" && [ "$high" -eq 0 ]
ok $? "LANG=C TERM=vt100: tve wrote $n bytes, none of them >= 0x80 (found $high)"
if [ "$high" -ne 0 ]; then
	tap_note "first bytes >= 0x80 in context:"
	LC_ALL=C grep -boaP '.{0,12}[\x80-\xff]+.{0,12}' "$tmp/tve.raw" | head -5 | cat -v | sed 's/^/#   /'
fi
LC_ALL=C grep -qaE $'\e[()]0' "$tmp/tve.raw" && tap_note "LANG=C: lines drawn with the terminal's alternate character set"
tap_note "LANG=C run: $((SECONDS - t1)) s"

tap_done
