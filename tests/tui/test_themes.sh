#!/bin/bash
# test_themes.sh - colour themes end to end, in tmux at TERM=xterm-256color
# (80x24): every shipped theme starts (--theme NAME --demo) and draws the
# tree, each in colours of its own (capture-pane -e); the theme picker
# (Ctrl-T) lists them, moving its cursor repaints the screen in the theme
# under it, Esc puts back the one before, Enter keeps one for the session;
# a broken theme shows FILE:LINE in the picker and the screen keeps its
# colours.  Before curses: --theme nonexistent and a broken file end tve
# with the message (FILE:LINE) and a non-zero status.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo, themes).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-themes.XXXXXX)
cleanup() {
	tui_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ -x "$TVE" ] || bail "tve is built ($TVE)"

mkdir -p "$tmp/state" "$tmp/config/tve/themes"
VARS=(TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config"
      TERM=xterm-256color)
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8
THEMES=(default light proxmox high-contrast solarized mono)

tree() { tui_region 1 0 16 28; }
tree_has() { tree | grep -qE -- "$1"; }
# The pane with its colours and attributes as escape sequences; rows
# FIRST..LAST (default all).
colours() { tmx capture-pane -e -p -t "$TUI_SESSION" ${1:+-S "$1"} ${2:+-E "$2"}; }
start() { tui_start themes 80 24 env -u LC_ALL "${VARS[@]}" LANG=$UTF8_LOCALE "$TVE" --demo "$@"; }

# --- every shipped theme starts and draws --------------------------------------
for th in "${THEMES[@]}"; do
	start --theme "$th"
	tui_until 10 tree_has 'Datacenter' && tui_until 10 tree_has 'pve1' &&
		tui_wait '3/3 nodes online' 10
	ok $? "--theme $th: tve starts and draws the tree"
	tui_settle 0.5 5 || true
	colours 0 0 >"$tmp/title-$th.esc"
	colours >"$tmp/screen-$th.esc"
