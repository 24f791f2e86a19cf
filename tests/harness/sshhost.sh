#!/bin/bash
# sshhost.sh - private libvirt "hosts" reachable only over SSH, as remote
# nodes are: each one is a testhost.sh host (private libvirtd in its own
# mount, UTS and PID namespaces) that also lives in its own network
# namespace, joined to the machine by a veth pair, with an sshd of its own.
# Needs root.
#
#   machine side  tvhINDEXxPID  10.231.INDEX.1/24
#   host side     eth0          10.231.INDEX.2/24   (netns tve-NAME-PID)
#
# sshd (-D, ListenAddress 10.231.INDEX.2:22, key login only) runs inside all
# of the host's namespaces (mount, UTS, PID and net), so a remote command
# sees the host's private /run/libvirt and hostname: plain
# qemu+ssh://root@IP/system reaches that host's daemon, as on a real node.
# The URIs carry no socket=: with socket= libvirt's remote side runs
# "nc -U SOCKET", and there is no nc on these machines; without it libvirt
# runs virt-ssh-helper (libvirt-clients), which finds /run/libvirt/libvirt-sock
# -- the private one.  libvirt's ssh transport (the OpenSSH binary) ignores
# known_hosts=, so SSHHOST_URI also names a wrapper, command=DIR/ssh, that
# passes UserKnownHostsFile (override: SSHHOST_SSH_KNOWN_HOSTS) and
# ConnectTimeout=3 (SSHHOST_SSH_CONNECT_TIMEOUT); note that libvirt does not
# pass arbitrary environment to it (copy the wrapper to change the file).
#
# Library use (bash):
#   source tests/harness/testhost.sh
#   source tests/harness/sshhost.sh
#   trap sshhost_stop_all EXIT
#   sshhost_start n1 "$tmp/n1" 1 || exit 1   # sets SSHHOST_URI etc.
#   virsh -c "$SSHHOST_URI" list --all
#   sshhost_cut n1 "$tmp/n1"                  # machine-side veth down
#   sshhost_restore n1 "$tmp/n1"              # and up again
#   sshhost_stop n1 "$tmp/n1"                 # sshd, libvirtd, veth, netns: gone
#
# After sshhost_start (also TESTHOST_URI etc. for the local socket):
#   SSHHOST_IP            10.231.INDEX.2
#   SSHHOST_KEY           DIR/id_ed25519 (client key; root's authorized key)
#   SSHHOST_KNOWN_HOSTS   DIR/known_hosts (holds the host's ed25519 key)
#   SSHHOST_URI           qemu+ssh://root@IP/system?keyfile=..&known_hosts=..&no_tty=1&command=DIR/ssh
#   SSHHOST_LIBSSH_URI    qemu+libssh://root@IP/system?keyfile=..&known_hosts=..&known_hosts_verify=normal&sshauth=privkey
#   SSHHOST_NETNS         the network namespace's name
#   SSHHOST_NAME, SSHHOST_DIR
# Files: DIR/sshd_config, DIR/sshd.log (+ sshd.stderr), DIR/ssh_host_ed25519_key,
# DIR/ssh (the client wrapper above),
# DIR/authorized_keys, DIR/sshd.pid (pid inside the host's PID namespace),
# DIR/.sshhost/ (netns and veth names, ip).  The libvirt side is testhost.sh's
# (DIR/.testhost, DIR/run/libvirt, ...): testhost_* functions work on DIR.
# Also: sshhost_ssh DIR CMD... (ssh as root into the host, batch mode),
# sshhost_check_clean DIR, sshhost_stop_all.
#
# Command line: sshhost.sh start NAME DIR INDEX (prints the URI; the host
# outlives the process) | stop|cut|restore NAME DIR | check-clean DIR
#
# INDEX (1..254) picks the subnet: hosts running at the same time, in any
# test, need distinct indexes.

if ! declare -F testhost_start >/dev/null; then
	# shellcheck source=testhost.sh
	source "$(dirname "${BASH_SOURCE[0]}")/testhost.sh"
fi
SSHHOST_SSHD=${SSHHOST_SSHD:-/usr/sbin/sshd}
[ -n "${SSHHOST_STARTED+x}" ] || declare -ga SSHHOST_STARTED=()

_sh_log() { echo "sshhost: $*" >&2; }

