#!/usr/bin/env python3
"""
`make bench`: boot Quill to its shell on a private copy of build/fs.img with
a fresh swap disk, run the user-level benchmark programs /bin/bench
(user/bin/bench.c: system calls, processes, files, scheduling) and /bin/vmbench
(user/bin/vmbench.c: fork of a small and a big parent, page faults, swap,
region lookups) and print their rows as one table.  docs/performance.md records the results and how to read them.

    tests/bench.py [--icount [--cpus N]] [--bootargs ARGS] [--ops N] [ROW...]
                                                    the user-level benchmarks
    tests/bench.py --sched [--icount] [--repeat N]  the scheduler matrix
    tests/bench.py --kernel                         the in-kernel ones

Without --icount the program runs on 1 and on 4 harts and the table gives the
wall time per operation on each and their ratio (QEMU's TCG on this host: it
depends on the host and on what else runs on it).  With --icount
(`make bench ICOUNT=1`) it runs once, on one hart, under `-icount shift=0`:
each guest instruction is one unit of virtual time, so the instret column is
the same on every run of the same build and comparable between commits
(--cpus N: on N harts, which QEMU then runs in turn in one host thread).
--bootargs adds kernel arguments (e.g. sched=lottery) to every boot.

--sched (`make bench-sched`) runs the scheduler rows (yield2, yield64, pipe,
pipe64) under every policy on 1 and on 4 harts and prints them with the
ratios the scheduler's goals are stated in: 64 runnable against 2 (per
context switch for the yield rows) and 4 harts against 1.  With --repeat N
each configuration boots N times and the table gives the minimum and the
median of each figure.

--kernel boots with the `bench` bootarg on 1 and 4 harts (kernel/test/bench.c:
allocators, scheduler, file system from inside the kernel), then the
scheduler rows under every policy.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import ROOT, Qemu  # noqa: E402
from fsimg import disk_args, make_image  # noqa: E402

FS_IMG = os.path.join(ROOT, "build", "fs.img")
# 63 children of the yield64 row, bench, the shell and init: above the default 64.
BENCH_BOOTARGS = "maxproc=128"
ROW = re.compile(r"^(\w+) +(.*?) +(\d+) +(\d+) +(\d+) (\w+)$", re.M)


def private_copy(tmp, name, src=FS_IMG):
    dst = os.path.join(tmp, name)
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    return dst


# The programs of `make bench`, in order: the system-call rows, then the
# virtual-memory ones (user/bin/vmbench.c, which wants a swap disk).
PROGS = ("bench", "vmbench")


def run_prog(vm, cmd):
    """Run one benchmark command at the shell; its rows and exit status."""
    start = len(vm.log)
    vm.sendline(cmd + '; echo bench-""status $?')
    m = vm.expect(r"bench-status (\d+)", timeout=3600)
    out = vm.log[start:]
    for line in out.splitlines():
        if re.match(r"^\w+ \w+: error", line):
            print(line, file=sys.stderr)
    return [m.groups() for m in ROW.finditer(out)], int(m.group(1))


def prog_rows(vm, prog):
    """The names of prog's rows (`prog -l`)."""
    start = len(vm.log)
    vm.sendline(f'{prog} -l; echo list-""done')
    vm.expect(r"list-done\r?\n")
    return re.findall(r"^(\w+) ", vm.log[start:].split("\n", 1)[1], re.M)


def run_user(tmp, cpus, icount, args, bootargs=""):
    """Boot to the shell with a swap disk, run bench and vmbench with ARGS
    (the rows asked for go to the program that has them); their rows and
    exit status."""
    img = private_copy(tmp, f"bench{cpus}{'i' if icount else ''}.img")
    swap = swap_image(os.path.join(tmp, f"swap{cpus}{'i' if icount else ''}.img"))
    extra = disk_args(img, swap) + (["-icount", "shift=0"] if icount else [])
    vm = Qemu(cpus=cpus, bootargs=f"{BENCH_BOOTARGS} {bootargs}".strip(), extra=extra,
              name=f"bench{cpus}")
    opts = [a for a in args if a.startswith("-")]
    wanted = [a for a in args if not a.startswith("-")]
    rows, status, known = [], 0, set()
    try:
        vm.expect(r"\$ ", timeout=600)  # -icount on 4 harts boots slowly on a busy host
        for prog in PROGS:
            names = prog_rows(vm, prog)
            known.update(names)
            mine = [r for r in wanted if r in names]
            if wanted and not mine:
                continue
            got, st = run_prog(vm, " ".join([prog] + opts + mine))
            rows += got
            status |= st
        unknown = [r for r in wanted if r not in known]
        if unknown:
            print(f"bench.py: no row {' '.join(unknown)}", file=sys.stderr)
            status |= 2
        vm.expect(r"\$ ", timeout=60)
        vm.sendline("poweroff")
        vm.wait_exit(timeout=60)
    finally:
        vm.kill()
    return rows, status


