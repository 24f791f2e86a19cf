#!/bin/bash
# testhost.sh - private libvirt "hosts" for integration tests.
#
# Each host is a libvirtd running in its own mount, UTS and PID namespaces
# with private copies of /etc/libvirt /run/libvirt /var/lib/libvirt
# /var/cache/libvirt /var/log/libvirt (bind-mounted from DIR/etc/libvirt,
# DIR/run/libvirt, DIR/var/lib/libvirt, ...), its own hostname, host_uuid and
# migration ports.  Nothing touches the machine's own libvirt setup, and no
# virtlogd, network or storage pool is needed.  Needs root.
#
# Library use (bash):
#   source tests/harness/testhost.sh
#   trap testhost_stop_all EXIT
#   testhost_start h1 "$tmp/h1" || exit 1     # sets TESTHOST_URI etc.
#   virsh -c "$TESTHOST_URI" list --all
#   testhost_kill_daemon h1 "$tmp/h1"        # SIGKILL libvirtd; guests keep running
#   testhost_restart_daemon h1 "$tmp/h1"     # same namespaces and dirs; reconnects
#   testhost_stop h1 "$tmp/h1"               # guests, daemon, namespaces: all gone
#
# Also: testhost_stop_all (every host this shell started; for traps),
# testhost_uri DIR, testhost_lxc_uri DIR, testhost_domain_type [DIR] (kvm|qemu),
# testhost_pids DIR [COMM] (real pids inside the host, e.g. qemu-system-x86),
# testhost_nsenter DIR CMD... (run CMD inside the host's namespaces; e.g.
# virsh lxc-enter-namespace, which reads /proc/PID of the container's init
# as the daemon numbers it),
# testhost_check_clean DIR (0 when nothing of the host is left).
# Guests: tests/harness/guest.sh.
#
# After testhost_start:
#   TESTHOST_URI   qemu+unix:///system?socket=DIR/run/libvirt/libvirt-sock
#   TESTHOST_LXC_URI  lxc+unix:///system?socket=... (same daemon, LXC driver;
#                  containers work: see the cgroup note in testhost_start)
#   TESTHOST_NAME, TESTHOST_DIR     the host just started
#   TESTHOST_DOMAIN_TYPE            kvm or qemu (see testhost_domain_type)
# Files: DIR/libvirtd.log (daemon warnings/errors), DIR/var/log/libvirt/qemu/
# (QEMU logs), DIR/.testhost/ (pids, namespace ids).  The PID namespace
# means pids that libvirt reports (e.g. in /run/libvirt/qemu/G.pid) are
# namespace pids; testhost_pids DIR lists the real ones.
#
# Command line: testhost.sh start NAME DIR [PORT_BASE]   (prints the URI)
#               testhost.sh stop|kill-daemon|restart-daemon NAME DIR
#               testhost.sh uri DIR | lxc-uri DIR | domain-type [DIR] | pids DIR | check-clean DIR
#               testhost.sh nsenter DIR CMD...
#
# Knobs (environment):
#   TESTHOST_DOMAIN_TYPE_FORCE=kvm|qemu   force the guest domain type
#   TESTHOST_START_TIMEOUT=20       seconds to wait for the daemon
#   TESTHOST_LOG_OUTPUTS, TESTHOST_LOG_FILTERS   libvirtd log_outputs/filters
#   TESTHOST_EXTRA_LIBVIRTD_CONF, TESTHOST_EXTRA_QEMU_CONF  lines appended
#   TESTHOST_CAPS_CACHE             directory sharing libvirt's QEMU
#       capabilities between hosts (saves ~1.3 s per start); default
#       $TVE_TOP_BUILDDIR/tests/out/qemu-caps, empty = no sharing
# Any other file already present in DIR/etc/libvirt (lxc.conf, network or
# domain XML under qemu/...) is kept, so a test can seed it before starting.

TESTHOST_LIBVIRTD=${TESTHOST_LIBVIRTD:-/usr/sbin/libvirtd}
TESTHOST_MOUNTS="/etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt"
# Hosts started by this shell (for testhost_stop_all).
[ -n "${TESTHOST_STARTED+x}" ] || declare -ga TESTHOST_STARTED=()
TESTHOST_COUNT=${TESTHOST_COUNT:-0}

