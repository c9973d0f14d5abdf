"""
The scheduler core: per-hart run queues (stealing, balancing, placement),
the shared queue of runq=global, wait queues and kicks.

The self-tests `threads`, `preempt`, `sleep`, `wakeup` and `spread`
(kernel/test/) run on 1, 2, 4 and 8 harts and with the shared queue; then
the quick usertests run on 8 harts and with runq=global, since every system
call that sleeps goes through the wait queues and run queues tested here.
"""

import re

import pytest

from test_usertests import QUICK_TIMEOUT, check, run_usertests

SCHED_TESTS = "threads,preempt,sleep,wakeup,spread"
RESULT = re.compile(r"^selftest (\S+): (PASS|FAIL)(.*)$", re.M)


def run_selftests(qemu, cpus, bootargs):
    vm = qemu(cpus=cpus, bootargs=f"{bootargs} selftest={SCHED_TESTS} poweroff".strip())
    m = vm.expect([r"selftest: (all passed|\d+ failed)", r"panic: "], timeout=240)
    vm.wait_exit(timeout=60)
    results = {name: verdict + rest for name, verdict, rest in RESULT.findall(vm.log)}
    assert vm.last_index == 0, "the kernel panicked:\n" + vm.log[-2000:]
    for name in SCHED_TESTS.split(","):
        assert name in results, f"selftest {name} did not run"
        assert results[name].startswith("PASS"), f"selftest {name}: {results[name]}"
    assert m.group(1) == "all passed"
    return vm.log


@pytest.mark.parametrize("cpus", [1, 2, 4, 8])
def test_sched_selftests_percpu(qemu, cpus):
    log = run_selftests(qemu, cpus, "")
    assert "per-hart run queue" in log


@pytest.mark.parametrize("cpus", [2, 4])
def test_sched_selftests_global(qemu, cpus):
    log = run_selftests(qemu, cpus, "runq=global")
    assert "global run queue" in log


def test_sched_bad_bootargs(qemu):
    """Unknown values fall back to the defaults with a message, never a panic."""
    log = run_selftests(qemu, 2, "sched=nosuch runq=sideways slice=0")
    assert "unknown policy 'nosuch'" in log
    assert "unknown runq=sideways" in log
    assert "slice=0 out of range" in log


@pytest.mark.parametrize("cpus,bootargs", [(8, ""), (4, "runq=global")])
def test_usertests_sched_layouts(qemu, tmp_path, cpus, bootargs):
    """Quick usertests on 8 harts with per-hart queues and on 4 with one shared queue."""
    check(*run_usertests(qemu, tmp_path, cpus, "-q", QUICK_TIMEOUT, bootargs=bootargs), expect_slow=False)
