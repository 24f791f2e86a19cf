#!/bin/bash
# test_remote_ct.sh - Download from URL, Create CT and the Debian template
# on a node reached over ssh (TAP): one private libvirt host in its own
# network namespace with its own sshd (tests/harness/sshhost.sh, index 41),
# a directory pool "local" on it holding a busybox template, a template that
# is not a tarball (a name to quote for the node's shell) and one without
# /sbin/init, and tests/integration/httpd.py serving files on 127.0.0.1.
# Then runs itest_remote_ct, whose backend has the host twice: as an ssh
# node and as a local one (its unix socket), to compare the two ways.  The
# sshd shares this machine's file system, so what lands on the node can be
# checked here at the same path.
# Containers get an isolated libvirt network "ctnet" of the host: one with
# no network device would share the host's network namespace, whose sysfs
# an unprivileged container cannot mount writable.
#
# The node's libvirt connection uses the OpenSSH transport (lxc+ssh, through
# sshhost's wrapper); tve's own ssh layer (the transfers) is libssh either
# way.  TVE_TEST_LIBVIRT_TRANSPORT=libssh uses lxc+libssh instead: libvirt
# 9.0's client then crashes (SIGSEGV in the glib loop under
# virNetClientSendWithReply) as soon as another node shares the process.
#
# debootstrap takes a minute or more over the network: the template test
# runs tve's real path (debootstrap, tar, the transfer) with a stand-in
# debootstrap bind-mounted over /usr/sbin/debootstrap in a mount namespace
# of the test's own, which copies the busybox tree plus 32 MiB of random
# data (a template-sized tarball).  TVE_TEST_REAL_DEBOOTSTRAP=1 uses the
# real one (TVE_TEST_MIRROR).
# Needs root, busybox-static, e2fsprogs, libcap2-bin, python3, openssh.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_remote_ct
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"
# shellcheck source=../harness/sshhost.sh
source "$src/tests/harness/sshhost.sh"
# shellcheck source=../harness/ct.sh
source "$src/tests/harness/ct.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (namespaces, libvirtd, sshd)"
	exit 0
fi

tmp=$(mktemp -d /tmp/tve-remote-ct.XXXXXX)
# an unprivileged container's init (uid 100000) must reach its root in the pool
chmod 711 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	sshhost_stop_all >/dev/null 2>&1
	testhost_stop_all >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {	# a setup step failed: report it as a TAP failure
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_remote_ct not built ($prog); run make check"
for t in busybox mkfs.ext4 setcap getcap nsenter unshare; do
	command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
		fatal "$t is missing (packages: busybox-static e2fsprogs libcap2-bin util-linux)"
done
[ -x /usr/bin/python3 ] || fatal "/usr/bin/python3 is missing (package python3)"
bb=$(command -v busybox)
ldd "$bb" >/dev/null 2>&1 && fatal "$bb is linked dynamically: the test template needs busybox-static"

pool=$tmp/pool www=$tmp/www
mkdir -p "$pool" "$www" "$tmp/scratch" "$tmp/tmp" "$tmp/state" || fatal "mkdir in $tmp"
# The busybox template of tests/harness/ct.sh (the unprivileged shift and
# the transfer keep its setuid and file-capability copies).
testct_busybox_tree "$tmp/tmpl" "$bb" || fatal "could not make the busybox template"
tar --numeric-owner --xattrs --xattrs-include='*' -C "$tmp/tmpl" -czf "$pool/busybox.tar.gz" . ||
	fatal "could not pack the template"
echo "this is not a tarball" >"$pool/it's broken.tar.gz"
mv "$tmp/tmpl/sbin/init" "$tmp/init.moved"
tar --numeric-owner --xattrs --xattrs-include='*' -C "$tmp/tmpl" -czf "$pool/noinit.tar.gz" . ||
	fatal "could not pack the template without init"
mv "$tmp/init.moved" "$tmp/tmpl/sbin/init"

# Files to download: random, so a wrong byte shows in the checksum.
head -c 8388608 /dev/urandom >"$www/small.iso" || fatal "cannot make small.iso"
head -c 134217728 /dev/urandom >"$www/big.iso" || fatal "cannot make big.iso"
/usr/bin/python3 "$src/tests/integration/httpd.py" "$www" "$tmp/http.port" 2>>"$tmp/httpd.log" &
pids+=($!)
for _ in $(seq 100); do
	[ -s "$tmp/http.port" ] && break
	sleep 0.1
done
[ -s "$tmp/http.port" ] || fatal "httpd.py did not start: $(tail -3 "$tmp/httpd.log")"

# The stand-in debootstrap: what tve asks of the real one (the target
# filled, progress on fd 3), from the busybox tree plus random data.
cat >"$tmp/debootstrap" <<'DBS'
#!/bin/sh
# tve test stand-in for debootstrap: ARGS... SUITE TARGET MIRROR
for a; do case $a in --*) ;; *) set -- "$@" "$a" ;; esac; shift; done
target=$2
printf 'P: 1 2 DOWNDEBS\nPF: Retrieving packages\n' >&3
mkdir -p "$target" && cp -a "$TVE_TEST_TREE/." "$target/" &&
	head -c 33554432 /dev/urandom >"$target/var/filler" || exit 1
