#!/usr/bin/env python3
"""
Where a benchmark row's instructions go: a per-function profile of one row of
/bin/bench or /bin/vmbench, measured by QEMU itself (`make bench-profile
ROW=pipe`, `make bench-profile ROW=fork32m`).

QEMU runs one hart with `-icount shift=0 -singlestep`, so every guest
instruction is its own translation block, and its monitor turns on exec
logging (`log exec,nochain`: one line per instruction, with its pc) just
while `bench -n N ROW` (or `vmbench -n N ROW`, for a row of vmbench) runs
at the shell.  That is done twice, with N and
with 3N operations; the difference of the two logs, divided by 2N, is what
one operation costs, with the fixed part (exec of bench, setup, printing)
cancelled out.  Each pc is named by the function of build/kernel.elf that
holds it ("[user]" for user space), and the report lists instructions per
operation per function, then the calls per operation of the functions asked
for with --calls (a call is counted when the pc reaches the function's
first instruction).

    scripts/bench-profile.py ROW [--ops N] [--top K] [--calls spin_lock,...]

The logs are large (about 100 bytes per instruction: gigabytes for a row
like fork32m), so QEMU writes them into a named pipe that this script reads
and counts as they come; nothing is stored.
"""

import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from conftest import Qemu  # noqa: E402
from fsimg import disk_args  # noqa: E402
from bench import PROGS, prog_rows, swap_image  # noqa: E402

KERNEL = os.path.join(ROOT, "build", "kernel.elf")
FS_IMG = os.path.join(ROOT, "build", "fs.img")
TRACE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
KERNEL_BASE = 0xFFFFFFC000000000


def kernel_symbols():
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", KERNEL], capture_output=True,
                         text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def monitor(path, command):
    """One HMP command through QEMU's monitor socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(path)
        time.sleep(0.2)
        s.recv(65536)
        s.sendall((command + "\n").encode())
        time.sleep(0.3)


class Counter(threading.Thread):
    """Reads QEMU's exec log from a named pipe while QEMU writes it, counting
    instructions and entries per function (count)."""

    def __init__(self, fifo, name_of, starts):
        super().__init__(daemon=True)
        self.fifo, self.name_of, self.starts = fifo, name_of, starts
        self.result = None

    def run(self):
        self.result = count(self.fifo, self.name_of, self.starts)


def traced_run(tmp, row, ops, name, name_of, starts):
    """Boot, count every instruction of `PROG -n OPS ROW` (PROG: the program
    that has the row); return (instructions, calls) per function."""
    img = os.path.join(tmp, f"{name}.img")
    subprocess.run(["cp", "--sparse=always", FS_IMG, img], check=True)
    swap = swap_image(os.path.join(tmp, f"{name}.swap"))
    mon = os.path.join(tmp, f"{name}.mon")
    log = os.path.join(tmp, f"{name}.log")
    os.mkfifo(log)
    counter = Counter(log, name_of, starts)
    counter.start()
    extra = disk_args(img, swap) + ["-icount", "shift=0", "-singlestep",
                                    "-monitor", f"unix:{mon},server,nowait", "-D", log]
    vm = Qemu(cpus=1, bootargs="maxproc=128", extra=extra, name=name)
    try:
        vm.expect(r"\$ ", timeout=300)
        prog = next((p for p in PROGS if row in prog_rows(vm, p)), None)
        if prog is None:
            sys.exit(f"bench-profile: no row {row} in {' or '.join(PROGS)}")
        vm.expect(r"\$ ", timeout=60)
        monitor(mon, "log exec,nochain")
        vm.sendline(f"{prog} -n {ops} {row}")
        vm.expect(rf"{prog}: done", timeout=7200)
        monitor(mon, "log none")
    finally:
        vm.kill()
        counter.join(timeout=3600)
        os.unlink(img)
        os.unlink(swap)
    return counter.result


def count(log, name_of, starts):
    """Instructions per function, and entries per function (pc == its start)."""
    insns, calls, names = collections.Counter(), collections.Counter(), {}
    with open(log, errors="replace") as f:
        for line in f:
            m = TRACE.match(line)
            if not m:
                continue
            pc = m.group(1)
            n = names.get(pc)
            if n is None:
                n = names[pc] = name_of(int(pc, 16))
            insns[n] += 1
            if int(pc, 16) in starts:
                calls[n] += 1
    return insns, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("row", help="a row of bench (bench -l)")
    ap.add_argument("--ops", type=int, default=100, help="operations in the short run")
    ap.add_argument("--top", type=int, default=40, help="functions to list")
    ap.add_argument("--calls", default="spin_lock,sched_block,sched_wake,swtch,mm_activate",
                    help="functions whose calls per operation to count")
    opts = ap.parse_args()
    syms = kernel_symbols()
    addrs = [a for a, _ in syms]
    starts = {a for a, _ in syms}

    def name_of(pc):
        if pc < KERNEL_BASE:
            return "[user]"
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else "?"

    with tempfile.TemporaryDirectory() as tmp:
        n1, n2 = opts.ops, 3 * opts.ops
        a = traced_run(tmp, opts.row, n1, "short", name_of, starts)
        b = traced_run(tmp, opts.row, n2, "long", name_of, starts)
    per = {k: (b[0][k] - a[0][k]) / (n2 - n1) for k in set(a[0]) | set(b[0])}
    print(f"bench {opts.row}: {sum(per.values()):.0f} instructions per operation "
          f"(runs of {n1} and {n2}, 1 hart, -icount shift=0)")
    for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:opts.top]:
        if v >= 0.5:
            print(f"{v:10.1f}  {k}")
    wanted = [c for c in opts.calls.split(",") if c]
    if wanted:
        print("calls per operation:")
        for c in wanted:
            print(f"{(b[1][c] - a[1][c]) / (n2 - n1):10.1f}  {c}")


if __name__ == "__main__":
    main()
