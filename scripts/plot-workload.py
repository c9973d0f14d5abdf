#!/usr/bin/env python3
"""
plot-workload.py: boot Quill, run a workload under `schedtrace`, save the
trace, and draw it with gantt.py.  `make plot` runs it.

Usage: scripts/plot-workload.py [--cpus N] [--bootargs ARGS] [--out PREFIX] COMMAND...

Writes PREFIX.trace (the guest's output) and PREFIX.png (the chart) and
prints the metrics table.  The default is the stride example on one hart:
    --cpus 1 --bootargs sched=stride  stride-abc 2
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--bootargs", default="sched=stride")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "plot"))
    ap.add_argument("command", nargs="*", default=["stride-abc", "2"])
    args = ap.parse_args()
    img = os.path.join(tempfile.mkdtemp(), "fs.img")
    shutil.copyfile(os.path.join(ROOT, "build", "fs.img"), img)
    qemu = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-kernel",
            os.path.join(ROOT, "build", "kernel.elf"), "-m", "128M", "-smp", str(args.cpus),
            "-nographic", "-monitor", "none", "-global", "virtio-mmio.force-legacy=false",
            "-drive", f"file={img},if=none,format=raw,id=root",
            "-device", "virtio-blk-device,drive=root", "-append", args.bootargs]
    vm = pexpect.spawn(qemu[0], qemu[1:], encoding="utf-8", codec_errors="replace", timeout=600)
    vm.expect(r"\$ ")
    vm.sendline("schedtrace " + " ".join(args.command))
    vm.expect(r"\$ ")
    trace = vm.before.replace("\r\n", "\n")
    vm.sendline("poweroff")
    vm.expect(pexpect.EOF, timeout=60)
    with open(args.out + ".trace", "w") as f:
        f.write(trace)
    return subprocess.call([sys.executable, os.path.join(ROOT, "scripts", "gantt.py"),
                            args.out + ".trace", "-o", args.out + ".png"])


if __name__ == "__main__":
    sys.exit(main())