# Options for the OpenSSH client against host DIR.
_sh_ssh_opts() {
	echo "-i $1/id_ed25519 -o UserKnownHostsFile=$1/known_hosts -o GlobalKnownHostsFile=/dev/null" \
		"-o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=3" \
		"-o IdentitiesOnly=yes -o LogLevel=ERROR"
}

# sshhost_ssh DIR CMD...: runs CMD as root on host DIR over SSH.
sshhost_ssh() {
	local dir ip
	dir=$(_th_abs "$1"); shift
	ip=$(cat "$dir/.sshhost/ip" 2>/dev/null) || return 255
	# shellcheck disable=SC2046,SC2029
	ssh $(_sh_ssh_opts "$dir") "root@$ip" "$@"
}

_sh_uris() {	# _sh_uris DIR IP: sets SSHHOST_URI and SSHHOST_LIBSSH_URI
	local dir=$1 ip=$2 q
	q="keyfile=$dir/id_ed25519&known_hosts=$dir/known_hosts"
	SSHHOST_URI="qemu+ssh://root@$ip/system?$q&no_tty=1&command=$dir/ssh"
	SSHHOST_LIBSSH_URI="qemu+libssh://root@$ip/system?$q&known_hosts_verify=normal&sshauth=privkey"
}

# sshhost_start NAME DIR INDEX
sshhost_start() {
	local name=${1:?sshhost_start NAME DIR INDEX} dir=${2:?sshhost_start NAME DIR INDEX}
	local idx=${3:?sshhost_start NAME DIR INDEX} ns vh ip hip init i
	if [ "$(id -u)" -ne 0 ]; then _sh_log "needs root"; return 1; fi
	case "$idx" in ''|*[!0-9]*) _sh_log "bad INDEX $idx"; return 1 ;; esac
	if [ "$idx" -lt 1 ] || [ "$idx" -gt 254 ]; then _sh_log "INDEX must be 1..254"; return 1; fi
	dir=$(_th_abs "$dir")
	ns="tve-$name-$$"
	vh="tvh${idx}x$$"
	vh=${vh:0:15}
	ip="10.231.$idx.2" hip="10.231.$idx.1"
	if ip -4 addr show | grep -q " $hip/"; then
		_sh_log "10.231.$idx.0/24 is in use already (INDEX $idx)"; return 1
	fi
	mkdir -p "$dir/.sshhost" || return 1
	echo "$ns" >"$dir/.sshhost/netns"
	echo "$vh" >"$dir/.sshhost/veth"
	echo "$ip" >"$dir/.sshhost/ip"
	echo "$name" >"$dir/.sshhost/name"
	SSHHOST_STARTED+=("$name:$dir")

	# Network: namespace, veth pair, addresses, loopback.
	if ! { ip netns add "$ns" &&
		ip link add "$vh" type veth peer name eth0 netns "$ns" &&
		ip addr add "$hip/24" dev "$vh" &&
		ip link set "$vh" up &&
		ip -n "$ns" link set lo up &&
		ip -n "$ns" addr add "$ip/24" dev eth0 &&
		ip -n "$ns" link set eth0 up; }; then
		_sh_log "host $name: network setup failed"
		sshhost_stop "$name" "$dir" >/dev/null 2>&1
		return 1
	fi

	# The private libvirtd, started from inside the network namespace:
	# its unshare (mount, UTS, PID) inherits it, and so does everything the
	# daemon starts.  Only the netns is switched (not "ip netns exec", which
	# also remounts /sys and so hides the cgroup mounts).  Distinct
	# migration ports per index, like testhost's own numbering.
	# shellcheck disable=SC2016
	if ! nsenter --net="/run/netns/$ns" -- bash -c \
		'source "$1"; shift; testhost_start "$@"' _ \
		"$(dirname "${BASH_SOURCE[0]}")/testhost.sh" "$name" "$dir" $((49152 + 32 * (200 + idx % 200))); then
		_sh_log "host $name: private libvirtd failed"
		sshhost_stop "$name" "$dir" >/dev/null 2>&1
		return 1
	fi
	init=$(_th_init_pid "$dir")

	# Keys and sshd.
	rm -f "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ed25519_key.pub" \
		"$dir/id_ed25519" "$dir/id_ed25519.pub"
	if ! { ssh-keygen -q -t ed25519 -N '' -C "sshhost-$name" -f "$dir/ssh_host_ed25519_key" &&
		ssh-keygen -q -t ed25519 -N '' -C "sshhost-client-$name" -f "$dir/id_ed25519"; } </dev/null; then
		_sh_log "host $name: ssh-keygen failed"
		sshhost_stop "$name" "$dir" >/dev/null 2>&1
		return 1
	fi
	cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
	# libvirt's ssh transport (the OpenSSH binary) ignores known_hosts=:
	# the URI's command= names this wrapper, which adds it and a connect
	# timeout.  SSHHOST_SSH_KNOWN_HOSTS (environment) overrides the file.
	cat >"$dir/ssh" <<EOF
