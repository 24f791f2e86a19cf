#!/bin/bash
# test_golden_valid.sh - the golden XML of test_spec_xml is XML libvirt
# takes: every domain passes virt-xml-validate (libvirt's RelaxNG schema)
# and libvirt's own parser (test driver, no daemon); every volume passes
# the storagevol schema; the test-driver domain defines as it is.  TAP.
set -u
src=${TVE_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd -P)}
gold=$src/tests/golden
tmp=$(mktemp -d /tmp/tve-golden-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

domains=("$gold"/vm-*.xml)
volumes=("$gold"/vm-*.volumes)
[ -e "${domains[0]}" ] || { echo "Bail out! no golden XML in $gold"; exit 1; }
echo "1..$(( ${#domains[@]} * 2 + ${#volumes[@]} + 1 ))"

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

have_validate=false
command -v virt-xml-validate >/dev/null && have_validate=true
have_virsh=false
command -v virsh >/dev/null && have_virsh=true

for f in "${domains[@]}"; do
	b=$(basename "$f")
	if $have_validate; then
		out=$(virt-xml-validate "$f" domain 2>&1)
		result $? "$b validates against the domain schema" "$out"
	else
		skip "$b validates against the domain schema" "virt-xml-validate not installed (libvirt-clients)"
	fi
	# libvirt's parser checks what the schema cannot (addresses, values...);
	# the test driver runs it without a daemon
	if $have_virsh; then
		sed -e "s/<domain type='[a-z]*'>/<domain type='test'>/" -e '/<emulator>/d' "$f" >"$tmp/$b"
		out=$(virsh -q -c test:///default define "$tmp/$b" 2>&1)
		result $? "$b is parsed by libvirt" "$out"
	else
		skip "$b is parsed by libvirt" "virsh not installed (libvirt-clients)"
	fi
done

for f in "${volumes[@]}"; do
	b=$(basename "$f")
	if ! $have_validate; then
		skip "$b validate against the storagevol schema" "virt-xml-validate not installed"
		continue
	fi
	rm -f "$tmp"/vol-*.xml
	awk -v dir="$tmp" '{ print > sprintf("%s/vol-%03d.xml", dir, k) } /<\/volume>/ { k++ }' k=0 "$f"
	rc=0 out=
	for v in "$tmp"/vol-*.xml; do
		o=$(virt-xml-validate "$v" storagevol 2>&1) || { rc=1; out="$out$o"$'\n'; }
	done
	result $rc "$b validate against the storagevol schema" "$out"
done

if $have_virsh; then
	out=$(virsh -q -c test:///default define "$gold/vm-test.xml" 2>&1)
	result $? "vm-test.xml defines unchanged on the test driver" "$out"
else
	skip "vm-test.xml defines unchanged on the test driver" "virsh not installed"
fi
