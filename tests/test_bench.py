"""
The user-level benchmark program (/bin/bench, user/bin/bench.c) that
`make bench` runs: here it runs briefly (a few operations per row) on 1 and
4 harts, and every row must print a line with its operations counted and
counters that moved.  Behaviour only: no figure is compared with a limit
(docs/performance.md has the numbers).
"""

import os
import re
import shutil

import pytest

from conftest import ROOT
from fsimg import disk_args
from test_shell import BOOT_TIMEOUT, PROMPT, Shell

FS_IMG = os.path.join(ROOT, "build", "fs.img")
ROW = re.compile(r"^(\w+) +(.*?) +(\d+) +(\d+) +(\d+) (\w+)$")
ROWS = ["getpid", "pipe", "pipe64", "fork", "forkexec", "sbrk", "write", "read", "smallfile", "fault",
        "yield2", "yield64", "busy0", "busy30"]
FILE_ROWS = {"write", "read"}  # -n N: N calls of 4 KiB, counted in KiB


def bench_shell(qemu, tmp_path, cpus):
    img = tmp_path / "fs.img"
    shutil.copyfile(FS_IMG, img)
    # yield64 and pipe64 run 64 processes besides init and the shell: above
    # maxproc's default.
    vm = qemu(cpus=cpus, bootargs="maxproc=128", extra=disk_args(img))
    vm.wait_boot(timeout=BOOT_TIMEOUT)
    vm.expect(PROMPT, timeout=BOOT_TIMEOUT)
    return Shell(vm)


def parse(out):
    rows = {}
    for line in out.splitlines():
        m = ROW.match(line.strip())
        if m:
            rows[m.group(1)] = (int(m.group(3)), int(m.group(4)), int(m.group(5)), m.group(6))
    return rows


@pytest.mark.parametrize("cpus", [1, 4])
def test_bench_every_row(qemu, tmp_path, cpus):
    sh = bench_shell(qemu, tmp_path, cpus)
    listed = [line.split()[0] for line in sh.lines("bench -l")]
    assert listed == ROWS
    out, rc = sh.status("bench -n 3", timeout=300)
    assert rc == 0, f"bench failed:\n{out}"
    assert "bench: done" in out
    assert "error" not in out
    rows = parse(out)
    assert list(rows) == ROWS, f"rows printed: {list(rows)}"
    for name, (instret, ns, count, unit) in rows.items():
        assert count == (12 if name in FILE_ROWS else 3), f"{name}: counted {count} {unit}"
        assert 0 < instret < 10**10, f"{name}: {instret} instret per {unit}"
        assert 0 < ns < 10**10, f"{name}: {ns} ns per {unit}"
    assert rows["write"][3] == rows["read"][3] == "KiB"


def test_bench_rows_and_options(qemu, tmp_path):
    sh = bench_shell(qemu, tmp_path, 2)
    rows = parse(sh.run("bench -n 5 pipe getpid"))
    assert list(rows) == ["pipe", "getpid"]
    assert rows["pipe"][2] == rows["getpid"][2] == 5
    out, rc = sh.status("bench nosuch")
    assert rc == 2 and "no row 'nosuch'" in out
    out, rc = sh.status("bench -n 0")
    assert rc == 2 and "usage" in out
    # Nothing is left behind: the file rows remove their files.
    assert "bench" not in sh.run("ls /")
