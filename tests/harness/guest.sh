#!/bin/bash
# guest.sh - real, diskless test guests that boot (SeaBIOS on the serial port).
#
#   source tests/harness/testhost.sh
#   source tests/harness/guest.sh
#   testhost_start h1 "$tmp/h1"
#   testguest_define h1 "$tmp/h1" g100 100     # sets TESTGUEST_LOG (serial log)
#   virsh -c "$TESTHOST_URI" start g100
#   testguest_wait_serial "$TESTGUEST_LOG" SeaBIOS 15
#
# The guest: 64 MiB, 1 vCPU, no disk, no NIC, <bios useserial='yes'/>, so
# SeaBIOS prints its banner, then "No bootable device" and retries forever:
# it stays running.  Its serial port is a pty (virDomainOpenConsole works)
# whose output QEMU also appends to DIR/serial/NAME.log (<log file>, written
# by QEMU itself: no virtlogd needed with stdio_handler = "file").  The log
# is truncated each time the guest starts.  tve's metadata carries the vmid.

# testguest_xml NAME VMID SERIAL_LOG [MEM_MIB] [DOMAIN_TYPE]
testguest_xml() {
	local name=$1 vmid=$2 log=$3 mem=${4:-64} type=${5:-}
	[ -n "$type" ] || type=$(testhost_domain_type 2>/dev/null || echo qemu)
	local meta=
	if [ -n "$vmid" ] && [ "$vmid" != 0 ]; then
		meta="  <metadata>
    <tve:guest xmlns:tve=\"urn:tve:guest:1\"><vmid>$vmid</vmid></tve:guest>
  </metadata>"
	fi
	cat <<EOF
<domain type='$type'>
  <name>$name</name>
$meta
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
    <bios useserial='yes'/>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'>
      <log file='$log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
EOF
}

# testguest_define HOSTNAME DIR NAME [VMID] [MEM_MIB]
# Defines (persistently) the guest on host DIR.  Sets TESTGUEST_LOG to the
# serial log path and TESTGUEST_NAME; prints nothing.
testguest_define() {
	local host=$1 dir=$2 name=$3 vmid=${4:-100} mem=${5:-64} uri xml
	case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
	uri=$(testhost_uri "$dir")
	mkdir -p "$dir/serial" || return 1
	TESTGUEST_NAME=$name
	TESTGUEST_LOG="$dir/serial/$name.log"
	xml="$dir/serial/$name.xml"
	testguest_xml "$name" "$vmid" "$TESTGUEST_LOG" "$mem" "$(testhost_domain_type "$dir")" >"$xml" || return 1
	if ! virsh -q -c "$uri" define "$xml" >/dev/null; then
		echo "testguest: could not define $name on $host" >&2
		return 1
	fi
	export TESTGUEST_NAME TESTGUEST_LOG
}

# Serial log path of guest NAME on host DIR.
testguest_log() {
	local dir=$1
	case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
	echo "$dir/serial/$2.log"
}

# testguest_wait_serial LOG PATTERN [TIMEOUT_S]: 0 once the fixed string
# PATTERN is in LOG, 1 after the timeout (default 20 s).
testguest_wait_serial() {
	local log=$1 pat=$2 t=${3:-20} n
	n=$((t * 10))
	while [ "$n" -gt 0 ]; do
		grep -qaF -- "$pat" "$log" 2>/dev/null && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# testguest_wait_state URI NAME STATE [TIMEOUT_S]: waits for virsh domstate
# to print STATE ("running", "paused", "shut off").
testguest_wait_state() {
	local uri=$1 name=$2 want=$3 t=${4:-10} n st
	n=$((t * 10))
	while [ "$n" -gt 0 ]; do
		st=$(timeout 5 virsh -q -c "$uri" domstate "$name" 2>/dev/null | head -n 1)
		[ "$st" = "$want" ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
