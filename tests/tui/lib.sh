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
# Each test script uses its own tmux server socket, so nothing leaks into a
# user's tmux and parallel runs do not meet.

TUI_SOCK=${TUI_SOCK:-tve-test-$$}
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
	tmx new-session -d -s "$TUI_SESSION" -x "$cols" -y "$rows" \
		"$cmd; echo \"[tve exited \$?]\"; sleep 600"
	tmx set-option -t "$TUI_SESSION" status off >/dev/null
}

tui_keys() { tmx send-keys -t "$TUI_SESSION" "$@"; }
tui_type() { tmx send-keys -t "$TUI_SESSION" -l "$1"; }
tui_screen() { tmx capture-pane -p -t "$TUI_SESSION"; }

tui_wait() {
	local text=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		tui_screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	return 1
}

tui_wait_gone() {
	local text=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		tui_screen | grep -qF -- "$text" || return 0
		sleep 0.05
	done
	return 1
}

tui_stop() {
	tmx kill-server 2>/dev/null || true
}

tap_plan() { echo "1..$1"; }

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