def user_main(opts):
    args = ([f"-n {opts.ops}"] if opts.ops else []) + opts.rows
    with tempfile.TemporaryDirectory() as tmp:
        if opts.icount:
            rows, status = run_user(tmp, opts.cpus, True, args, opts.bootargs)
            harts = f"{opts.cpus} hart{'s' if opts.cpus > 1 else ''}"
            print(f"{harts}, qemu -icount shift=0 (1 unit = 1 instruction, or 1 ns idle)"
                  + (f", bootargs {opts.bootargs}" if opts.bootargs else ""))
            print(f"{'row':<10} {'what':<42} {'units/op':>10} {'count':>12}")
            for name, what, ins, ns, count, unit in rows:
                print(f"{name:<10} {what:<42} {ins:>10} {count:>7} {unit}")
            return status
        runs = {cpus: run_user(tmp, cpus, False, args, opts.bootargs) for cpus in (1, 4)}
    four = {r[0]: r for r in runs[4][0]}
    print("wall time per op (ns, QEMU TCG on this host)")
    print(f"{'row':<10} {'what':<42} {'1 hart':>10} {'4 harts':>10} {'4/1':>6}")
    for name, what, _ins, ns, count, unit in runs[1][0]:
        ns4 = int(four[name][3]) if name in four else None
        ratio = f"{ns4 / max(int(ns), 1):.2f}" if ns4 is not None else "-"
        print(f"{name:<10} {what:<42} {ns:>10} {ns4 if ns4 is not None else '-':>10} {ratio:>6}"
              f"  per {unit}")
    return runs[1][1] or runs[4][1]


# ---- the scheduler matrix (`make bench-sched`) ----------------------------------

SCHED_POLICIES = ["rr", "mlfq", "lottery", "stride", "cfs"]
SCHED_BENCH_ROWS = ["yield2", "yield64", "pipe", "pipe64"]


