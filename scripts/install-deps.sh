#!/bin/sh
# Installs every Debian package the project needs to build, boot, debug and test
# the kernel. The Makefile runs this when a tool is missing; run it by hand on a
# fresh Debian machine if you like. Uses sudo when not root.
set -e

PACKAGES="make qemu-system-misc gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
picolibc-riscv64-unknown-elf opensbi gdb-multiarch python3 python3-pytest
python3-pexpect python3-pytest-xdist check pkg-config gcc libc6-dev bear clang-format device-tree-compiler
python3-matplotlib"

SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

echo "install-deps: installing$missing"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
