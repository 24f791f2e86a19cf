#!/bin/bash
# test_download.sh - Download from URL through the backend into a dir pool
# of a real private libvirtd.  Starts a private host with a dir pool
# "local" (holding test.iso) and, when a tmpfs can be mounted, a 1 MiB pool
# "tiny" (disk full); makes a throwaway CA and a server certificate for
# 127.0.0.1 with openssl; starts tests/integration/httpd.py twice (HTTP and
# HTTPS) on 127.0.0.1; then runs the cmocka program itest_download (TAP).
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${TVE_TOP_BUILDDIR:-$src}
prog=$build/tests/integration/itest_download
# shellcheck source=../harness/testhost.sh
source "$src/tests/harness/testhost.sh"

tmp=$(mktemp -d /tmp/tve-download.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	testhost_stop_all >/dev/null 2>&1
	mountpoint -q "$tmp/tiny" && umount "$tmp/tiny"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fatal() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

[ -x "$prog" ] || fatal "itest_download not built ($prog); run make check"
command -v openssl >/dev/null || fatal "openssl is missing (package openssl)"
[ -x /usr/bin/python3 ] || fatal "/usr/bin/python3 is missing (package python3)"

# Files to serve: random data, so a wrong byte shows in the checksum.
www=$tmp/www
mkdir -p "$www" "$tmp/pool" "$tmp/tiny"
head -c 3145728 /dev/urandom >"$www/small.iso" || fatal "cannot make small.iso"
head -c 8388608 /dev/urandom >"$www/big.iso" || fatal "cannot make big.iso"
head -c 67108864 /dev/urandom >"$www/huge.iso" || fatal "cannot make huge.iso"

# A CA of our own and a certificate for 127.0.0.1 signed by it.
(
	cd "$tmp" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout ca.key -out ca.pem -days 2 -subj "/CN=tve test CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout srv.key -out srv.csr -subj "/CN=127.0.0.1" &&
	printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=CA:FALSE" \
		"keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
		-out srv.pem -days 2 -extfile srv.ext
) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log"; fatal "openssl could not make the test CA"; }

start_httpd() {	# PORTFILE [CERT KEY]
	/usr/bin/python3 "$src/tests/integration/httpd.py" "$www" "$@" 2>>"$tmp/httpd.log" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
start_httpd "$tmp/http.port" || fatal "httpd.py (HTTP) did not start: $(tail -3 "$tmp/httpd.log")"
start_httpd "$tmp/https.port" "$tmp/srv.pem" "$tmp/srv.key" ||
	fatal "httpd.py (HTTPS) did not start: $(tail -3 "$tmp/httpd.log")"

# A small file system to fill (before the host starts, so it sees it too).
tiny=0
mount -t tmpfs -o size=1m,mode=0755 tve-dl-tiny "$tmp/tiny" 2>/dev/null && tiny=1

H1=$tmp/h1
testhost_start d1 "$H1" || fatal "private libvirtd d1 did not start"
V() { virsh -q -c "$TESTHOST_URI" "$@" >/dev/null; }
V pool-define-as local dir --target "$tmp/pool" && V pool-start local ||
	fatal "could not make pool local"
if [ "$tiny" = 1 ]; then
	V pool-define-as tiny dir --target "$tmp/tiny" && V pool-start tiny ||
		fatal "could not make pool tiny"
fi
head -c 1048576 /dev/zero >"$tmp/pool/test.iso"
V pool-refresh local || fatal "could not refresh pool local"

# Proxies of the environment must not see the local server.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
export TVE_TEST_URI=$TESTHOST_URI
export TVE_TEST_NODE=d1
export TVE_TEST_STATE_DIR=$tmp/state
export TVE_TEST_POOL_DIR=$tmp/pool
export TVE_TEST_TINY=$tiny
export TVE_TEST_HTTP=http://127.0.0.1:$(cat "$tmp/http.port")
export TVE_TEST_HTTPS=https://127.0.0.1:$(cat "$tmp/https.port")
export TVE_TEST_CA=$tmp/ca.pem
export TVE_TEST_SMALL_SHA256=$(sha256sum "$www/small.iso" | cut -d' ' -f1)
export TVE_TEST_SMALL_SHA512=$(sha512sum "$www/small.iso" | cut -d' ' -f1)
export TVE_TEST_HUGE_SHA256=$(sha256sum "$www/huge.iso" | cut -d' ' -f1)
export CMOCKA_MESSAGE_OUTPUT=${CMOCKA_MESSAGE_OUTPUT:-TAP}
unset TVE_CA_FILE
mkdir -p "$TVE_TEST_STATE_DIR"
echo "# host d1: $TESTHOST_URI; $TVE_TEST_HTTP, $TVE_TEST_HTTPS; tiny pool: $tiny"

"$prog" | tee "$tmp/tap"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	echo "# itest_download exited with $rc; httpd log tail:"
	tail -n 15 "$tmp/httpd.log" 2>/dev/null | sed 's/^/#   /'
fi
if ! testhost_stop d1 "$H1"; then
	echo "not ok $(($(grep -cE '^(not )?ok [0-9]' "$tmp/tap") + 1)) - private host d1 left something behind"
	rc=1
fi
exit "$rc"
