#!/bin/bash
# test_keys.sh - [keys] of tve.conf end to end on the demo, at 80x24 in
# tmux: with start = S and quit = C-q, S starts a stopped guest (its task
# appears), s no longer does, the help and the action menu show S for
# Start, the hints show C-q, and C-q quits (XON/XOFF turned off for it).
# Then bad bindings: tve exits with FILE:LINE before curses starts.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-keys.XXXXXX)
cleanup() {
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ -x "$TVE" ] || bail "tve is built ($TVE)"

mkdir -p "$tmp/state" "$tmp/config"
VARS=(TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config")
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8

tree() { tui_region 1 0 16 28; }
tasks() { tui_region 17 0 6 80; }
statusline() { tui_region 23 0 1 80; }
tree_has() { tree | grep -qE -- "$1"; }
tasks_has() { tasks | grep -qE -- "$1"; }
row() { echo "(^|[^[:alnum:]])$1 +$2 $3( |\$)"; }

cat >"$tmp/tve.conf" <<'EOF'
; keys of this test
[keys]
start = S
quit = C-q
EOF

tui_start keys 80 24 env -u LC_ALL "${VARS[@]}" LANG=$UTF8_LOCALE "$TVE" --demo --config "$tmp/tve.conf"
tui_until 10 tree_has "$(row S 105 win2022)"
rc=$?
ok $rc "tve --demo --config with [keys] starts"
[ $rc -eq 0 ] || bail "no screen"

tui_until 3 eval 'statusline | grep -q "Ctrl-Q Quit"'
ok $? "the hints name the quit key in force: Ctrl-Q Quit"

# Select win2022 (stopped) through the filter.
tui_keys /
tui_type win2022
tui_keys Enter
tui_keys G
tui_until 5 tree_has "$(row S 105 win2022)"
ok $? "win2022 selected, stopped"

tui_keys s
! tui_until 2 eval 'tasks_has "VM 105 - Start" || tree_has "$(row R 105 win2022)"'
ok $? "s (its default key, replaced) does not start it"

tui_keys m
tui_wait 'Actions: VM 105 (win2022)' 5 && tui_wait_re '(^|[^[:alnum:]])S +Start( |$)' 1
ok $? "the action menu shows S for Start"
tui_keys Escape
tui_wait_gone 'Actions: VM 105' 5

tui_keys S
tui_until 10 tasks_has 'VM 105 - Start'
ok $? "S starts it: the task appears"
tui_until 10 tree_has "$(row R 105 win2022)"
ok $? "tree: win2022 turns R (running)"

tui_keys F1
tui_wait 'Show this help' 5
tui_collect NPage 10 >"$tmp/help.txt"
grep -qE '│ +S +Start +Start the guest' "$tmp/help.txt"
ok $? "the help lists S for Start"
grep -qE 'Ctrl-Q +Quit' "$tmp/help.txt"
ok $? "the help lists Ctrl-Q for Quit"
! grep -qE '(^|[^[:alnum:]])s +Start +Start the guest' "$tmp/help.txt"
ok $? "the help no longer lists s for Start"
tui_keys Escape
tui_wait_gone 'Start the guest' 5

tui_keys q
! tui_until 1 eval 'tui_screen | grep -q "tve exited"'
ok $? "q (replaced) does not quit"
tui_keys C-q
st=$(tui_exit_status 10)
ok $([ "$st" = 0 ] && echo 0 || echo 1) "C-q quits (status $st)"

# --- bad bindings: FILE:LINE on stderr, before curses -----------------------
check_bad() {	# TEXT WANT DESC
	printf '%s' "$1" >"$tmp/bad.conf"
	local out st
	out=$(env "${VARS[@]}" "$TVE" --demo --config "$tmp/bad.conf" </dev/null 2>&1 >/dev/null)
	st=$?
	if [ $st -ne 0 ] && [ "$out" = "tve: $tmp/bad.conf:$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		tap_note "status $st, said: $out"
		tap_note "wanted: tve: $tmp/bad.conf:$2"
	fi
}
check_bad $'[keys]\nstart = S\nfrobnicate = f\n' \
	'3: unknown action "frobnicate" in [keys]' "an unknown action"
check_bad $'[general]\nrefresh = 2\n\n[keys]\nstop = Hyper-x\n' \
	'5: stop: bad key "Hyper-x": not a key name (a character, C-x, F1..F12, Enter, Esc, Tab, S-Tab, Del, Ins, Home, End, PgUp, PgDn, Up, Down, Left, Right or Space)' \
	"an unparsable key"
check_bad $'[keys]\nstart = S\nreset = S\n' \
	'3: reset: key S is bound to both reset and start (line 2)' "one key for two actions"
check_bad $'[keys]\nstart = x\n' \
	'2: start: key x is bound to both start and stop (its default; bind stop to another key too)' \
	"a key of another action's defaults"
check_bad $'[keys]\nquit = none\n' \
	'2: quit: it needs a key; without one it could not be quit' "quit without a key"

# The message comes before curses: on a terminal too, nothing is drawn.
printf '[keys]\nhelp = none\n' >"$tmp/bad.conf"
tui_start bad 80 24 env "${VARS[@]}" "$TVE" --demo --config "$tmp/bad.conf"
st=$(tui_exit_status 10)
tui_screen | grep -qF "tve: $tmp/bad.conf:2: help: it needs a key" && [ "$st" = 1 ] &&
	! tui_screen | grep -q 'Datacenter'
ok $? "on a terminal: the FILE:LINE message, status 1, no screen drawn"

tap_done
