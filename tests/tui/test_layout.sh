#!/bin/bash
# test_layout.sh - the console under awkward data and sizes, at 80x24 in
# tmux: long and wide (CJK) guest names, 5-digit IDs, long node names that
# are offline, resizes down to 1x1 with a dialog open, a guest that gets an
# ID and sorts elsewhere in a long tree, Space in the task pane, and what
# the confirmation says.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo, bench).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-layout.XXXXXX)
cleanup() {
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for tool in tmux python3; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
done
[ -x "$TVE" ] || { echo "1..0 # SKIP tve is not built ($TVE)"; exit 0; }

mkdir -p "$tmp/state" "$tmp/config"
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8
run() {	# run NAME FIXTURE-URI...: tve on those nodes at 80x24
	local name=$1 args=() u
	shift
	for u in "$@"; do args+=(-c "$u"); done
	[ -n "$TUI_SESSION" ] && tmx kill-session -t "$TUI_SESSION" 2>/dev/null
	tui_start "$name" 80 24 env -u LC_ALL XDG_STATE_HOME="$tmp/state" \
		XDG_CONFIG_HOME="$tmp/config" LANG=${RUN_LANG:-$UTF8_LOCALE} "$TVE" "${args[@]}"
	tui_until 20 tree_has 'Datacenter'
}
tree() { tui_region 1 0 16 28; }
content() { tui_region 1 28 16 52; }
tree_has() { tree | grep -qE -- "$1"; }
content_has() { content | grep -qE -- "$1"; }

# pve1 of the demo with a long name and a 5-digit ID on web01, and a CJK
# name on db01.
sed -e '0,/<name>web01</s//<name>a-very-long-guest-name-for-the-accounting-department</' \
	-e '0,/<vmid>100</s//<vmid>12345</' \
	-e '0,/<name>db01</s//<name>数据库服务器-データベース-一二三四五六七八九十</' \
	"$src/data/demo/pve1.xml" >"$tmp/wide.xml"
# A long node name that is offline at once, whatever the network and DNS
# of the machine: a test-driver fixture that does not exist (the node is
# named after the file).
LONGNODE=test://$tmp/missing/pve9.example.invalid.xml

# --- wide names, long offline node names --------------------------------------
run wide "test://$tmp/wide.xml" "$LONGNODE"
ok $? "tve starts on a node with long and CJK guest names"
tui_until 20 tree_has 'pve9\.example.*\[offline\]'
ok $? "tree: a long offline node name is cut, its [offline] marker is not"
tui_until 20 content_has 'pve9\.exa[^ ]* +offline'
ok $? "Datacenter summary: a cut node name keeps a space before its state"
tui_until 20 tree_has 'R 12345 a-very-long-gu'
ok $? "tree: 5-digit ID and a long name cut to the pane"
# Show the CJK name's summary (it wraps across the rows the Hardware tab
# then overwrites with narrow text), then the Hardware tab.
tui_keys j j
tui_until 10 content_has 'Name +数据库'
tui_keys Tab 2
tui_until 10 content_has 'vCPUs +8'
ok $? "Hardware tab drawn over wide characters keeps its values (vCPUs 8)"

# --- resizes down to nothing, a dialog open ----------------------------------
tui_keys Escape g m
tui_wait 'Actions: Datacenter' 5
for size in "20 5" "5 2" "1 1" "2 30" "59 16" "80 24"; do
	read -r c r <<<"$size"
	tmx resize-window -t wide -x "$c" -y "$r"
	sleep 0.3
done
tui_wait 'Actions: Datacenter' 5 && tui_until 5 tree_has 'Datacenter'
ok $? "resizing to 5x2 and 1x1 with a menu open and back: no crash, menu still open"
tui_keys Escape

# --- Space in the task pane, confirmation text -------------------------------
tui_keys g j j j j j j Tab 1 Escape	# S 105 win2022 (12345 sorts last), Summary
tui_until 10 content_has 'Status +stopped'
ok $? "win2022 selected, stopped"
tui_keys s
tui_until 20 content_has 'Status +running'
tui_keys x
tui_wait 'Stop VM 105 (win2022) on wide?' 5 && tui_wait 'Power the guest off at once' 1
ok $? "the confirmation names the guest and says what Stop does"
tui_keys Enter
tui_wait_gone '[ No ]' 5 && ! tui_until 2 content_has 'Status +stopped'
ok $? "Enter in the confirmation takes the default, No"
tui_keys Tab Tab Space
tui_wait 'Task log: VM 105 - Start' 5
ok $? "Space in the task pane opens the task log"
tui_keys Escape

# --- LANG=C: a UTF-8 name shows one '?' per character, not per byte --------
RUN_LANG=C run clocale "test://$tmp/wide.xml"
tui_until 10 tree_has 'R +101 \?{6}-\?{6}-'
ok $? "LANG=C: the CJK name reads ??????-??????-... (one ? per character)"

# --- a guest gets an ID and sorts elsewhere: its row stays put ---------------
python3 "$src/bench/gen-fixture.py" 200 20 "$tmp/many.xml"
sed -i -E 's#<vmid>2[7-9][0-9]</vmid>##' "$tmp/many.xml"
run many "test://$tmp/many.xml"
tui_until 20 tree_has 'vm0000'	# guests listed, not just the node connecting
tui_keys G k k k k k k k k k k
tui_until 10 content_has 'ID +- \(none yet'
name=$(content | sed -n 's/^ *Name  *\([^ ]*\).*/\1/p' | head -1)
rowof() { tree | grep -nE -- " - $name( |\$)| [0-9]+ $name( |\$)" | cut -d: -f1; }
before=$(rowof)
tui_keys i
tui_until 20 content_has 'ID +[0-9]+$'
after=$(rowof)
[ -n "$name" ] && [ -n "$before" ] && [ "$before" = "$after" ]
ok $? "i: $name gets an ID and sorts up; its row stays on screen row ${before:-?} (now ${after:-?})"
# Its Task history still lists the Assign ID task, filed under its name.
tui_keys Tab 3
tui_until 10 content_has "$name - Assign"
ok $? "its Task history (now by ID) still shows the Assign ID task filed under its name"

tui_keys q
tap_done
