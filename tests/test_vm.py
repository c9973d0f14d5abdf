"""
Virtual memory through usertests' memory group, on 1 and 4 harts: copy-on-write
fork that copies no page at fork time, lazy sbrk (1 GiB on 128 MiB), a refused
brk that changes nothing, exec that reads the program in page by page, SIGBUS
for a page of a truncated program, stack growth, and an out-of-memory kill that
the system survives with every frame back (usertests' free-frame check).
"""

import re

import pytest

from test_usertests import USERTESTS, run_usertests

pytestmark = pytest.mark.skipif(not __import__("os").path.isfile(USERTESTS),
                                reason="build/root/bin/usertests not built yet")

VM_TESTS = ["cow", "cowcount", "sbrk", "sbrklazy", "brkrefused", "stack", "stackoverflow",
            "execlazy", "execbus", "oom"]


@pytest.mark.parametrize("cpus", [1, 4])
def test_vm_group(qemu, tmp_path, cpus):
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(VM_TESTS), 300)
    failed = {n: r for n, (v, r) in results.items() if v == "FAILED"}
    assert not failed, "failed:\n" + "\n".join(f"  {n}: {r}" for n, r in failed.items())
    assert set(VM_TESTS) <= set(results), f"missing: {set(VM_TESTS) - set(results)}"
    assert summary == "ALL TESTS PASSED"
    assert re.search(r"out of memory: killed pid \d+ \(usertests\)", log), \
        "the OOM kill was not reported on the console"
    assert re.search(r"access past the end of a mapped file.*signal 10", log), \
        "the SIGBUS of the truncated program was not reported"
    m = re.search(r"free frames: (\d+) before the tests, (\d+) after", log)
    assert m and m.group(1) == m.group(2), "frames leaked"