#!/bin/sh
exec ssh -o UserKnownHostsFile="\${SSHHOST_SSH_KNOWN_HOSTS:-$dir/known_hosts}" \\
	-o GlobalKnownHostsFile=/dev/null -o ConnectTimeout=\${SSHHOST_SSH_CONNECT_TIMEOUT:-3} \\
	-o IdentitiesOnly=yes "\$@"
EOF
	chmod 755 "$dir/ssh"
	echo "$ip $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
	cat >"$dir/sshd_config" <<EOF
# generated by tests/harness/sshhost.sh for test host $name
ListenAddress $ip:22
HostKey $dir/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
Subsystem sftp internal-sftp
EOF
	mkdir -p /run/sshd && chmod 755 /run/sshd
	rm -f "$dir/sshd.pid"
	# In every namespace of the host: a remote command sees its /run/libvirt
	# and its hostname; killing the namespace's init takes sshd too.
	nsenter -t "$init" -m -u -p -n -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
		"$SSHHOST_SSHD" -D -f "$dir/sshd_config" -E "$dir/sshd.log" \
		</dev/null >>"$dir/sshd.stderr" 2>&1 &
	echo $! >"$dir/.sshhost/nsenter.pid"
	for i in $(seq 100); do
		if sshhost_ssh "$dir" true </dev/null 2>/dev/null; then
			break
		fi
		if [ "$i" -eq 100 ] || ! kill -0 "$(cat "$dir/.sshhost/nsenter.pid")" 2>/dev/null; then
			_sh_log "host $name: sshd does not answer on $ip:22"
			cat "$dir/sshd.log" "$dir/sshd.stderr" 2>/dev/null | sed 's/^/sshhost:   /' >&2
			sshhost_stop "$name" "$dir" >/dev/null 2>&1
			return 1
		fi
		sleep 0.05
	done
	SSHHOST_NAME=$name SSHHOST_DIR=$dir SSHHOST_IP=$ip SSHHOST_NETNS=$ns
	SSHHOST_KEY=$dir/id_ed25519 SSHHOST_KNOWN_HOSTS=$dir/known_hosts
	_sh_uris "$dir" "$ip"
	TESTHOST_NAME=$name
	TESTHOST_DIR=$dir
	TESTHOST_URI=$(_th_uri "$dir")
	TESTHOST_LXC_URI=$(testhost_lxc_uri "$dir")
	TESTHOST_DOMAIN_TYPE=$(testhost_domain_type "$dir")
	export SSHHOST_NAME SSHHOST_DIR SSHHOST_IP SSHHOST_NETNS SSHHOST_KEY SSHHOST_KNOWN_HOSTS \
		SSHHOST_URI SSHHOST_LIBSSH_URI TESTHOST_NAME TESTHOST_DIR TESTHOST_URI \
		TESTHOST_LXC_URI TESTHOST_DOMAIN_TYPE
	return 0
}

# sshhost_cut NAME DIR / sshhost_restore NAME DIR: the machine-side veth
# down / up.  While cut, an "unreachable" route for 10.231.INDEX.0/24 keeps
# the packets from leaking to the default gateway: new connections fail at
# once ("No route to host"); established TCP sessions get no answers and
# stall, as with a frozen peer (libvirt keepalive notices).
sshhost_cut() {
	local dir vh ip
	dir=$(_th_abs "${2:?sshhost_cut NAME DIR}")
	vh=$(cat "$dir/.sshhost/veth" 2>/dev/null) || return 1
	ip=$(cat "$dir/.sshhost/ip" 2>/dev/null) || return 1
	ip link set "$vh" down || return 1
	# Without it the kernel skips the link-down route and sends the
	# host's packets to the default gateway.
	ip route replace unreachable "${ip%.*}.0/24" metric 4000
}
sshhost_restore() {
	local dir vh ip
	dir=$(_th_abs "${2:?sshhost_restore NAME DIR}")
	vh=$(cat "$dir/.sshhost/veth" 2>/dev/null) || return 1
	ip=$(cat "$dir/.sshhost/ip" 2>/dev/null) || return 1
	ip route del unreachable "${ip%.*}.0/24" metric 4000 2>/dev/null
	ip link set "$vh" up || return 1
	# Wait for the route (the address comes back with the link).
	for _ in $(seq 50); do
		ip -4 route show dev "$vh" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	return 1
}

