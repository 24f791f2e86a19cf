#!/bin/bash
# Installs what tve needs on Debian 12 (as root), then builds it in place.
# Safe to run again: it installs only what is missing and rebuilds.
# --deps-only: install the packages, do not build.
set -e
cd "$(dirname "$0")/.."

PKGS="build-essential autoconf automake libtool pkg-config
 libncurses-dev libvirt-dev libxml2-dev libssh-dev libjson-c-dev
 libcurl4-openssl-dev libinih-dev libcmocka-dev libcrypt-dev
 libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-daemon-driver-lxc
 libvirt-clients qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools
 debootstrap busybox-static e2fsprogs tar gzip xz-utils zstd libcap2-bin lvm2 openssl
 openssh-server tmux htop python3 python3-pyte iproute2 util-linux procps"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi

[ "${1:-}" = --deps-only ] && exit 0

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	./autogen.sh
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
	./configure ${TVE_CONFIGURE_FLAGS:---enable-werror}
fi
make -j"$(nproc)"
