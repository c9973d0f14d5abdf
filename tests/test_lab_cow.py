"""
Lab cow (docs/labs/cow.md): copy-on-write fork.  The student makes fork
share every page (kernel/mm/fork.c) and the page-fault handler copy a
shared page on the first write to it (kernel/mm/fault.c).  Graded through
usertests in Quill:

- correct: fork's copies stay private whoever writes, the process or the
  kernel on its behalf (cow, cowpipe), mprotect of shared pages, and the
  process tests that fork a lot (fork, forkconc, exitcode, pipe);
- no copy at fork: an 8 MiB child costs page tables, one write makes one
  copy, and the last sharer takes its page back without copying (cowcount);
- many sharers: a process with a quarter of the memory forks more children
  than copying could hold (cowmany).
"""

import re

from test_usertests import RESULT


def usertests(shell, names, timeout=240):
    out = shell.run(f"usertests {names}", timeout=timeout)
    assert "panic: " not in out, f"the kernel panicked:\n{out[-3000:]}"
    results = {n: (v, r or "") for n, v, r in RESULT.findall(out)}
    missing = [n for n in names.split() if n not in results]
    assert not missing, f"usertests did not run {missing}:\n{out[-2000:]}"
    failed = {n: r for n, (v, r) in results.items() if v == "FAILED"}
    assert not failed, "\n".join(f"usertests {n}: {r}" for n, r in failed.items())
    return out


def test_cow_correct(shell):
    usertests(shell, "cow cowpipe mprotect fork forkconc exitcode pipe")


def test_cow_no_copy_at_fork(shell):
    usertests(shell, "cowcount")


def test_cow_many_sharers(shell):
    usertests(shell, "cowmany")
