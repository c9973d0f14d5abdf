"""
Virtual memory through usertests' memory, vm, mmap and swap groups, on 1 and 4
harts.  Without swap: copy-on-write fork that copies no page at fork time, lazy
sbrk (1 GiB on 128 MiB), a refused brk that changes nothing, exec that reads
the program in page by page, SIGBUS for a page of a truncated program, stack
growth, every mmap case with its errors, and an out-of-memory kill that the
system survives with every frame back (usertests' free-frame check).  With a
fresh swap disk: the textbook's reference strings under memlimit (Belady's
anomaly, clock, OSTEP) and a working set sixteen times its frames.
"""

import os
import re

import pytest

from test_usertests import USERTESTS, run_usertests

pytestmark = pytest.mark.skipif(not os.path.isfile(USERTESTS),
                                reason="build/root/bin/usertests not built yet")

VM_TESTS = ["cow", "cowcount", "sbrk", "sbrklazy", "brkrefused", "stack", "stackoverflow",
            "execlazy", "execbus", "oom", "mmapanon", "mmapshared", "mmaperr", "mmapfixed",
            "munmappart", "mprotect", "mmapfile"]
SWAP_TESTS = ["belady", "swapwork", "cowcount", "mmapshared", "oom"]
SWAP_MAGIC = b"QUILLSWAP1"  # kernel/mm/swap.h


def swap_image(tmp_path, mb=32):
    """A fresh swap disk: the magic in its first page, the rest empty (sparse)."""
    path = str(tmp_path / "swap.img")
    with open(path, "wb") as f:
        f.write(SWAP_MAGIC)
        f.truncate(mb << 20)
    return path


def check_group(summary, results, log, names):
    failed = {n: r for n, (v, r) in results.items() if v == "FAILED"}
    assert not failed, "failed:\n" + "\n".join(f"  {n}: {r}" for n, r in failed.items())
    assert set(names) <= set(results), f"missing: {set(names) - set(results)}"
    assert summary == "ALL TESTS PASSED"
    m = re.search(r"free frames: (\d+) before the tests, (\d+) after", log)
    assert m and m.group(1) == m.group(2), "frames leaked"


@pytest.mark.parametrize("cpus", [1, 4])
def test_vm_group(qemu, tmp_path, cpus):
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(VM_TESTS), 300)
    check_group(summary, results, log, VM_TESTS)
    assert re.search(r"out of memory: killed pid \d+ \(usertests\)", log), \
        "the OOM kill was not reported on the console"
    assert re.search(r"access past the end of a mapped file.*signal 10", log), \
        "the SIGBUS of the truncated program was not reported"
    assert "swap:" not in log, "swap found without a swap disk"


@pytest.mark.parametrize("cpus", [1, 4])
def test_swap_group(qemu, tmp_path, cpus):
    swap = swap_image(tmp_path)
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(SWAP_TESTS), 300,
                                             disks=[swap])
    assert re.search(r"swap: vdb, \d+ KiB", log), "the swap disk was not found"
    check_group(summary, results, log, SWAP_TESTS)
