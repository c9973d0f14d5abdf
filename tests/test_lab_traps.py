"""
Lab traps (docs/labs/traps.md): backtrace() in the user library walks the
frame-pointer chain.  /bin/bttest makes a known chain and prints it; the
grader turns every address into a function name with addr2line on the
unstripped program and compares the chain with what bttest did.
"""

import os
import re
import subprocess

from conftest import ROOT

ADDR2LINE = "riscv64-unknown-elf-addr2line"


def chain(shell, depth):
    out, status = shell.status(f"bttest {depth}")
    assert status == 0 and "bttest: result" in out, f"bttest {depth} failed:\n{out}"
    assert "backtrace:" in out, f"backtrace_print printed nothing:\n{out}"
    pcs = re.findall(r"^#(\d+) 0x([0-9a-f]+)$", out.split("backtrace:", 1)[1], re.M)
    assert pcs, "backtrace() found no frames (it returns 0: write it, docs/labs/traps.md)"
    assert [int(n) for n, _ in pcs] == list(range(len(pcs)))
    elf = os.path.join(ROOT, "build", "user", "bin", "bttest")
    # A return address is just after its call: look up the byte before it.
    addrs = [f"{int(a, 16) - 1:#x}" for _, a in pcs]
    names = subprocess.run([ADDR2LINE, "-f", "-e", elf] + addrs, capture_output=True,
                           text=True, check=True).stdout.split("\n")[0::2]
    return names[:len(addrs)]


def test_backtrace_chain(shell):
    names = chain(shell, 3)
    want = ["leaf", "level", "level", "level", "main", "__libc_start", "_start"]
    assert names == want, f"bttest 3: the backtrace names {names}, the calls were {want}"


def test_backtrace_deep(shell):
    names = chain(shell, 12)
    want = ["leaf"] + ["level"] * 12 + ["main", "__libc_start", "_start"]
    assert names == want, f"bttest 12: the backtrace names {names}"