printf 'P: 2 2 DOWNDEBS\nPF: Retrieving packages\nI: BASESUCCESS\nIF: Base system installed successfully.\n' >&3
DBS
chmod 755 "$tmp/debootstrap"

H=$tmp/h
sshhost_start r41 "$H" 41 >/dev/null || fatal "ssh test host r41 did not start"
V() { virsh -q -c "$TESTHOST_LXC_URI" "$@" >/dev/null; }
V pool-define-as local dir --target "$pool" && V pool-start local ||
	fatal "could not make pool local"
echo "<network><name>ctnet</name><bridge name='tvect41br'/></network>" >"$tmp/ctnet.xml"
V net-define "$tmp/ctnet.xml" && V net-start ctnet || fatal "could not make network ctnet"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy SSH_AUTH_SOCK
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
if [ "${TVE_TEST_LIBVIRT_TRANSPORT:-ssh}" = libssh ]; then
	TVE_TEST_NODE_URI="lxc+${SSHHOST_LIBSSH_URI#qemu+}"
else
	TVE_TEST_NODE_URI="lxc+${SSHHOST_URI#qemu+}"
fi
export TVE_TEST_NODE_URI
export TVE_TEST_TARGET="root@$SSHHOST_IP" TVE_TEST_KEY=$SSHHOST_KEY
export TVE_TEST_KNOWN_HOSTS=$SSHHOST_KNOWN_HOSTS
export TVE_TEST_LXC_URI=$TESTHOST_LXC_URI TVE_TEST_POOL=local TVE_TEST_POOL_DIR=$pool
export TVE_TEST_NETWORK=ctnet
TVE_TEST_HTTP=http://127.0.0.1:$(cat "$tmp/http.port")
export TVE_TEST_HTTP
TVE_TEST_SMALL_SHA256=$(sha256sum "$www/small.iso" | cut -d' ' -f1)
TVE_TEST_BIG_SHA256=$(sha256sum "$www/big.iso" | cut -d' ' -f1)
export TVE_TEST_SMALL_SHA256 TVE_TEST_BIG_SHA256 TVE_TEST_WWW=$www
export TVE_TEST_SCRATCH=$tmp/scratch TVE_TEST_STATE_DIR=$tmp/state TMPDIR=$tmp/tmp
export TVE_TEST_TREE=$tmp/tmpl
export TVE_TEST_HOST_EXEC="bash '$src/tests/harness/testhost.sh' nsenter '$H'"
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
unset TVE_CA_FILE
echo "# host r41: $TVE_TEST_TARGET, pool $pool, $TVE_TEST_HTTP"

t0=$(date +%s)
if [ "${TVE_TEST_REAL_DEBOOTSTRAP:-0}" = 1 ]; then
	"$prog" | tee "$tmp/tap"
else
	export TVE_TEST_FAKE_DEBOOTSTRAP=1
	# shellcheck disable=SC2016
	unshare -m --propagation private sh -c \
		'mount --bind "$1" /usr/sbin/debootstrap && exec "$2"' _ "$tmp/debootstrap" "$prog" |
		tee "$tmp/tap"
fi
rc=${PIPESTATUS[0]}
echo "# itest_remote_ct: $(($(date +%s) - t0)) s"
if [ "$rc" -ne 0 ]; then
	echo "# itest_remote_ct exited with $rc; logs:"
	tail -n 10 "$H/sshd.log" 2>/dev/null | sed 's/^/#   sshd: /'
	tail -n 10 "$H/libvirtd.log" 2>/dev/null | sed 's/^/#   libvirtd: /'
	for f in "$H"/var/log/libvirt/lxc/*.log; do
		[ -f "$f" ] && tail -n 5 "$f" | sed "s|^|#   $(basename "$f"): |"
	done
fi
n=$(grep -cE '^(not )?ok [0-9]' "$tmp/tap")
if ! sshhost_stop r41 "$H" >/dev/null 2>&1 || ! sshhost_check_clean "$H" >/dev/null 2>&1; then
	echo "not ok $((n + 1)) - ssh test host r41 left something behind"
	rc=1
fi
exit "$rc"