# sshhost_stop NAME DIR: sshd, the private libvirtd and its guests
# (testhost_stop), every other process in the netns, the veth and the
# netns.  Returns 1 if anything is left (and says what).
sshhost_stop() {
	local name=${1:-} dir=${2:?sshhost_stop NAME DIR} ns vh ip p pid rc=0
	dir=$(_th_abs "$dir")
	ns=$(cat "$dir/.sshhost/netns" 2>/dev/null)
	vh=$(cat "$dir/.sshhost/veth" 2>/dev/null)
	for pid in $(testhost_pids "$dir" sshd); do
		kill -TERM "$pid" 2>/dev/null
	done
	p=$(cat "$dir/.sshhost/nsenter.pid" 2>/dev/null)
	if [ -n "$p" ]; then
		_th_wait_gone "$p" 30 || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	fi
	if [ -e "$dir/.testhost/init.pid" ]; then
		testhost_stop "$name" "$dir" || rc=1
	fi
	if [ -n "$ns" ] && [ -e "/run/netns/$ns" ]; then
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		for _ in $(seq 30); do
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && break
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null
	fi
	# Deleting the netns deletes its veth end and so the pair; be sure.
	if [ -n "$vh" ] && ip link show "$vh" >/dev/null 2>&1; then
		ip link del "$vh" 2>/dev/null
	fi
	ip=$(cat "$dir/.sshhost/ip" 2>/dev/null)
	[ -n "$ip" ] && ip route del unreachable "${ip%.*}.0/24" metric 4000 2>/dev/null
	sshhost_check_clean "$dir" || rc=1
	local keep=() h
	for h in "${SSHHOST_STARTED[@]}"; do
		[ "${h#*:}" = "$dir" ] || keep+=("$h")
	done
	SSHHOST_STARTED=("${keep[@]}")
	return $rc
}

# 0 when nothing of host DIR is left: no netns, no veth, no process in the
# netns, nothing of the testhost (testhost_check_clean).
sshhost_check_clean() {
	local dir ns vh ip left=0
	dir=$(_th_abs "$1")
	ns=$(cat "$dir/.sshhost/netns" 2>/dev/null)
	vh=$(cat "$dir/.sshhost/veth" 2>/dev/null)
	if [ -n "$ns" ] && ip netns list | awk '{print $1}' | grep -qxF "$ns"; then
		_sh_log "left over netns $ns (pids: $(ip netns pids "$ns" | tr '\n' ' '))"
		left=1
	fi
	if [ -n "$vh" ] && ip link show "$vh" >/dev/null 2>&1; then
		_sh_log "left over veth $vh"; left=1
	fi
	ip=$(cat "$dir/.sshhost/ip" 2>/dev/null)
	if [ -n "$ip" ] && ip route show | grep -qF "${ip%.*}.0/24"; then
		_sh_log "left over route: $(ip route show | grep -F "${ip%.*}.0/24")"; left=1
	fi
	if [ -e "$dir/.testhost/pidns" ]; then
		testhost_check_clean "$dir" || left=1
	fi
	return $left
}

sshhost_stop_all() {
	local h rc=0
	for h in "${SSHHOST_STARTED[@]}"; do
		sshhost_stop "${h%%:*}" "${h#*:}" || rc=1
	done
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=${1:-}; shift || true
	case "$cmd" in
	start) sshhost_start "$@" || exit 1; echo "$SSHHOST_URI" ;;
	stop) sshhost_stop "$@" ;;
	cut) sshhost_cut "$@" ;;
	restore) sshhost_restore "$@" ;;
	check-clean) sshhost_check_clean "$@" ;;
	*)
		echo "usage: $0 start NAME DIR INDEX | stop|cut|restore NAME DIR | check-clean DIR" >&2
		exit 2
		;;
	esac
fi
