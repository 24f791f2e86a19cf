#!/bin/bash
# test_storage.sh - the storage side of the console, end to end at 80x24 in
# tmux.
#
# On tve --demo (the test driver: every pool reads 100 GiB): a storage's
# Summary with its usage bar and the over-commit of its thin volumes; the
# Content tab's sub-views (disk images, ISO images, templates, backups),
# its order and filter; the Datacenter's Storage tab with the pools of all
# three nodes, Enter opening one; creating and deleting a volume through
# the dialogs, a volume in use refused with its guest named; Remove
# storage asking and saying the data is kept; the bar in ASCII at LANG=C
# TERM=vt100.
#
# On a real private libvirtd (tests/harness; needs root): the Add Storage
# wizard makes a directory storage whose directory it creates; Download
# from URL fetches an ISO from an HTTP server on 127.0.0.1 (slow, so the
# progress bar shows in the task panel) with its SHA-256; Create VM picks
# that ISO, and the defined domain has it (virsh dumpxml).
#
# Env: TVE_TOP_BUILDDIR (has ./tve), TVE_TOP_SRCDIR (has data/demo).
# shellcheck source-path=SCRIPTDIR
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
TVE=$build/tve
# shellcheck source=lib.sh
source "$src/tests/tui/lib.sh"
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"

