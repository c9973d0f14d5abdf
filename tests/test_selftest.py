"""
The in-kernel self-tests (kernel/test/), run through the `selftest=` bootarg and
through the monitor's `selftest` command.

Contract: each self-test prints `selftest <name>: PASS ...` or
`selftest <name>: FAIL: ...`, then `selftest: all passed` or `selftest: <k> failed`.
With the `poweroff` bootarg the machine powers off afterwards (exit status 0).
"""

import re

import pytest

SELFTEST_TIMEOUT = 180  # all self-tests; 4 harts emulated on 2 busy host cores
RESULT = re.compile(r"^selftest (\S+): (PASS|FAIL)(.*)$", re.M)
SUMMARY = r"selftest: (all passed|(\d+) failed)\r\n"


def results(text):
    """{name: (PASS|FAIL, rest of line)} from console text."""
    return {name: (verdict, rest.strip()) for name, verdict, rest in RESULT.findall(text)}


def run_selftests(qemu, cpus, which):
    vm = qemu(cpus=cpus, bootargs=f"selftest={which} poweroff")
    vm.wait_boot()
    # A panic halts the harts: stop waiting at once rather than time out.
    m = vm.expect([SUMMARY, r"system halted"], timeout=SELFTEST_TIMEOUT)
    assert vm.last_index == 0, "the kernel panicked during the self-tests:\n" + vm.tail()
    summary = m.group(1)
    status = vm.wait_exit(timeout=30)
    log = vm.log
    res = results(log)
    failed = {n: r for n, (v, r) in res.items() if v == "FAIL"}
    assert "panic:" not in log, "the kernel panicked during the self-tests"
    assert not failed, "self-tests failed:\n" + "\n".join(f"  {n}: {r}" for n, r in failed.items())
    assert summary == "all passed", f"summary says: selftest: {summary}"
    assert status == 0, f"QEMU exited with status {status} after poweroff"
    return res, log


@pytest.mark.slow
@pytest.mark.parametrize("cpus", [1, 4])
def test_selftest_all(qemu, cpus):
    res, log = run_selftests(qemu, cpus, "all")
    assert res, "selftest=all ran no self-test"
    names = [name for name, _, _ in RESULT.findall(log)]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"self-tests reported more than once: {twice}"


def test_selftest_list(qemu):
    """A comma list runs just those self-tests."""
    res, _ = run_selftests(qemu, 2, "alloc,threads")
    assert sorted(res) == ["alloc", "threads"], f"ran {sorted(res)}"


def test_kmon_selftest(qemu):
    """`selftest <name>` at the monitor runs that self-test and comes back."""
    vm = qemu(cpus=2)
    vm.wait_boot()
    out = vm.run_cmd("selftest threads", timeout=SELFTEST_TIMEOUT)
    res = results(out)
    assert list(res) == ["threads"], f"`selftest threads` printed:\n{out}"
    assert res["threads"][0] == "PASS", f"selftest threads: {res['threads']}"
    assert "selftest: all passed" in out
    vm.poweroff()
