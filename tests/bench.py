#!/usr/bin/env python3
"""
`make bench`: boot the kernel with the `bench` bootarg on 1 and 4 harts, on a
scratch copy of a fresh image, and print the results as a table; then the
scheduler rows again under every other policy (bootargs sched=NAME).  Numbers
are wall-clock time under QEMU's emulation (TCG): compare runs on one machine
only.  Results measured so far are recorded in docs/performance.md.
"""

import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import Qemu  # noqa: E402
from fsimg import disk_args, make_image  # noqa: E402


POLICIES = ["mlfq", "lottery", "stride", "cfs"]
SCHED_ROWS = ("yield,", "wait-queue ping-pong,")


def run(cpus, img, bootargs=""):
    vm = Qemu(cpus=cpus, bootargs=f"{bootargs} bench poweroff".strip(), extra=disk_args(img),
              name=f"bench{cpus}")
    try:
        vm.wait_boot()
        vm.expect(r"bench: done", timeout=600)
        vm.wait_exit(timeout=60)
    finally:
        vm.kill()
    return re.findall(r"^bench ([^:]+): (.*)$", vm.log, re.M)


def run_vm(cpus, img, swap):
    """The virtual-memory benchmarks: user/bin/vmbench at the shell, with swap."""
    vm = Qemu(cpus=cpus, extra=disk_args(img, swap), name=f"vmbench{cpus}")
    try:
        vm.expect(r"\$ ", timeout=120)
        vm.sendline("vmbench")
        vm.expect(r"bench: vm done", timeout=600)
    finally:
        vm.kill()
    return re.findall(r"^bench ([^:]+): (.*?)\r?$", vm.log, re.M)


def swap_image(path, mb=64):
    with open(path, "wb") as f:
        f.write(b"QUILLSWAP1")  # kernel/mm/swap.h
        f.truncate(mb << 20)
    return path


def main():
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cpus in (1, 4):
            img = make_image(os.path.join(tmp, f"bench{cpus}.img"), "64M")
            results[cpus] = {(f"{n} [rr]" if n.startswith(SCHED_ROWS) else n): v
                             for n, v in run(cpus, img)}
            vmimg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "fs.img")
            copy = os.path.join(tmp, f"vm{cpus}.img")
            with open(vmimg, "rb") as src, open(copy, "wb") as dst:
                dst.write(src.read())
            swap = swap_image(os.path.join(tmp, f"swap{cpus}.img"))
            results[cpus].update(dict(run_vm(cpus, copy, swap)))
        for policy in POLICIES:
            for cpus in (1, 4):
                img = make_image(os.path.join(tmp, f"bench{policy}{cpus}.img"), "64M")
                rows = run(cpus, img, f"sched={policy}")
                results.setdefault(cpus, {}).update(
                    (f"{n} [{policy}]", v) for n, v in rows if n.startswith(SCHED_ROWS))
    names = list(results[1])
    width = max(len(n) for n in names)
    print(f"{'benchmark':<{width}}  {'1 hart':>40}  {'4 harts':>40}")
    for n in names:
        print(f"{n:<{width}}  {results[1].get(n, '-'):>40}  {results[4].get(n, '-'):>40}")


if __name__ == "__main__":
    main()
