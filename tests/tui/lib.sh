# lib.sh - drive tve in tmux for end-to-end tests (source it).
#
#   tui_start SESSION COLS ROWS CMD...   start CMD in a detached tmux session
#   tui_keys KEY...                      tmux send-keys to the session
#   tui_type TEXT                        send literal text
#   tui_screen                           print the visible pane
#   tui_wait TEXT [SECONDS]              wait until TEXT is on screen (0/1)
#   tui_wait_gone TEXT [SECONDS]         wait until TEXT is not on screen
#   tui_stop                             kill the session
#   ok COND DESC / tap_plan N            TAP output helpers
#
#   tui_region ROW COL ROWS COLS         print a rectangle of the pane
#                                        (0-based, counted in characters)
#   tui_wait_re REGEX [SECONDS]          like tui_wait, extended regex
#   tui_until SECONDS CMD...             poll CMD until it succeeds (0/1)
#   tui_settle [QUIET_S] [MAX_S]         wait until the pane stops changing
#   tui_collect KEY [MAX [CMD...]]       press KEY until the pane stops
#                                        changing; print every screen seen
#                                        (or what CMD prints each time)
#   tui_exit_status [SECONDS]            wait for the program to end and
#                                        print its exit status (1 if not)
#   tap_note TEXT / tap_done             "# TEXT"; trailing plan "1..N",
#                                        status 1 if any test failed
#
# Each test script uses its own tmux server socket, so nothing leaks into a
# user's tmux and parallel runs do not meet.

# Every tui_start gets a server socket of its own: a server being killed
# removes its socket path on the way out, which would pull it from under a
# new server started at once on the same name.
TUI_SOCK_BASE=${TUI_SOCK:-tve-test-$$}
TUI_SOCK=$TUI_SOCK_BASE-0
TUI_STARTS=0
TUI_SESSION=
TAP_N=0
TAP_FAILED=0

tmx() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

tui_start() {
	TUI_SESSION=$1
	local cols=$2 rows=$3
	shift 3
	# A wrapper keeps the pane open after tve exits so its last words
	# can be read, and records the exit status.
	local cmd
	printf -v cmd '%q ' "$@"
	[ "$TUI_STARTS" -gt 0 ] && tui_stop	# one console at a time
	TUI_STARTS=$((TUI_STARTS + 1))
	TUI_SOCK=$TUI_SOCK_BASE-$TUI_STARTS
	tmx new-session -d -s "$TUI_SESSION" -x "$cols" -y "$rows" \
		"$cmd; printf '\\n[tve exited %d]\\n' \$?; sleep 600"
	tmx set-option -t "$TUI_SESSION" status off >/dev/null
}

tui_keys() { tmx send-keys -t "$TUI_SESSION" "$@"; }
tui_type() { tmx send-keys -t "$TUI_SESSION" -l "$1"; }
tui_screen() { tmx capture-pane -p -t "$TUI_SESSION"; }


tui_stop() {
	tmx kill-server 2>/dev/null || true
	# tmux leaves the socket file behind
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
}

tap_plan() { echo "1..$1"; }

# A rectangle of the visible pane: rows ROW..ROW+ROWS-1, columns
# COL..COL+COLS-1 (characters, not bytes, whatever the caller's locale).
tui_region() {
	local row=$1 col=$2 rows=$3 cols=$4 LC_ALL=C.UTF-8 line i=0
	while IFS= read -r line || [ -n "$line" ]; do
		if ((i >= row && i < row + rows)); then
			printf '%s\n' "${line:col:cols}"
		fi
		i=$((i + 1))
	done < <(tui_screen)
}

# tui_until SECONDS CMD...: run CMD every 0.05 s until it succeeds.
tui_until() {
	local secs=$1 i
	shift
	for ((i = 0; i <= secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# tui_wait TEXT [SECONDS], tui_wait_re REGEX [SECONDS]: until it is on
# screen; tui_wait_gone TEXT [SECONDS]: until it is not.
_tui_has() { tui_screen | grep -q"$1" -- "$2"; }
_tui_lacks() { ! _tui_has F "$1"; }
tui_wait() { tui_until "${2:-10}" _tui_has F "$1"; }
tui_wait_re() { tui_until "${2:-10}" _tui_has E "$1"; }
tui_wait_gone() { tui_until "${2:-10}" _tui_lacks "$1"; }

# Wait until the pane has not changed for QUIET_S seconds (default 0.3),
# at most MAX_S (default 3); 1 if it kept changing.
_tui_us() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000000 }'; }
tui_settle() {
	local quiet max prev cur t0 last now
	quiet=$(_tui_us "${1:-0.3}")
	max=$(_tui_us "${2:-3}")
	prev=$(tui_screen)
	t0=${EPOCHREALTIME/./}
	last=$t0
	while :; do
		sleep 0.05
		cur=$(tui_screen)
		now=${EPOCHREALTIME/./}
		if [ "$cur" != "$prev" ]; then
			prev=$cur
			last=$now
		fi
		((now - last >= quiet)) && return 0
		((now - t0 >= max)) && return 1
	done
}

# tui_collect KEY [MAX [CMD...]]: run CMD (default tui_screen), then press
# KEY and run CMD again, until the pane stops changing (attributes count:
# a moving highlight is a change) or after MAX presses (default 30);
# prints everything CMD printed.  For checking what a
# scrolling list holds, e.g. tui_collect NPage 20 tui_region 1 0 16 28.
tui_collect() {
	local key=$1 max=${2:-30} prev cur n
	shift 2 2>/dev/null || shift $#
	[ $# -gt 0 ] || set -- tui_screen
	prev=$(tmx capture-pane -e -p -t "$TUI_SESSION")
	"$@"
	for ((n = 0; n < max; n++)); do
		tui_keys "$key"
		tui_settle 0.3 2 || true
		cur=$(tmx capture-pane -e -p -t "$TUI_SESSION")
		[ "$cur" = "$prev" ] && break
		prev=$cur
		"$@"
	done
}

# The exit status tui_start's wrapper recorded, once the program ended.
tui_exit_status() {
	local secs=${1:-10} st
	if tui_wait_re '^\[tve exited [0-9]+\]' "$secs"; then
		st=$(tui_screen | sed -n 's/^\[tve exited \([0-9]*\)\].*/\1/p' | tail -n 1)
		echo "$st"
		return 0
	fi
	echo 1
	return 1
}

tap_note() { printf '# %s\n' "$*"; }

# Trailing plan; status 1 when a test failed (for the script's exit code).
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# ok EXIT_STATUS DESCRIPTION: "ok N - d" or "not ok N - d" plus the screen.
ok() {
	local rc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $TAP_N - $*"
	else
		echo "not ok $TAP_N - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
		if [ -n "$TUI_SESSION" ]; then
			echo "# screen:"
			tui_screen 2>/dev/null | sed 's/^/#   /'
		fi
	fi
}

# bail REASON: nothing more can be checked; say why (as a failure) and stop.
bail() {
	[ "$TAP_FAILED" -gt 0 ] || ok 1 "$*"
	tap_done
	echo "Bail out! $*"
	exit 1
}
