#!/bin/bash
# test_pool_golden.sh - the golden pool XML of test_storage_spec is XML
# libvirt takes: every tests/golden/pool-*.xml passes virt-xml-validate
# (libvirt's storagepool RelaxNG schema) and libvirt's own parser (the test
# driver defines it, no daemon needed).  TAP.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd -P)}
gold=$src/tests/golden

pools=("$gold"/pool-*.xml)
[ -e "${pools[0]}" ] || { echo "Bail out! no golden pool XML in $gold"; exit 1; }
echo "1..$(( ${#pools[@]} * 2 ))"

n=0
result() {	# status description [output]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

for f in "${pools[@]}"; do
	b=$(basename "$f")
	if command -v virt-xml-validate >/dev/null; then
		out=$(virt-xml-validate "$f" storagepool 2>&1)
		result $? "$b validates against the storagepool schema" "$out"
	else
		skip "$b validates against the storagepool schema" "virt-xml-validate not installed (libvirt-clients)"
	fi
	if command -v virsh >/dev/null; then
		out=$(virsh -q -c test:///default pool-define "$f" 2>&1)
		result $? "$b is parsed by libvirt" "$out"
	else
		skip "$b is parsed by libvirt" "virsh not installed (libvirt-clients)"
	fi
done
