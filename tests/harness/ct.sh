#!/bin/bash
# ct.sh - the busybox tree the container tests (test_ct.sh,
# test_remote_ct.sh) pack into their templates.
#
#   source tests/harness/ct.sh
#   testct_busybox_tree "$tmp/tmpl" "$(command -v busybox)" || fatal ...
#   tar --numeric-owner --xattrs --xattrs-include='*' -C "$tmp/tmpl" -czf busybox.tar.gz .
#
# Needs root (chgrp), a static busybox and setcap (libcap2-bin).

# testct_busybox_tree DIR BUSYBOX: busybox and its applets as links, an
# init that configures nothing and waits (SIGTERM ends it: libvirt's
# shutdown), root in /etc/passwd, /etc/group and /etc/shadow (group
# shadow, 42, mode 640), a loopback-only /etc/network/interfaces, and a
# setuid and a file-capability copy of busybox (bin/suidtest,
# bin/captest: an unprivileged container's shift keeps both).
testct_busybox_tree() {
	local r=$1 bb=$2 a
	mkdir -p "$r"/{bin,sbin,etc/network,root,proc,sys,dev,tmp,run,var} || return 1
	cp "$bb" "$r/bin/busybox" || return 1
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	cat >"$r/sbin/init" <<'INIT'
#!/bin/sh
# tve test container: configures nothing, waits for SIGTERM
trap 'exit 0' TERM
while :; do sleep 1 & wait $!; done
INIT
	chmod 755 "$r/sbin/init"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	printf 'root:x:0:\nshadow:x:42:\n' >"$r/etc/group"
	echo 'root:*:19000:0:99999:7:::' >"$r/etc/shadow"
	chgrp 42 "$r/etc/shadow" && chmod 640 "$r/etc/shadow"
	echo template >"$r/etc/hostname"
	printf 'auto lo\niface lo inet loopback\n' >"$r/etc/network/interfaces"
	install -m 4755 "$bb" "$r/bin/suidtest"
	cp "$bb" "$r/bin/captest" && setcap cap_net_raw+ep "$r/bin/captest"
}