_th_log() { echo "testhost: $*" >&2; }

_th_uri() { echo "qemu+unix:///system?socket=$1/run/libvirt/libvirt-sock"; }
testhost_uri() { _th_uri "$(cd "$1" 2>/dev/null && pwd || echo "$1")"; }
testhost_lxc_uri() { local u; u=$(testhost_uri "$1"); echo "lxc${u#qemu}"; }

# Absolute path without requiring it to exist yet.
_th_abs() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

# Root-namespace pid of the namespace's init (our bash reaper), or fail.
_th_init_pid() {
	local dir=$1 pid ns
	[ -r "$dir/.testhost/init.pid" ] || return 1
	pid=$(cat "$dir/.testhost/init.pid")
	ns=$(cat "$dir/.testhost/pidns" 2>/dev/null)
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	[ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$ns" ] || return 1
	echo "$pid"
}

# Inode number of a namespace link text ("pid:[4026532123]" -> 4026532123).
_th_ns_ino() { local x=${1#*[}; echo "${x%]}"; }

# Real (root-namespace) pids of every live process of the host DIR, one a
# line: found by their PID namespace, so nothing escapes.  Zombies skipped.
# With a second argument, only processes with that command name.
testhost_pids() {
	local dir ns
	dir=$(_th_abs "$1")
	ns=$(cat "$dir/.testhost/pidns" 2>/dev/null) || return 0
	[ -n "$ns" ] || return 0
	ps -e -o pid=,pidns=,stat=,comm= |
		awk -v ns="$(_th_ns_ino "$ns")" -v comm="${2:-}" \
			'$2 == ns && $3 !~ /^Z/ && (comm == "" || $4 == comm) { print $1 }'
}

# Real pid of the host's libvirtd (empty when not running).
_th_daemon_pid() {
	local p
	p=$(testhost_pids "$1" libvirtd | head -n 1)
	[ -n "$p" ] && echo "$p"
}

# kvm when /dev/kvm exists and can be opened read-write by us (root: the
# private daemons run QEMU as root, so the device mode does not matter),
# else qemu (TCG).  With a host DIR, also asks that daemon's capabilities.
testhost_domain_type() {
	if [ -n "${TESTHOST_DOMAIN_TYPE_FORCE:-}" ]; then
		echo "$TESTHOST_DOMAIN_TYPE_FORCE"; return 0
	fi
	if [ -c /dev/kvm ] && { exec 9<>/dev/kvm; } 2>/dev/null; then
		exec 9<&-
		if [ -n "${1:-}" ]; then
			if virsh -q -c "$(testhost_uri "$1")" capabilities 2>/dev/null |
				grep -q "<domain type='kvm'"; then
				echo kvm
			else
				echo qemu
			fi
			return 0
		fi
		echo kvm
	else
		echo qemu
	fi
}

_th_write_conf() {
	local name=$1 dir=$2 port=$3 idx=$4 uuid
	uuid=$(cat /proc/sys/kernel/random/uuid)
	echo "$uuid" >"$dir/.testhost/host_uuid"
	cat >"$dir/etc/libvirt/libvirtd.conf" <<EOF
# generated by tests/harness/testhost.sh for test host $name
host_uuid = "$uuid"
listen_tls = 0
listen_tcp = 0
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "${TESTHOST_LOG_OUTPUTS:-3:file:$dir/libvirtd.log}"
${TESTHOST_LOG_FILTERS:+log_filters = \"$TESTHOST_LOG_FILTERS\"}
${TESTHOST_EXTRA_LIBVIRTD_CONF:-}
EOF
	cat >"$dir/etc/libvirt/qemu.conf" <<EOF
# generated by tests/harness/testhost.sh for test host $name
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
migration_port_min = $port
migration_port_max = $((port + 15))
remote_display_port_min = $((5900 + 20 * (idx % 100)))
remote_display_port_max = $((5900 + 20 * (idx % 100) + 19))
remote_websocket_port_min = $((5700 + 10 * (idx % 20)))
remote_websocket_port_max = $((5700 + 10 * (idx % 20) + 9))
${TESTHOST_EXTRA_QEMU_CONF:-}
EOF
}

# Starts libvirtd inside the host's namespaces (daemonized: it is adopted
# by the namespace's init, which reaps it).
_th_launch_daemon() {
	local dir=$1 init
	init=$(_th_init_pid "$dir") || { _th_log "$dir: namespace is gone"; return 1; }
	rm -f "$dir/run/libvirt/libvirt-sock" "$dir/run/libvirt/libvirt-sock-ro" \
		"$dir/run/libvirt/libvirt-admin-sock"
	nsenter -t "$init" -m -u -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C \
		"$TESTHOST_LIBVIRTD" -d --pid-file /run/libvirt/libvirtd.pid \
		--config /etc/libvirt/libvirtd.conf \
		</dev/null >>"$dir/libvirtd.stderr" 2>&1
}

# Waits until the daemon answers on its socket.
_th_wait_ready() {
	local name=$1 dir=$2 timeout=${TESTHOST_START_TIMEOUT:-20} uri t0 now
	uri=$(_th_uri "$dir")
	t0=$(date +%s%N)
	while :; do
		if timeout 5 virsh -q -c "$uri" version >/dev/null 2>&1; then
			return 0
		fi
		now=$(date +%s%N)
		if [ $(((now - t0) / 1000000000)) -ge "$timeout" ]; then
			break
		fi
		if [ $(((now - t0) / 1000000)) -gt 3000 ] && ! _th_daemon_pid "$dir" >/dev/null; then
			break	# died (give -d a moment to fork first)
		fi
		sleep 0.1
	done
	_th_log "host $name: libvirtd did not answer on $uri within ${timeout}s"
	_th_log "daemon pid: $(_th_daemon_pid "$dir" || echo 'none (exited)')"
	timeout 5 virsh -q -c "$uri" version 2>&1 | sed 's/^/testhost:   virsh: /' >&2
	_th_log_tails "$dir"
	return 1
}

_th_log_tails() {
	local f
	for f in "$1/libvirtd.stderr" "$1/libvirtd.log"; do
		[ -s "$f" ] || continue
		_th_log "--- tail of $f"
		tail -n 25 "$f" | sed 's/^/testhost:   /' >&2
	done
}

# testhost_start NAME DIR [MIGRATION_PORT_BASE]
testhost_start() {
	local name=${1:?testhost_start NAME DIR [PORT_BASE]} dir=${2:?testhost_start NAME DIR [PORT_BASE]}
	local port=${3:-} idx m upid init
	if [ "$(id -u)" -ne 0 ]; then
		_th_log "needs root (mount namespaces, libvirtd)"; return 1
	fi
	dir=$(_th_abs "$dir")
	if _th_init_pid "$dir" >/dev/null 2>&1; then
		_th_log "host $name at $dir is already running"; return 1
	fi
	local sock="$dir/run/libvirt/libvirt-sock"
	if [ ${#sock} -gt 100 ]; then
		_th_log "$dir: path too long for a unix socket ($sock)"; return 1
	fi
	idx=$TESTHOST_COUNT
	TESTHOST_COUNT=$((TESTHOST_COUNT + 1))
	[ -n "$port" ] || port=$((49152 + 32 * (idx % 400)))
	mkdir -p "$dir/.testhost" || return 1
	rm -f "$dir/.testhost/"*.pid "$dir/.testhost/ns-ready"
	for m in $TESTHOST_MOUNTS; do
		mkdir -p "$dir$m" "$m" || return 1
	done
	# 0755 as on a real host: an unprivileged container's init (uid 100000)
	# opens its console under /run/libvirt/lxc/NAME.devpts.  The sockets
	# keep their own modes (unix_sock_*_perms).
	chmod 755 "$dir/run/libvirt"
	local caps_cache=${TESTHOST_CAPS_CACHE-${TVE_TOP_BUILDDIR:+$TVE_TOP_BUILDDIR/tests/out/qemu-caps}}
	if [ -n "$caps_cache" ] && [ -d "$caps_cache" ] &&
		[ ! -d "$dir/var/cache/libvirt/qemu/capabilities" ]; then
		mkdir -p "$dir/var/cache/libvirt/qemu" &&
			cp -a "$caps_cache" "$dir/var/cache/libvirt/qemu/capabilities" 2>/dev/null
	fi
	echo "$name" >"$dir/.testhost/name"
	_th_write_conf "$name" "$dir" "$port" "$idx" || return 1

	# The namespace's init: bind-mounts the private dirs, sets the hostname
	# and then only reaps orphans (daemonized libvirtd, QEMU).  Killing it
	# kills everything in the PID namespace, and the mounts go with it.
	# It also hides a hybrid layout's cgroup2 mount, for libvirt LXC: with
	# v1 controllers on a tmpfs at /sys/fs/cgroup and a cgroup2 at
	# /sys/fs/cgroup/unified that holds a controller (here hugetlb),
	# libvirt uses both backends, and the v2 one bind-mounts
	# /sys/fs/cgroup/unified into the container before the v1 one has
	# mounted the tmpfs under it: mkdir fails on the container's fresh
	# sysfs ("Unable to create directory /sys/fs/cgroup/unified").
	# Without that mount, in this namespace only, libvirt sees plain v1.
	# shellcheck disable=SC2016
	local init_script='
		set -e
		dir=$1 name=$2; shift 2
		for m in "$@"; do mount --bind "$dir$m" "$m"; done
		if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] &&
			mountpoint -q /sys/fs/cgroup/unified; then
			umount -l /sys/fs/cgroup/unified
		fi
		hostname "$name"
		echo ok >"$dir/.testhost/ns-ready"
		trap "" TERM INT HUP
		while :; do sleep 3600 & wait $! || true; done'
	# shellcheck disable=SC2086
	unshare -m -u -p --fork --kill-child --mount-proc --propagation private -- \
		bash -c "$init_script" "testhost-init-$name" "$dir" "$name" $TESTHOST_MOUNTS \
		</dev/null >>"$dir/init.log" 2>&1 &
	upid=$!
	echo "$upid" >"$dir/.testhost/unshare.pid"
	for _ in $(seq 100); do
		[ -e "$dir/.testhost/ns-ready" ] && break
		kill -0 "$upid" 2>/dev/null || break
		sleep 0.05
	done
	init=$(pgrep -P "$upid" | head -n 1)
	if [ ! -e "$dir/.testhost/ns-ready" ] || [ -z "$init" ]; then
		_th_log "host $name: could not set up the namespace:"
		sed 's/^/testhost:   /' "$dir/init.log" >&2
		kill -KILL "$upid" 2>/dev/null; wait "$upid" 2>/dev/null
		return 1
	fi
	echo "$init" >"$dir/.testhost/init.pid"
	readlink "/proc/$init/ns/pid" >"$dir/.testhost/pidns"
	readlink "/proc/$init/ns/mnt" >"$dir/.testhost/mntns"
	TESTHOST_STARTED+=("$name:$dir")

	if ! _th_launch_daemon "$dir"; then
		_th_log "host $name: libvirtd failed to start"
		_th_log_tails "$dir"
		testhost_stop "$name" "$dir" >/dev/null 2>&1
		return 1
	fi
	if ! _th_wait_ready "$name" "$dir"; then
		testhost_stop "$name" "$dir" >/dev/null 2>&1
		return 1
	fi
	# Share the QEMU capabilities libvirt probed (~1.3 s per new host);
	# libvirt itself discards a cache that no longer matches, and then
	# the fresh one replaces it here.
	local caps="$dir/var/cache/libvirt/qemu/capabilities"
	if [ -n "$caps_cache" ] && [ -d "$caps" ] &&
		! diff -rq "$caps" "$caps_cache" >/dev/null 2>&1 &&
		mkdir -p "$(dirname "$caps_cache")" 2>/dev/null; then
		local tmpc="$caps_cache.tmp.$$"
		rm -rf "$tmpc"
		if cp -a "$caps" "$tmpc" 2>/dev/null; then
			rm -rf "$caps_cache.old.$$"
			[ -d "$caps_cache" ] && mv -T "$caps_cache" "$caps_cache.old.$$" 2>/dev/null
			mv -T "$tmpc" "$caps_cache" 2>/dev/null
			rm -rf "$caps_cache.old.$$"
		fi
		rm -rf "$tmpc"
	fi
	TESTHOST_NAME=$name
	TESTHOST_DIR=$dir
	TESTHOST_URI=$(_th_uri "$dir")
	TESTHOST_LXC_URI=$(testhost_lxc_uri "$dir")
	TESTHOST_DOMAIN_TYPE=$(testhost_domain_type "$dir")
	export TESTHOST_NAME TESTHOST_DIR TESTHOST_URI TESTHOST_LXC_URI TESTHOST_DOMAIN_TYPE
	return 0
}

# Waits up to $2 tenths of a second for pid $1 to go away.
_th_wait_gone() {
	local pid=$1 n=${2:-50}
	while [ "$n" -gt 0 ]; do
		[ -d "/proc/$pid" ] || return 0
		[ "$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" = Z ] && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

# testhost_kill_daemon [NAME DIR [SIGNAL]]: kills libvirtd only (default
# SIGKILL, like a crash); QEMU processes keep running in the namespace.
testhost_kill_daemon() {
	local name=${1:-${TESTHOST_NAME:-}} dir=${2:-${TESTHOST_DIR:-}} sig=${3:-KILL} pid
	[ -n "$dir" ] || { _th_log "testhost_kill_daemon: no host"; return 1; }
	dir=$(_th_abs "$dir")
	pid=$(_th_daemon_pid "$dir") || { _th_log "host $name: libvirtd is not running"; return 1; }
	kill -"$sig" "$pid" || return 1
	_th_wait_gone "$pid" 100 || { _th_log "host $name: libvirtd $pid ignores SIG$sig"; return 1; }
}

# testhost_restart_daemon [NAME DIR]: starts libvirtd again in the same
# namespaces and dirs (killing a running one first); it reconnects to the
# guests that are still running.
testhost_restart_daemon() {
	local name=${1:-${TESTHOST_NAME:-}} dir=${2:-${TESTHOST_DIR:-}}
	[ -n "$dir" ] || { _th_log "testhost_restart_daemon: no host"; return 1; }
	dir=$(_th_abs "$dir")
	if _th_daemon_pid "$dir" >/dev/null; then
		testhost_kill_daemon "$name" "$dir" TERM || testhost_kill_daemon "$name" "$dir" KILL || return 1
	fi
	if ! _th_launch_daemon "$dir"; then
		_th_log "host $name: libvirtd failed to start again"
		_th_log_tails "$dir"
		return 1
	fi
	_th_wait_ready "$name" "$dir"
}

# Runs a command inside the host's namespaces (sees its private /run/libvirt
# and /proc): testhost_nsenter DIR CMD...
testhost_nsenter() {
	local dir init
	dir=$(_th_abs "$1"); shift
	init=$(_th_init_pid "$dir") || { _th_log "$dir: namespace is gone"; return 1; }
	nsenter -t "$init" -m -u -p -- "$@"
}

# testhost_stop NAME DIR: destroys running guests (QEMU and LXC) and active networks
# through libvirt (so nothing outside the namespaces, e.g. a bridge, stays),
# stops libvirtd, then kills the namespace's init, which takes every
# remaining process and all the mounts with it.  Returns 1 if anything of
# the host survives.  DIR itself (logs) is left for the caller to remove.
testhost_stop() {
	local name=${1:-${TESTHOST_NAME:-}} dir=${2:-${TESTHOST_DIR:-}} uri u init upid pid d n rc=0
	[ -n "$dir" ] || { _th_log "testhost_stop: no host"; return 1; }
	dir=$(_th_abs "$dir")
	uri=$(_th_uri "$dir")
	if init=$(_th_init_pid "$dir"); then
		if _th_daemon_pid "$dir" >/dev/null &&
			timeout 5 virsh -q -c "$uri" version >/dev/null 2>&1; then
			for u in "$uri" "$(testhost_lxc_uri "$dir")"; do
				for d in $(timeout 10 virsh -q -c "$u" list --uuid 2>/dev/null); do
					timeout 10 virsh -q -c "$u" destroy "$d" >/dev/null 2>&1
				done
			done
			for n in $(timeout 10 virsh -q -c "$uri" net-list --name 2>/dev/null); do
				timeout 10 virsh -q -c "$uri" net-destroy "$n" >/dev/null 2>&1
			done
		fi
		if pid=$(_th_daemon_pid "$dir"); then
			kill -TERM "$pid" 2>/dev/null
			_th_wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null
		fi
		kill -KILL "$init" 2>/dev/null
		_th_wait_gone "$init" 50
	fi
	upid=$(cat "$dir/.testhost/unshare.pid" 2>/dev/null)
	if [ -n "$upid" ]; then
		# Reap it when it is our child; otherwise just wait for it to exit.
		if wait "$upid" 2>/dev/null; then :; fi
		_th_wait_gone "$upid" 30
	fi
	for n in $(seq 50); do
		[ -z "$(testhost_pids "$dir")" ] && break
		sleep 0.1
	done
	if ! testhost_check_clean "$dir"; then
		rc=1
	fi
	local keep=() h
	for h in "${TESTHOST_STARTED[@]}"; do
		[ "${h#*:}" = "$dir" ] || keep+=("$h")
	done
	TESTHOST_STARTED=("${keep[@]}")
	return $rc
}

# 0 when nothing of host DIR is left: no process in its PID or mount
# namespace, no mount of DIR visible here.  Says what is left otherwise.
testhost_check_clean() {
	local dir pidns mntns left=0 procs
	dir=$(_th_abs "$1")
	pidns=$(_th_ns_ino "$(cat "$dir/.testhost/pidns" 2>/dev/null)")
	mntns=$(_th_ns_ino "$(cat "$dir/.testhost/mntns" 2>/dev/null)")
	procs=$(ps -e -o pid=,pidns=,mntns=,stat=,args= |
		awk -v p="${pidns:-none}" -v m="${mntns:-none}" '($2 == p || $3 == m) && $4 !~ /^Z/')
	if [ -n "$procs" ]; then
		_th_log "left over processes of $dir:"
		echo "$procs" | sed 's/^/testhost:   /' >&2
		left=1
	fi
	if grep -qF " $dir" /proc/self/mountinfo; then
		_th_log "left over mounts of $dir:"; grep -F " $dir" /proc/self/mountinfo >&2
		left=1
	fi
	return $left
}

# Stops every host this shell started (for traps).
testhost_stop_all() {
	local h rc=0
	for h in "${TESTHOST_STARTED[@]}"; do
		testhost_stop "${h%%:*}" "${h#*:}" || rc=1
	done
	return $rc
}

# Command-line use.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=${1:-}; shift || true
	case "$cmd" in
	start)
		testhost_start "$@" || exit 1
		# The namespace outlives this process; stop it with "stop".
		echo "$TESTHOST_URI"
		;;
	stop) testhost_stop "$@" ;;
	kill-daemon) testhost_kill_daemon "$@" ;;
	restart-daemon) testhost_restart_daemon "$@" ;;
	uri) testhost_uri "$@" ;;
	lxc-uri) testhost_lxc_uri "$@" ;;
	domain-type) testhost_domain_type "$@" ;;
	pids) testhost_pids "$@" ;;
	nsenter) testhost_nsenter "$@" ;;
	check-clean) testhost_check_clean "$@" ;;
	*)
		echo "usage: $0 start NAME DIR [PORT_BASE] | stop NAME DIR | kill-daemon NAME DIR [SIG]" >&2
		echo "       | restart-daemon NAME DIR | uri DIR | lxc-uri DIR | domain-type [DIR] | pids DIR | check-clean DIR" >&2
		echo "       | nsenter DIR CMD..." >&2
		exit 2
		;;
	esac
fi
