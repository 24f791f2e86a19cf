#!/bin/bash
# test_wizard.sh - the Create VM and Create CT wizards end to end on
# tve --demo, at 80x24 in tmux: c opens Create VM; a bad name and a used ID
# show their reason under the field and Next stays; a disk too big for its
# storage says how much is free; Esc asks before discarding; a resize storm
# keeps what was typed; every page up to Confirm, whose summary holds the
# values typed and whose x shows the domain XML; Finish creates the VM (a
# task that ends OK, the VM in the tree).  Then C for Create CT: passwords
# that differ, masked; the same way to Finish.  Then a run with LANG=C
# TERM=vt100 NO_COLOR=1 whose raw output must be plain 7-bit.
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"

tmp=$(mktemp -d /tmp/tve-wizard.XXXXXX)
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

mkdir -p "$tmp/state" "$tmp/config"
VARS=(TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config")
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8

tree() { tui_region 1 0 16 28; }
tasks() { tui_region 17 0 6 80; }
has() { tui_screen | grep -qE -- "$1"; }
tree_has() { tree | grep -qE -- "$1"; }
tasks_has() { tasks | grep -qE -- "$1"; }
# The screen row after the focused field's ('>Label') row.
under_focus() { tui_screen | grep -A1 -E "^[^>]{0,10}>$1 " | tail -n 1; }
# keys KEY...: one at a time, the way a person types (and waits a little).
keys() {
	local k
	for k in "$@"; do
		tui_keys "$k"
		sleep 0.05
	done
}
page() { tui_wait_re "Create: $1 . $2" 5; }	# page TITLE "Disks \(4/8\)"

t0=$SECONDS
tui_start wizard 80 24 env -u LC_ALL "${VARS[@]}" LANG=$UTF8_LOCALE "$TVE" --demo
tui_wait '3/3 nodes online' 10 && tui_until 10 tree_has 'web01'
rc=$?
ok $rc "tve --demo starts with 3/3 nodes online"
[ $rc -eq 0 ] || bail "no point going on without the demo"

# --- Create VM: General ----------------------------------------------------
keys c
page 'Virtual Machine' 'General \(1/8\)' && has '\[General\] OS +System +Disks' &&
	has 'Next \(Ctrl-N\)' && has 'F1 help'
rc=$?
ok $rc "c opens Create VM on page General (1/8) with its pages, buttons and hints"
[ $rc -eq 0 ] || bail "the wizard did not open"
has '>Node +< pve1' && has 'VM ID +\[116 '
ok $? "the node is preselected (pve1, the first online) and the ID is the next free one (116)"

keys Tab Tab
tui_type 'bad_name'
tui_until 5 eval 'under_focus Name | grep -qE "! .*contains .?_"'
ok $? "a bad name shows its reason right under the field, after a '!'"
keys C-n
tui_wait 'Next: fix Name first' 5 && page 'Virtual Machine' 'General \(1/8\)'
ok $? "Next is refused while the name is bad (still on General, the page says why)"

keys C-u
tui_type 'wiztest'
tui_until 5 eval '! has "contains .?_"'
ok $? "the message goes once the name is valid"
keys BTab C-u
tui_type '101'
tui_until 5 eval 'under_focus "VM ID" | grep -qF "! ID 101 is used by db01 on pve1"'
ok $? "an ID in use names its holder: ID 101 is used by db01 on pve1"
keys C-n
sleep 0.3
page 'Virtual Machine' 'General \(1/8\)'
ok $? "Next is refused while the ID is taken"
keys C-u
tui_type '150'
tui_until 5 eval '! has "is used by"'
ok $? "ID 150 is free"

# --- a resize storm keeps every value and the focus ---------------------------
for size in 100x30 60x16 120x40 70x20 61x17 90x28 80x24; do
	tmx resize-window -t "$TUI_SESSION" -x "${size%x*}" -y "${size#*x}"
	sleep 0.05
done
tui_settle 0.3 3
has 'Name +\[wiztest +\]' && has '>VM ID +\[150 ' && page 'Virtual Machine' 'General \(1/8\)'
ok $? "after 7 resizes the name, the ID and the focus are as they were"

# --- Esc asks -----------------------------------------------------------------
keys Escape
tui_wait 'Discard this wizard?' 5 && has '\[ No \]'
ok $? "Esc asks: Discard this wizard?"
keys n
tui_wait_gone 'Discard this wizard?' 5 && has 'Name +\[wiztest +\]'
ok $? "n keeps the wizard and its values"

# --- OS, System, Disks ------------------------------------------------------------
keys C-n
page 'Virtual Machine' 'OS \(2/8\)' && has 'Guest OS type'
ok $? "Next: page OS (2/8)"
keys C-n
page 'Virtual Machine' 'System \(3/8\)' && has 'BIOS' && has 'SCSI Controller'
ok $? "Next: page System (3/8)"
keys C-n
page 'Virtual Machine' 'Disks \(4/8\)' && has '>Disks +\[scsi0\]'
ok $? "Next: page Disks (4/8) with disk scsi0"
keys a
tui_wait_re 'Disks +scsi0 +\[scsi1\]' 5
ok $? "a adds a disk (scsi1)"
keys Delete
tui_wait_re 'Disks +\[scsi0\] *a: add' 5
ok $? "Del removes it again"
keys Down Down Down Down C-u
tui_type '5000'
tui_until 5 eval 'under_focus "Disk size" | grep -qE "! .*[0-9.]+ [KMGT]iB free"'
ok $? "a disk too big for its storage says how much is free"
keys C-n
sleep 0.3
page 'Virtual Machine' 'Disks \(4/8\)'
ok $? "Next is refused while the disk does not fit"
keys C-u
tui_type '8'
tui_until 5 eval '! under_focus "Disk size" | grep -q "!"'
keys C-n
page 'Virtual Machine' 'CPU \(5/8\)' && has 'Sockets' && has 'Cores'
ok $? "with an 8 GiB disk Next goes on: page CPU (5/8)"
keys C-n
page 'Virtual Machine' 'Memory \(6/8\)' && has 'Memory +\[2048'
ok $? "Next: page Memory (6/8), 2048 MiB"
keys C-n
page 'Virtual Machine' 'Network \(7/8\)' && has 'Model'
ok $? "Next: page Network (7/8)"
keys C-n
page 'Virtual Machine' 'Confirm \(8/8\)' && has 'Finish'
ok $? "Next: page Confirm (8/8) with Finish"

# --- Confirm: summary, XML ---------------------------------------------------------
missing=
for want in 'name: wiztest' 'vmid: 150' 'memory: 2048' 'scsi0: [^ ]+:8' 'nodename: pve1'; do
	has "$want" || missing="$missing '$want'"
done
[ -z "$missing" ]
ok $? "the summary has the values entered${missing:+ (missing:$missing)}"
keys x
tui_wait 'Domain XML: VM 150' 5 && has '<domain' && has '<name>wiztest</name>'
ok $? "x shows the domain XML: <domain ...> with <name>wiztest</name>"
keys Escape
tui_wait_gone 'Domain XML' 5 && page 'Virtual Machine' 'Confirm \(8/8\)'
ok $? "Esc closes the XML, back on Confirm"
keys F1
tui_wait 'Create wizard - keys' 5
ok $? "F1 shows the wizard's keys"
keys Escape
tui_wait_gone 'Create wizard - keys' 5

# --- Finish ---------------------------------------------------------------------------
keys C-n
tui_wait_gone 'Create: Virtual Machine' 5
ok $? "Finish closes the wizard"
tui_until 15 tasks_has 'pve1 +VM 150 - Create .*OK *$'
ok $? "the task panel: VM 150 - Create on pve1, OK"
tui_until 15 tree_has '(^|[^[:alnum:]])S +150 wiztest( |$)'
ok $? "the tree has the new VM: S 150 wiztest"

# --- Create CT ------------------------------------------------------------------------
keys C
page 'LXC Container' 'General \(1/8\)' && has 'CT ID +\[116 ' && has 'Hostname'
ok $? "C opens Create CT on General (1/8), proposing the lowest free ID (116)"
keys Tab C-u
tui_type '151'
keys Tab
tui_type 'wizct'
keys Tab Tab Tab
tui_type 'secret1'
keys Tab
tui_type 'secret2'
tui_until 5 eval 'under_focus "Confirm password" | grep -qF "! the passwords do not match"'
ok $? "passwords that differ say so under the confirmation"
! has 'secret' && has 'Password +\[\*{7} '
ok $? "passwords are masked, never echoed"
keys C-n
sleep 0.3
page 'LXC Container' 'General \(1/8\)'
ok $? "Next is refused while the passwords differ"
keys BSpace
tui_type '1'
tui_until 5 eval '! has "do not match"'
keys C-n
page 'LXC Container' 'Template \(2/8\)' && has 'Template +< '
ok $? "Next: page Template (2/8)"
# The storage local holds the demo's templates.
for _ in 1 2 3; do has 'Storage +< local ' && break; keys Right; sleep 0.2; done
has 'Storage +< local ' && has 'Template +< [a-z0-9._-]+\.tar\.(zst|xz|gz)'
ok $? "storage local offers its templates"
for p in 'Root Disk \(3/8\)' 'CPU \(4/8\)' 'Memory \(5/8\)' 'Network \(6/8\)' 'DNS \(7/8\)' \
	'Confirm \(8/8\)'; do
	keys C-n
	page 'LXC Container' "$p" || break
done
page 'LXC Container' 'Confirm \(8/8\)'
ok $? "Next through Root Disk, CPU, Memory, Network, DNS to Confirm (8/8)"
has 'hostname: wizct' && has 'vmid: 151' && has 'password: \*+' && ! has 'secret'
ok $? "the CT summary has the hostname and ID, the password as stars"
keys x
tui_wait 'Domain XML: CT 151' 5 && has '<domain'
ok $? "x shows the container's domain XML"
keys Escape
tui_wait_gone 'Domain XML' 5
keys C-n
tui_until 10 eval '! has "Create: LXC Container"'
ok $? "Finish closes the CT wizard"
tui_until 20 tasks_has 'pve1 +CT 151 - Create .*OK *$'
ok $? "the task panel: CT 151 - Create on pve1, OK"
tui_until 15 tree_has '(^|[^[:alnum:]])S +151 wizct \(CT\)'
ok $? "the tree has the new container: S 151 wizct (CT)"

# --- a Debian template asks first, and says why not on the demo ------------
# The filter leaves pve1 and its storages; the row under pve1 is "local".
keys / && tui_type 'local'
keys Enter
tui_until 5 tree_has '\[storage\] local'
keys j
tui_wait 'Path ' 5
keys T
tui_wait 'Debian template in storage local on pve1?' 5
ok $? "T on a storage asks before making a Debian template"
keys y
tui_wait_re 'pve1 is not this host \(templates are made locally\)' 5
ok $? "on the demo it says why it cannot: pve1 is not this host"
keys Escape
keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"
tap_note "UTF-8 run: $((SECONDS - t0)) s"

# --- LANG=C TERM=vt100 NO_COLOR=1: the wizard in 7-bit ---------------------------------
t1=$SECONDS
raw=$tmp/c-locale.raw
mkdir -p "$tmp/state-c"
VARS+=(XDG_STATE_HOME="$tmp/state-c")
printf -v inner '%q --demo' "$TVE"
tui_start ascii 80 24 env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES "${VARS[@]}" LANG=C TERM=vt100 NO_COLOR=1 \
	script -q -f -e -E never -O "$raw" -c "$inner"
tui_wait '3/3 nodes online' 10
ok $? "LANG=C TERM=vt100 NO_COLOR=1: tve --demo starts"
keys c
page 'Virtual Machine' 'General \(1/8\)' && has 'Create: Virtual Machine - General'
ok $? "LANG=C: Create VM opens, its title with a plain '-'"
keys Tab Tab
tui_type 'x_y'
tui_until 5 eval 'under_focus Name | grep -qE "! "'
ok $? "LANG=C: the error marker '!' under the field"
keys C-u
tui_type 'ascii'
for _ in 1 2 3 4 5 6 7; do keys C-n; sleep 0.2; done
page 'Virtual Machine' 'Confirm \(8/8\)' && has 'name: ascii'
ok $? "LANG=C: every page up to Confirm"
keys x
tui_wait '<domain' 5
keys Escape
tui_wait_gone '<domain' 5
keys Escape
tui_wait 'Discard this wizard?' 5 && keys y && tui_wait_gone 'Create: Virtual Machine' 5
ok $? "LANG=C: XML view, then Esc y discards the wizard"
keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "LANG=C: q quits with status 0 (got: $st)"
sed -e '1{/^Script started/d}' -e '/^Script done/,$d' "$raw" >"$tmp/tve.raw" 2>/dev/null
n=$(wc -c <"$tmp/tve.raw")
high=$(LC_ALL=C tr -d '\000-\177' <"$tmp/tve.raw" | wc -c)
[ "$n" -gt 1000 ] && LC_ALL=C grep -qa 'Create: Virtual Machine' "$tmp/tve.raw" && [ "$high" -eq 0 ]
ok $? "LANG=C TERM=vt100: the wizard wrote $n bytes, none of them >= 0x80 (found $high)"
if [ "$high" -ne 0 ]; then
	tap_note "first bytes >= 0x80 in context:"
	LC_ALL=C grep -boaP '.{0,12}[\x80-\xff]+.{0,12}' "$tmp/tve.raw" | head -5 | cat -v | sed 's/^/#   /'
fi
tap_note "LANG=C run: $((SECONDS - t1)) s"

tap_done