tmp=$(mktemp -d /tmp/tve-storage.XXXXXX)
httpd_pid=
cleanup() {
	local f
	if [ "$TAP_FAILED" -gt 0 ]; then
		for f in "$tmp"/state*/tve/tve.log "$tmp/h1/libvirtd.log" "$tmp/httpd.log"; do
			[ -s "$f" ] || continue
			tap_note "--- tail of $f"
			tail -n 15 "$f" | sed 's/^/#   /'
		done
	fi
	tui_stop
	[ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed"; exit 0; }
[ -x "$TVE" ] || bail "tve is built ($TVE)"

mkdir -p "$tmp/state" "$tmp/config"
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=en_US.UTF-8

# The screen at 80x24: row 0 title; rows 1-16 tree (columns 0-27) and
# content (28-79, text from 29); rows 17-22 the task panel; row 23 hints and messages.
tree() { tui_region 1 0 16 28; }
content() { tui_region 1 29 16 51; }	# past its blank left margin
tasks() { tui_region 17 0 6 80; }
has() { tui_screen | grep -qE -- "$1"; }
content_has() { content | grep -qE -- "$1"; }
tasks_has() { tasks | grep -qE -- "$1"; }
# The content's first row of volumes (under the view, order and header lines).
first_row() { content | sed -n 5p; }
keys() {
	local k
	for k in "$@"; do
		tui_keys "$k"
		sleep 0.05
	done
}
# tree_to TITLE: from the tree's top, down until the content's title row
# matches TITLE (the tree has the focus).
title_is() { content | head -n 1 | grep -qE -- "$1"; }
tree_to() {
	local i k
	keys g
	for ((i = 0; i < 40; i++)); do
		for ((k = 0; k < 8; k++)); do
			title_is "$1" && return 0
			sleep 0.05
		done
		keys j
	done
	return 1
}

t0=$SECONDS
tui_start storage 80 24 env -u LC_ALL TVE_DEMO_DIR="$src/data/demo" XDG_STATE_HOME="$tmp/state" \
	XDG_CONFIG_HOME="$tmp/config" LANG=$UTF8_LOCALE "$TVE" --demo
tui_wait '3/3 nodes online' 10 && tui_until 10 eval 'tree | grep -q "\[storage\] local-lvm"'
rc=$?
ok $rc "tve --demo starts with 3/3 nodes online and pve1's storages in the tree"
[ $rc -eq 0 ] || bail "no point going on without the demo"

# --- Summary: usage bar, over-commit ---------------------------------------------
tree_to 'Storage local-lvm \(pve1\)'
ok $? "the tree selects storage local-lvm of pve1"
content_has 'Usage +\[#+\.+\] +57% \(57\.0 GiB of 100 GiB\)'
ok $? "Summary: the usage bar reads without colour: [#####....] 57% (57.0 GiB of 100 GiB)"
content_has 'Available +43\.0 GiB'
ok $? "Summary: 43.0 GiB available"
content_has 'Provisioned 440 GiB of 100 GiB \(440%,' && content_has 'over-committed\)'
ok $? "Summary: thin volumes over-commit it: Provisioned 440 GiB of 100 GiB (440%, over-committed)"
content_has 'Content +all' && content_has 'Volumes +9: 9 disk images'
ok $? "Summary: content types (all) and volumes by kind"

# --- Content: sub-views, owner, guest, order ---------------------------------------
keys Tab 2
tui_until 5 content_has '^ ?\[Images 9\] +ISO 0'
ok $? "Content tab: the Disk images view, 9 of them"
content_has '^vm-100-disk-0 +100 VM 100 ' && content_has '^vm-103-disk-0 +103 - '
ok $? "each image names its owner (from vm-ID-disk-N) and the guest using it"
has 'v View +o Order +/ Filter'
ok $? "the hints name the Content tab's keys (v view, o order, / filter)"
first_row | grep -q '^vm-100-disk-0 '
ok $? "in name order vm-100-disk-0 comes first"
keys o
tui_until 5 content_has 'order: size' && tui_until 3 eval 'first_row | grep -q "^vm-101-disk-1 .*128 GiB"'
ok $? "o orders by size: the 128 GiB vm-101-disk-1 first"
keys o
tui_until 5 content_has 'order: owner' && tui_until 3 eval 'first_row | grep -q "^vm-100-disk-0 "'
ok $? "o again orders by owner: VM 100's disk first"
keys o
tui_until 5 content_has 'order: name'

# --- create and delete a volume -------------------------------------------------------
keys n
tui_wait 'Create volume' 5 && has 'local-lvm \(logical\) on pve1, 43\.0 GiB free' &&
	has 'Format +< raw'
ok $? "n opens Create volume on local-lvm (raw: the only format LVM takes)"
keys C-n
tui_wait '! enter a name' 3 && has 'Create volume'
ok $? "Finish is refused without a name, which says so under it"
tui_type 'vm-150-disk-0'
keys Tab C-u
tui_type '4'
keys C-n
tui_wait_gone 'Create volume —' 5
tui_until 10 tasks_has 'pve1 +Create volume local-lvm:vm.* OK *$'
ok $? "Finish: task Create volume local-lvm:vm-150-disk-0 on pve1, OK"
tui_until 5 content_has '^vm-150-disk-0 +150 - .*4\.00 GiB'
ok $? "the new 4 GiB volume is listed, owner 150"
keys End DC
tui_wait_re 'Delete volume vm-150-disk-0 \(4\.00 GiB\) from storage local-lvm on pve1\?' 5 &&
	has 'Its data is lost' && has '\[ No \]'
ok $? "Del on it asks: Delete volume vm-150-disk-0 ... ? Its data is lost"
keys y
tui_until 10 tasks_has 'pve1 +Delete volume local-lvm:vm.* OK *$'
ok $? "y: task Delete volume on pve1, OK"
tui_until 5 eval '! content_has "^vm-150-disk-0"'
ok $? "the volume is gone from the list"
keys Home DC
tui_wait 'It is used by VM 100' 5
ok $? "Del on vm-100-disk-0 says VM 100 uses it"
keys y
tui_wait_re 'vm-100-disk-0 is used by VM 100 \(web01\)' 5
ok $? "y: the backend refuses, naming the guest: vm-100-disk-0 is used by VM 100 (web01)"

# --- Remove storage asks and keeps the data -------------------------------------------
keys D
tui_wait 'Remove storage' 5 && has 'Its data is kept:' && has 'Also delete the data +\[ \]' &&
	has 'Finish removes the storage; its data is kept'
ok $? "D asks in a form: Remove storage, its data is kept, 'Also delete the data' off"
keys Space
tui_wait 'Type the ID to confirm' 3 && has 'Its data is DELETED' && has '! type local-lvm to delete'
ok $? "ticking 'Also delete the data' asks for the storage's ID to be typed"
keys C-n
sleep 0.3
has 'Remove storage'
ok $? "Finish is refused until the ID is typed"
keys Escape
tui_wait_gone 'Remove storage' 5 && tui_until 3 eval 'tree | grep -q "\[storage\] local-lvm"'
ok $? "Esc closes it; the storage stays"

# --- ISO images, templates, backups; the filter ------------------------------------------
keys Escape
tree_to 'Storage local \(pve1\)'
keys Tab v
tui_until 5 content_has 'Images 0 +\[ISO 3\]' && content_has '^debian-12\.5\.0-amd64-netinst\.iso ' &&
	content_has '^virtio-win-0\.1\.240\.iso +.*VM 105'
ok $? "v: ISO images of storage local (3), the one in a guest's drive names it"
keys /
tui_type 'ubu'
tui_until 5 eval 'content_has "filter: ubu" && content_has "^ubuntu-22" && ! content_has "^debian-12"'
ok $? "/ filters the volumes as it is typed"
keys Enter Escape
tui_until 5 eval 'content_has "^debian-12" && ! content_has "filter: ubu"'
ok $? "Esc clears the filter"
keys v
tui_until 5 content_has '\[Templates 2\]' && content_has '^alpine-3\.19-default_20240207_amd64\.tar\.xz' &&
	content_has '^debian-12-standard_12\.2-1_amd64\.tar\.zst'
ok $? "v: container templates (2)"
keys Escape
tree_to 'Storage backup-nfs \(pve1\)'
keys Tab v
tui_until 5 content_has '\[Backups 3\]' &&
	content_has '^vzdump-qemu-100-.* +100 2024-05-01 02:00 ' &&
	content_has '^vzdump-lxc-103-.* +103 2024-05-01 02:31 '
ok $? "v: backups (3) with owner and date from their names"

# --- Datacenter > Storage ------------------------------------------------------------------
keys Escape g Tab 3
tui_until 5 content_has '\[Storage\]'
missing=
for want in 'pve1 +backup-nfs +netfs +A \[#' 'pve1 +local-lvm +logical +A \[#+\.*\] +57% +43\.0 GiB' \
	'pve2 +local +dir' 'pve2 +local-lvm' 'pve3 +local +dir' 'pve3 +local-lvm'; do
	content_has "$want" || missing="$missing '$want'"
done
[ -z "$missing" ]
ok $? "Datacenter Storage tab lists the pools of all 3 nodes with state and usage bar${missing:+ (missing:$missing)}"
keys j j j j
keys Enter
tui_until 5 content_has 'Storage local-lvm \(pve2\)'
ok $? "Enter on pve2's local-lvm opens it"

# --- the help has the storage keys ----------------------------------------------------------
keys '?'
tui_wait_re 'tve [^ ]+ - keys' 5
tui_collect NPage 12 tui_screen >"$tmp/help.txt"
missing=
for want in 'A +Add storage' 'D +Remove storage' 'n +Create volume' 'Del +Delete volume' \
	'w +Download URL' 'v +Storage Content tab' 'Del x +Cancel the selected task'; do
	grep -qE -- "$want" "$tmp/help.txt" || missing="$missing '$want'"
done
[ -z "$missing" ]
ok $? "the help lists the storage keys${missing:+ (missing:$missing)}"
keys Escape q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"

# --- LANG=C TERM=vt100: the bar is plain ASCII -----------------------------------------------
mkdir -p "$tmp/state-c"
tui_start ascii 80 24 env -u LC_ALL -u LC_CTYPE TVE_DEMO_DIR="$src/data/demo" \
	XDG_STATE_HOME="$tmp/state-c" XDG_CONFIG_HOME="$tmp/config" LANG=C TERM=vt100 NO_COLOR=1 \
	"$TVE" --demo
tui_wait '3/3 nodes online' 10
tree_to 'Storage local-lvm \(pve1\)'
content_has 'Usage +\[#+\.+\] +57% \(57\.0 GiB of 100 GiB\)'
ok $? "LANG=C TERM=vt100 NO_COLOR=1: the usage bar reads [#####....] 57%"
keys q
tui_exit_status 5 >/dev/null
tap_note "demo part: $((SECONDS - t0)) s"

# --- a real libvirtd: add a storage, download an ISO into it, a VM with it -------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "ok $((TAP_N + 1)) # SKIP the libvirtd part needs root"
	TAP_N=$((TAP_N + 1))
	tap_done
	exit
fi
t1=$SECONDS
testhost_start h1 "$tmp/h1" || bail "private libvirtd h1 starts"
URI=$TESTHOST_URI
NODE=localhost
virsh_() { timeout 10 virsh -q -c "$URI" "$@" 2>/dev/null; }

# An ISO to serve, slowly enough (1 MiB/s) for the progress bar to be seen.
www=$tmp/www
mkdir -p "$www"
head -c 5242880 /dev/urandom >"$www/tiny.iso"
head -c 31457280 /dev/urandom >"$www/big.iso"
sum=$(sha256sum "$www/tiny.iso" | cut -d' ' -f1)
/usr/bin/python3 - "$www" "$tmp/port" <<'EOF' 2>"$tmp/httpd.log" &
import http.server, os, sys, time
root, portfile = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(root, os.path.basename(self.path.split("?")[0]))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        size = os.path.getsize(path)
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with open(path, "rb") as f:
            while True:
                data = f.read(65536)
                if not data:
                    break
                self.wfile.write(data)
                self.wfile.flush()
                time.sleep(65536 / (1 << 20))
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
EOF
httpd_pid=$!
tui_until 10 test -s "$tmp/port" || bail "the HTTP server starts"
URL="http://127.0.0.1:$(cat "$tmp/port")/tiny.iso"
tap_note "host h1: $URI, HTTP on $URL, set up in $((SECONDS - t1)) s"

mkdir -p "$tmp/state-lv"
tui_start lv 80 24 env -u LC_ALL XDG_STATE_HOME="$tmp/state-lv" XDG_CONFIG_HOME="$tmp/config" \
	LANG=$UTF8_LOCALE "$TVE" -c "$URI"
tui_wait '1/1 nodes online' 15
ok $? "tve -c URI: node $NODE online"

# Add Storage: a directory the wizard makes.
pool_dir=$tmp/isos
keys A
tui_wait_re 'Add: Storage — Type \(1/3\)' 5 && has "Node +< $NODE" && has 'Type +< Directory'
ok $? "A opens Add Storage on $NODE, type Directory"
keys Tab Space
tui_wait_re 'LVM-thin \(not expressible in libvirt: use LVM\)' 3
ok $? "the type list has LVM-thin disabled: not expressible in libvirt"
keys Escape C-n
tui_wait_re 'Add: Storage — General \(2/3\)' 5 && has '! enter an ID'
ok $? "Next: page General; an empty ID says so"
tui_type 'isos'
keys Tab
tui_type "$pool_dir"
tui_until 5 eval 'has "Create directory +\\[x\\]" && ! has "! "'
ok $? "a directory that does not exist: Create directory is ticked, no field complains"
keys Tab Space
tui_wait "! $pool_dir does not exist: tick Create directory" 3
ok $? "unticked, the path says it does not exist"
keys Space C-n
tui_wait_re 'Add: Storage — Confirm \(3/3\)' 5 && has "Directory +$pool_dir \\(made if missing\\)" &&
	has 'Content +Disk image, ISO image'
ok $? "Next: Confirm lists the settings"
keys x
tui_wait 'Pool XML: isos' 5 && has "<path>$pool_dir</path>"
ok $? "x shows the pool XML with the path"
keys Escape C-n
tui_wait_gone 'Add: Storage' 5
tui_until 15 tasks_has "$NODE +Add storage isos .*OK *\$"
ok $? "Finish: task Add storage isos on $NODE, OK"
[ -d "$pool_dir" ] && virsh_ pool-info isos | grep -qE 'State: +running'
ok $? "the directory exists and libvirt's pool isos runs"

# Download from URL, with its SHA-256, watched in the task panel.
tui_until 10 eval 'tree | grep -q "\[storage\] isos"'
tree_to 'Storage isos \(localhost\)'
ok $? "the tree has storage isos"
keys w
tui_wait 'Download from URL' 5
tui_type "$URL"
tui_until 3 has 'File name +\[tiny\.iso '
ok $? "w opens Download from URL; the file name is proposed from the URL (tiny.iso)"
keys Tab Tab Right Tab
tui_type "$sum"
tui_until 3 eval 'has "Checksum algorithm +< SHA-256" && ! has "! "'
ok $? "SHA-256 picked and its hex typed, nothing complains"
keys C-n
tui_wait_gone 'Download from URL —' 5
tui_until 10 tasks_has "$NODE +Download tiny\\.iso +.*running"
ok $? "a Download task runs"
tui_until 10 tasks_has '\[#*\.+\] +[0-9]+% [0-9.]+ [KM]iB of 5\.00 MiB'
ok $? "the task panel shows its progress: bar, percentage, bytes of 5.00 MiB"
tasks | grep -E '\[#*\.+\]' | head -n 1 | sed 's/^/# /'
tui_until 30 tasks_has "$NODE +Download tiny\\.iso +.*OK *\$"
ok $? "the download ends OK"
[ "$(sha256sum "$pool_dir/tiny.iso" 2>/dev/null | cut -d' ' -f1)" = "$sum" ]
ok $? "$pool_dir/tiny.iso is there with the right SHA-256"

# Another download, cancelled from the task panel: nothing of it stays.
keys w
tui_wait 'Download from URL' 5
tui_type "${URL%/*}/big.iso"
keys C-n
tui_until 10 tasks_has '\[#*\.+\] +[0-9]+% .* of 30\.0 MiB'
ok $? "a second, bigger download runs with its progress line"
keys Tab Tab
tui_wait 'Del/x Cancel task' 3
ok $? "in the task panel the hints offer Del/x Cancel task"
keys x
tui_wait 'Cancel task Download big.iso on localhost?' 5
ok $? "x asks: Cancel task Download big.iso on localhost?"
keys y
tui_until 10 tasks_has "$NODE +Download big\\.iso +.*Error: cancelled"
ok $? "y: the task ends, Error: cancelled"
left=$(cd "$pool_dir" && find . -mindepth 1 -printf '%P ')
[ "$left" = 'tiny.iso ' ]
ok $? "nothing of it is left in the storage's directory (only tiny.iso: $left)"
keys Tab

# Create VM on that node, with that ISO.
keys c
tui_wait_re 'Create: Virtual Machine — General \(1/8\)' 5
keys C-n
tui_wait_re 'Create: Virtual Machine — OS \(2/8\)' 5 && tui_until 5 has 'ISO image +< isos/tiny\.iso'
ok $? "Create VM: the OS page offers the downloaded ISO (isos/tiny.iso)"
for p in 'System \(3/8\)' 'Disks \(4/8\)' 'CPU \(5/8\)' 'Memory \(6/8\)' 'Network \(7/8\)' \
	'Confirm \(8/8\)'; do
	keys C-n
	tui_wait_re "Create: Virtual Machine — $p" 5 || break
done
has 'Confirm \(8/8\)'
ok $? "Next through every page to Confirm"
keys C-n
tui_wait_gone 'Create: Virtual Machine' 5
tui_until 20 tasks_has "$NODE +VM 100 - Create .*OK *\$"
ok $? "Finish: VM 100 - Create, OK"
virsh_ dumpxml vm100 | grep -qE "<source pool='isos' volume='tiny.iso'/>|<source file='$pool_dir/tiny.iso'/>"
ok $? "virsh dumpxml: the VM's CD-ROM is the downloaded ISO"

keys q
st=$(tui_exit_status 5)
[ "$st" = 0 ]
ok $? "q quits with status 0 (got: $st)"
testhost_stop h1 "$tmp/h1"
ok $? "private host h1 stopped"
tap_note "libvirtd part: $((SECONDS - t1)) s"
tap_done