def switches_per_op(row, cpus):
    """Context switches on the timed process's hart in one op of a yield row:
    every runnable process there has a turn.  yield64's 64 spread over the
    harts; yield2's pair shares one hart whatever their number (the sync
    wake-up of the pipe its yielder says it is ready on queues the timed
    process on the yielder's hart, and the row is over long before a
    balancing pass would part them)."""
    return max(1, 64 // cpus) if row == "yield64" else 2


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def sched_matrix(opts):
    """{(policy, cpus): {row: [figure per run]}}, the figure being units per
    op under --icount, else wall ns per op; and the worst exit status."""
    col = 2 if opts.icount else 3
    args = ([f"-n {opts.ops}"] if opts.ops else []) + SCHED_BENCH_ROWS
    results, status = {}, 0
    with tempfile.TemporaryDirectory() as tmp:
        for policy in opts.policies:
            for cpus in (1, 4):
                runs = results.setdefault((policy, cpus), {r: [] for r in SCHED_BENCH_ROWS})
                for _ in range(opts.repeat):
                    rows, st = run_user(tmp, cpus, opts.icount, args,
                                        f"sched={policy} {opts.bootargs}".strip())
                    status = status or st
                    for r in rows:
                        if r[0] in runs:
                            runs[r[0]].append(int(r[col]))
                print(f"bench-sched: {policy} on {cpus} hart(s): "
                      + " ".join(f"{r}={runs[r]}" for r in SCHED_BENCH_ROWS), file=sys.stderr)
    return results, status


def fmt(xs, scale=1.0):
    if not xs:
        return "-"
    lo, med = min(xs) / scale, median(xs) / scale
    return f"{lo:,.0f}" if len(xs) == 1 else f"{lo:,.0f}/{med:,.0f}"


def ratio(a, b):
    return f"{median(a) / median(b):.2f}" if a and b and median(b) else "-"


def sched_main(opts):
    results, status = sched_matrix(opts)
    unit = "units (-icount shift=0: instructions)" if opts.icount else "wall ns"
    many = f"; {opts.repeat} boots each: min/median" if opts.repeat > 1 else ""
    print(f"scheduler rows, {unit} per op{many}" +
          (f", bootargs {opts.bootargs}" if opts.bootargs else ""))
    print("yield rows also per context switch (/sw); 64/2: 64 runnable against 2 "
          "(yield per switch); 4/1: 4 harts against 1 (per switch)")
    head = (f"{'policy':<8} {'harts':>5} {'yield2':>15} {'yield64':>17} {'yield64/sw':>13}"
            f" {'pipe':>15} {'pipe64':>15} {'y 64/2':>6} {'p 64/2':>6} {'y2 4/1':>6}"
            f" {'y64 4/1':>7} {'p 4/1':>6} {'p64 4/1':>7}")
    print(head)
    for policy in opts.policies:
        for cpus in (1, 4):
            r = results[(policy, cpus)]
            per = {k: [x / switches_per_op(k, cpus) for x in r[k]] for k in ("yield2", "yield64")}
            one = results[(policy, 1)]
            one_per = {k: [x / switches_per_op(k, 1) for x in one[k]]
                       for k in ("yield2", "yield64")}
            four = cpus == 4
            print(f"{policy:<8} {cpus:>5} {fmt(r['yield2']):>15} {fmt(r['yield64']):>17}"
                  f" {fmt(per['yield64']):>13} {fmt(r['pipe']):>15} {fmt(r['pipe64']):>15}"
                  f" {ratio(per['yield64'], per['yield2']):>6} {ratio(r['pipe64'], r['pipe']):>6}"
                  f" {ratio(per['yield2'], one_per['yield2']) if four else '':>6}"
                  f" {ratio(per['yield64'], one_per['yield64']) if four else '':>7}"
                  f" {ratio(r['pipe'], one['pipe']) if four else '':>6}"
                  f" {ratio(r['pipe64'], one['pipe64']) if four else '':>7}")
    return status


# ---- the in-kernel benchmarks (bootarg `bench`) ---------------------------------

POLICIES = ["mlfq", "lottery", "stride", "cfs"]
SCHED_ROWS = ("yield,", "wait-queue ping-pong,")


def run_kernel_bench(cpus, img, bootargs=""):
    vm = Qemu(cpus=cpus, bootargs=f"{bootargs} bench poweroff".strip(), extra=disk_args(img),
              name=f"kbench{cpus}")
    try:
        vm.wait_boot()
        vm.expect(r"bench: done", timeout=600)
        vm.wait_exit(timeout=60)
    finally:
        vm.kill()
    return re.findall(r"^bench ([^:]+): (.*)$", vm.log, re.M)


def swap_image(path, mb=64):
    with open(path, "wb") as f:
        f.write(b"QUILLSWAP1")  # kernel/mm/swap.h
        f.truncate(mb << 20)
    return path


def kernel_main():
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cpus in (1, 4):
            img = make_image(os.path.join(tmp, f"bench{cpus}.img"), "64M")
            results[cpus] = {(f"{n} [rr]" if n.startswith(SCHED_ROWS) else n): v
                             for n, v in run_kernel_bench(cpus, img)}
        for policy in POLICIES:
            for cpus in (1, 4):
                img = make_image(os.path.join(tmp, f"bench{policy}{cpus}.img"), "64M")
                rows = run_kernel_bench(cpus, img, f"sched={policy}")
                results.setdefault(cpus, {}).update(
                    (f"{n} [{policy}]", v) for n, v in rows if n.startswith(SCHED_ROWS))
    names = list(results[1])
    width = max(len(n) for n in names)
    print(f"{'benchmark':<{width}}  {'1 hart':>40}  {'4 harts':>40}")
    for n in names:
        print(f"{n:<{width}}  {results[1].get(n, '-'):>40}  {results[4].get(n, '-'):>40}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--icount", action="store_true", help="one hart under -icount shift=0")
    ap.add_argument("--ops", type=int, help="operations per row (bench -n)")
    ap.add_argument("--cpus", type=int, default=1, help="harts for --icount (default 1)")
    ap.add_argument("--bootargs", default="", help="more kernel arguments, e.g. sched=lottery")
    ap.add_argument("--kernel", action="store_true", help="the in-kernel benchmarks instead")
    ap.add_argument("--sched", action="store_true",
                    help="the scheduler rows under every policy on 1 and 4 harts")
    ap.add_argument("--repeat", type=int, default=1, help="--sched: boots per configuration")
    ap.add_argument("--policies", nargs="+", default=SCHED_POLICIES, choices=SCHED_POLICIES,
                    help="--sched: only these policies")
    ap.add_argument("rows", nargs="*", help="rows to run (default: all; bench -l lists them)")
    opts = ap.parse_args()
    if not shutil.which("cp"):
        sys.exit("bench.py: cp(1) is needed")
    if opts.sched:
        sys.exit(sched_main(opts))
    sys.exit(kernel_main() if opts.kernel else user_main(opts))


if __name__ == "__main__":
    main()
