#!/usr/bin/env python3
"""
`make bench`: boot the kernel with the `bench` bootarg on 1 and 4 harts, on a
scratch copy of a fresh image, and print the results as a table.  Numbers are
wall-clock time under QEMU's emulation (TCG): compare runs on one machine only.
Results measured so far are recorded in docs/performance.md.
"""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import Qemu  # noqa: E402
from fsimg import disk_args, make_image  # noqa: E402


def run(cpus, img):
    vm = Qemu(cpus=cpus, bootargs="bench poweroff", extra=disk_args(img), name=f"bench{cpus}")
    try:
        vm.wait_boot()
        vm.expect(r"bench: done", timeout=600)
        vm.wait_exit(timeout=60)
    finally:
        vm.kill()
    return re.findall(r"^bench ([^:]+): (.*)$", vm.log, re.M)


def main():
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cpus in (1, 4):
            img = make_image(os.path.join(tmp, f"bench{cpus}.img"), "64M")
            results[cpus] = dict(run(cpus, img))
    names = list(results[1])
    width = max(len(n) for n in names)
    print(f"{'benchmark':<{width}}  {'1 hart':>24}  {'4 harts':>24}")
    for n in names:
        print(f"{n:<{width}}  {results[1].get(n, '-'):>24}  {results[4].get(n, '-'):>24}")


if __name__ == "__main__":
    main()
