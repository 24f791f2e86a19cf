#!/bin/bash
# test_terminals.sh - tve --demo on the terminals it meets: vt100, vt220,
# linux, screen, tmux-256color and xterm each show the tree and quit with
# status 0; TERM=dumb, an unknown TERM and no TERM are refused with a message
# before curses starts; --line-graphics ascii and --serial write plain 7-bit
# bytes with no alternate character set at TERM=vt100 LANG=C, and --serial
# no colour; low bandwidth writes nothing while idle; the mouse is the
# terminal's unless mouse = yes, then clicks select; a 40x12 terminal
# says it is too small and growing back restores the screen and the
# selection; bad low-bandwidth/mouse values stop tve with FILE:LINE.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-terms.XXXXXX)
cleanup() {
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for tool in tmux script infocmp; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
done
[ -x "$TVE" ] || bail "tve is built ($TVE)"

mkdir -p "$tmp/state" "$tmp/config"
VARS=(TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config")
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8
CLEAN=(env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u NO_COLOR)

tree() { tui_region 1 0 16 28; }
tree_has() { tree | grep -qE -- "$1"; }
content_has() { tui_region 1 28 16 52 | grep -qE -- "$1"; }

# --- every common terminal type: tree, then q quits with 0 --------------------
for term in vt100 vt220 linux screen tmux-256color xterm; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		tap_note "no terminfo entry for $term: not tried"
		continue
	fi
	tui_start "t-$term" 80 24 "${CLEAN[@]}" "${VARS[@]}" TERM="$term" LANG=$UTF8_LOCALE "$TVE" --demo
	tui_until 10 tree_has 'R 100 web01'
	rc=$?
	tui_keys q
	st=$(tui_exit_status 5)
	[ $rc -eq 0 ] && [ "$st" = 0 ]
	ok $? "TERM=$term: tree shown, q quits with status 0 (got: $st)"
done

# --- terminals curses cannot drive: a message before curses, status 1 --------
want='use a terminal type such as vt100, xterm or linux (e.g. TERM=vt100 tve)'
refused() {	# NAME WANT_TEXT ENV_ARGS...
	local name=$1 text=$2 st
	shift 2
	tui_start "$name" 160 24 "${CLEAN[@]}" "$@" "${VARS[@]}" "$TVE" --demo
	st=$(tui_exit_status 5)
	tui_screen | grep -qF -- "$text" && [ "$st" = 1 ] &&
		! tui_screen | grep -q 'Datacenter'
}
refused dumb "tve: TERM=dumb cannot move the cursor; $want" TERM=dumb
ok $? "TERM=dumb: 'cannot move the cursor' and exit status 1"
refused unknown "tve: TERM=nonexistent-xyz is not a terminal type ncurses knows; $want" \
	TERM=nonexistent-xyz
ok $? "TERM=nonexistent-xyz: 'not a terminal type ncurses knows' and exit status 1"
refused unset "tve: TERM is not set; $want" -u TERM
ok $? "TERM unset: 'TERM is not set' and exit status 1"

# --- raw output ---------------------------------------------------------------
# rec NAME COLS ROWS ENV... -- ARGS...: runs tve under script(1) in tmux,
# recording what it writes to $tmp/NAME.raw once it has ended.
rec() {
	local name=$1 cols=$2 rows=$3 inner envs=()
	shift 3
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	printf -v inner '%q ' "$TVE" "$@"
	tui_start "$name" "$cols" "$rows" "${CLEAN[@]}" "${VARS[@]}" "${envs[@]}" \
		script -q -f -e -E never -O "$tmp/$name.script" -c "$inner"
}
# The recording without script(1)'s own first and last lines.
raw_of() {
	sed -e '1{/^Script started/d}' -e '/^Script done/,$d' "$tmp/$1.script" >"$tmp/$1.raw" 2>/dev/null
	echo "$tmp/$1.raw"
}
high_bytes() { LC_ALL=C tr -d '\000-\177' <"$1" | wc -c; }
# ESC ( 0 selects the line-drawing set into G0, SO shifts to G1 (set up as
# the line-drawing set by vt100's enacs): either draws with ACS.
acs_switches() { LC_ALL=C grep -caE $'\e\\(0|\x0e' "$1"; }
# SGR sequences that set a colour: parameters 30-49 (but 39/49, default),
# 90-107.
colour_sgrs() {
	LC_ALL=C grep -oaE $'\e\\[[0-9;]*m' "$1" | tr -d '\033[m' | tr ';' '\n' |
		grep -cxE '3[0-8]|4[0-8]|9[0-7]|10[0-7]'
}
# Open a dialog (a box) and close it, then quit.
boxes_and_quit() {
	tui_keys m
	tui_wait 'Actions: Datacenter' 5 || return 1
	tui_keys Escape
	tui_wait_gone 'Actions: Datacenter' 5 || return 1
	tui_keys Down Down
	tui_until 5 content_has 'Name +web01' || return 1
	tui_keys q
}

# The default at TERM=vt100 LANG=C is the terminal's line-drawing set: the
# check below can see it.
rec vt100-acs 80 24 LANG=C TERM=vt100 -- --demo
tui_until 10 tree_has 'R 100 web01' && boxes_and_quit
tui_exit_status 5 >/dev/null
acs=$(acs_switches "$(raw_of vt100-acs)")
[ "$acs" -gt 0 ]
ok $? "TERM=vt100 LANG=C by default: lines in the alternate character set ($acs lines)"
for mode in ascii serial; do
	if [ $mode = ascii ]; then
		args=(--demo --line-graphics ascii)
	else
		args=(--demo --serial)
	fi
	rec "vt100-$mode" 80 24 LANG=C TERM=vt100 -- "${args[@]}"
	tui_until 10 tree_has 'R 100 web01' && boxes_and_quit
	rc=$?
	st=$(tui_exit_status 5)
	raw=$(raw_of "vt100-$mode")
	n=$(wc -c <"$raw")
	high=$(high_bytes "$raw")
	acs=$(acs_switches "$raw")
	[ $rc -eq 0 ] && [ "$st" = 0 ] && [ "$n" -gt 1000 ] && [ "$high" -eq 0 ] && [ "$acs" -eq 0 ]
	ok $? "TERM=vt100 LANG=C ${args[*]:1}: $n bytes, $high >= 0x80, $acs lines with ESC ( 0 or SO (status $st)"
done

# --- --serial: no colour even where the terminal has it ------------------------
rec colour 80 24 LANG=$UTF8_LOCALE TERM=xterm-256color -- --demo
tui_until 10 tree_has 'R 100 web01'
tui_keys q
tui_exit_status 5 >/dev/null
plain=$(colour_sgrs "$(raw_of colour)")
rec serial-colour 80 24 LANG=$UTF8_LOCALE TERM=xterm-256color -- --demo --serial
tui_until 10 tree_has 'R 100 web01' && boxes_and_quit
rc=$?
st=$(tui_exit_status 5)
raw=$(raw_of serial-colour)
n=$(colour_sgrs "$raw")
high=$(high_bytes "$raw")
# Without --serial the same terminal gets colours: the check can see them.
[ $rc -eq 0 ] && [ "$st" = 0 ] && [ "$plain" -gt 0 ] && [ "$n" -eq 0 ] && [ "$high" -eq 0 ]
ok $? "TERM=xterm-256color --serial: no colour SGR ($n; $plain without --serial), ASCII lines in UTF-8 ($high bytes >= 0x80)"

# --- low bandwidth: nothing written while nothing changes ----------------------
printf '[general]\nlow-bandwidth = yes\nmouse = no\n' >"$tmp/low.conf"
rec lowbw 80 24 LANG=$UTF8_LOCALE TERM=xterm -- --demo --config "$tmp/low.conf"
tui_until 10 tree_has 'R 100 web01' && tui_settle 0.5 5
rc=$?
before=$(wc -c <"$tmp/lowbw.script")
sleep 3
after=$(wc -c <"$tmp/lowbw.script")
# No clock in the title bar, no spinner in the task panel.
! tui_region 0 0 1 80 | grep -qE '[0-9]{1,2}:[0-9]{2}'
clock=$?
tui_keys q
st=$(tui_exit_status 5)
[ $rc -eq 0 ] && [ "$before" = "$after" ] && [ $clock -eq 0 ] && [ "$st" = 0 ]
ok $? "low-bandwidth = yes: no clock, nothing written in 3 s idle ($before -> $after bytes), q quits (status $st)"
# (xterm's XM: ESC [ ? 1006 ; 1000 h)
! LC_ALL=C grep -qaE $'\e\\[\\?([0-9]+;)*100[0-6](;[0-9]+)*h' "$tmp/lowbw.script"
ok $? "mouse = no: the terminal's mouse reporting is not switched on"

# --- mouse = yes: a click selects a tree row, the wheel moves -----------------
printf '[general]\nmouse = yes\n' >"$tmp/mouse.conf"
tui_start mouse 80 24 "${CLEAN[@]}" "${VARS[@]}" TERM=xterm LANG=$UTF8_LOCALE "$TVE" --demo \
	--config "$tmp/mouse.conf"
tui_until 10 tree_has 'R 101 db01'
# xterm's SGR mouse reports (kmous=\E[<), 1-based: button 1 pressed and
# released on screen row 5 (db01), then the wheel down once.
tui_type $'\e[<0;8;6M\e[<0;8;6m'
tui_until 5 content_has 'Name +db01'
rc=$?
tui_type $'\e[<65;8;6M'
tui_until 5 content_has 'Name +mail'
ok $((rc | $?)) "mouse = yes: a click selects db01, the wheel moves down to mail"
tui_keys q
tui_exit_status 5 >/dev/null

printf '[general]\nrefresh = 2\nmouse = maybe\n' >"$tmp/bad.conf"
tui_start badconf 100 24 "${CLEAN[@]}" "${VARS[@]}" TERM=xterm "$TVE" --demo --config "$tmp/bad.conf"
st=$(tui_exit_status 5)
tui_screen | grep -qF "tve: $tmp/bad.conf:3: mouse: \"maybe\" is not yes/no/true/false/on/off/1/0" &&
	[ "$st" = 1 ]
ok $? "mouse = maybe: FILE:3: message and exit status 1"

tui_start badopt 100 24 "${CLEAN[@]}" "${VARS[@]}" TERM=xterm "$TVE" --demo --line-graphics fancy
st=$(tui_exit_status 5)
tui_screen | grep -qF 'tve: --line-graphics: "fancy" is not auto, utf-8, acs or ascii' && [ "$st" = 1 ]
ok $? "--line-graphics fancy: refused with status 1"

# --- too small, then back with the selection kept ------------------------------
tui_start small 80 24 "${CLEAN[@]}" "${VARS[@]}" TERM=xterm LANG=$UTF8_LOCALE "$TVE" --demo
tui_until 10 tree_has 'R 100 web01'
tui_keys Down Down Down
tui_until 5 content_has 'Name +db01'
rc=$?
tmx resize-window -t small -x 40 -y 12
tui_wait 'terminal too small' 5 && tui_wait 'now 40x12; q quits' 2 && ! tui_screen | grep -q 'Datacenter'
small=$?
tmx resize-window -t small -x 80 -y 24
tui_wait_gone 'terminal too small' 5 && tui_until 5 tree_has 'R 101 db01' &&
	tui_until 5 content_has 'Name +db01' && tui_wait '3/3 nodes online' 5
back=$?
[ $rc -eq 0 ] && [ $small -eq 0 ]
ok $? "40x12: 'terminal too small (need ...)' instead of the panes"
ok $back "back to 80x24: the panes return with db01 still selected"
tui_keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"

tap_done