done
# Each theme looks different: the title bars' escapes are pairwise distinct.
dups=
for ((i = 0; i < ${#THEMES[@]}; i++)); do
	for ((k = i + 1; k < ${#THEMES[@]}; k++)); do
		cmp -s "$tmp/title-${THEMES[i]}.esc" "$tmp/title-${THEMES[k]}.esc" &&
			dups="$dups ${THEMES[i]}=${THEMES[k]}"
	done
done
[ -z "$dups" ]
ok $? "the six themes draw in colours of their own${dups:+ (same:$dups)}"
# At 256 colours a theme's 256-colour numbers reach the terminal as they are.
grep -q '38;5;208\|48;5;208' "$tmp/screen-proxmox.esc"
ok $? "proxmox at xterm-256color: its orange (colour 208) is on screen"
# mono has no colours at all, only attributes.
! grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5|9[0-7]|10[0-7])[;m]' "$tmp/screen-mono.esc" &&
	grep -q $'\e\\[7m\|;7m\|\e\\[1m' "$tmp/screen-mono.esc"
ok $? "mono: attributes only, no colour escapes"

# --- fewer colours: 256 -> 16 -> 8 by table --------------------------------------
# xterm-16color is in ncurses-term, often not installed: a private entry.
mkdir -p "$tmp/terminfo"
printf 'tve-16color|xterm with 16 colours,\n\tcolors#16, pairs#256, use=xterm-256color,\n' \
	>"$tmp/16.ti"
tic -x -o "$tmp/terminfo" "$tmp/16.ti" 2>/dev/null || tap_note "tic failed"
for t in tve-16color:16 xterm:8; do
	term=${t%:*} n=${t#*:}
	TERMINFO="$tmp/terminfo" infocmp "$term" >/dev/null 2>&1 || { ok 1 "terminfo for $term"; continue; }
	tui_start themes 80 24 env -u LC_ALL "${VARS[@]}" TERM="$term" TERMINFO="$tmp/terminfo" \
		LANG=$UTF8_LOCALE \
		"$TVE" --demo --theme proxmox
	tui_until 10 tree_has 'pve1' && tui_wait '3/3 nodes online' 10 && tui_settle 0.5 5
	colours >"$tmp/screen-$n.esc"
	if [ "$n" = 16 ]; then
		# 208 (orange) is yellow (3) among 16; 236 (dark grey) black.
		! grep -q '[34]8;5;' "$tmp/screen-$n.esc" && grep -qE $'\e\\[([0-9;]*;)?(33|43)[;m]' "$tmp/screen-$n.esc"
	else
		! grep -qE $'\e\\[([0-9;]*;)?([34]8;5|9[0-7]|10[0-7])[;m]' "$tmp/screen-$n.esc" &&
			grep -qE $'\e\\[([0-9;]*;)?(33|43)[;m]' "$tmp/screen-$n.esc"
	fi
	ok $? "proxmox at $term ($n colours): drawn in the nearest of $n colours"
done

# --- the picker: live preview, Esc, Enter ---------------------------------------
printf 'normal = default, default\n\n\n\n\n\nfoo = red, blue\n' >"$tmp/config/tve/themes/broken.theme"
printf 'normal = 15, 18\n' >"$tmp/config/tve/themes/zz-user.theme"
start
tui_until 10 tree_has 'pve1' && tui_wait '3/3 nodes online' 10
tui_settle 0.5 5 || true
colours 0 0 >"$tmp/before.esc"
tui_keys C-t
tui_wait ' Theme ' 5 && tui_wait 'proxmox' 1 && tui_wait 'high-contrast' 1 &&
	tui_wait 'zz-user' 1 && tui_wait_re '> default +\(in use before\)' 1
ok $? "Ctrl-T opens the theme picker: the shipped and the user's themes, cursor on default"
tui_keys Down		# default -> high-contrast
tui_wait_re '> high-contrast' 5 && tui_settle 0.3 3
colours 0 0 >"$tmp/preview.esc"
! cmp -s "$tmp/before.esc" "$tmp/preview.esc" && cmp -s "$tmp/preview.esc" "$tmp/title-high-contrast.esc"
ok $? "Down previews high-contrast at once: the title bar takes its colours"
tui_keys Down		# light
tui_wait_re '> light' 5 && tui_settle 0.3 3
colours 0 0 >"$tmp/preview2.esc"
cmp -s "$tmp/preview2.esc" "$tmp/title-light.esc"
ok $? "Down again previews light"
tui_keys Escape
tui_wait_gone ' Theme ' 5 && tui_settle 0.3 3
colours 0 0 >"$tmp/after.esc"
cmp -s "$tmp/before.esc" "$tmp/after.esc"
ok $? "Esc closes the picker and puts the theme before back"

# A broken theme: its file and line in the picker; colours stay.
tui_keys C-t
tui_wait ' Theme ' 5
# g (Home): tmux sends Home for its own TERM, not xterm-256color's.
tui_keys g		# broken (sorted first)
tui_wait 'broken.theme:7:' 5 && tui_wait 'unknown role "foo"' 1
ok $? "a broken theme under the cursor: FILE:LINE and the message in the picker"
tui_settle 0.3 3
colours 0 0 >"$tmp/broken.esc"
cmp -s "$tmp/before.esc" "$tmp/broken.esc"
ok $? "... and the screen keeps the theme it had"
tui_keys Enter
tui_settle 0.3 2
tui_wait ' Theme ' 1
ok $? "Enter on the broken theme keeps the picker open"

# Enter keeps proxmox for this session.
tui_keys G Up		# zz-user, then solarized; then up to proxmox
tui_wait_re '> solarized' 5
tui_keys Up
tui_wait_re '> proxmox' 5
tui_keys Enter
tui_wait_gone ' Theme ' 5 && tui_wait 'Theme proxmox for this session' 5
ok $? "Enter keeps proxmox and says it is for this session"
tui_settle 0.3 3
colours 0 0 >"$tmp/kept.esc"
cmp -s "$tmp/kept.esc" "$tmp/title-proxmox.esc"
ok $? "the title bar stays in proxmox's colours after the picker closes"
[ ! -e "$tmp/config/tve/tve.conf" ]
ok $? "tve.conf is not written"
tui_keys '?'
tui_wait 'Ctrl-T' 5 && tui_wait 'Pick a theme' 1
ok $? "help lists Ctrl-T, the theme picker"
tui_keys Escape
tui_stop

# --- before curses: a theme that is not there or does not parse -----------------
out=$(env "${VARS[@]}" "$TVE" --demo --theme nonexistent 2>&1 </dev/null)
st=$?
[ "$st" -ne 0 ] && grep -q 'theme "nonexistent" not found' <<<"$out"
ok $? "--theme nonexistent: exits $st with: $out"
out=$(env "${VARS[@]}" "$TVE" --demo --theme broken 2>&1 </dev/null)
st=$?
[ "$st" -ne 0 ] && grep -qF "$tmp/config/tve/themes/broken.theme:7: unknown role \"foo\"" <<<"$out"
ok $? "--theme broken: exits $st with FILE:LINE: $out"
printf '[general]\ntheme = broken\n' >"$tmp/tve.conf"
out=$(env "${VARS[@]}" "$TVE" --demo --config "$tmp/tve.conf" 2>&1 </dev/null)
st=$?
[ "$st" -ne 0 ] && grep -qF 'broken.theme:7: unknown role "foo"' <<<"$out"
ok $? "theme = broken in tve.conf: exits $st with FILE:LINE"

tap_done
