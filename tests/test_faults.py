"""
Kernel faults and lock misuse, provoked on purpose with the monitor's `crash`
command: each must be reported in words (what went wrong, with a backtrace)
and stop the machine, never hang or reboot silently.  Also: the SBI timer
path, on a CPU without Sstc.
"""

import re

import pytest

CASES = {
    "text": r"write to kernel text",
    "rodata": r"write to kernel read-only data",
    "stack": r"kernel stack overflow: access to the guard page",
    "null": r"NULL pointer dereference",
    "relock": r"recursive acquire of 'kmon-crash'",
    "unlock": r"'kmon-crash' released by a hart that does not hold it",
    "sleep": r"sleep with spinlock 'kmon-crash' held",
    "order": r"lock order: 'kmon-crash outer' taken while holding 'kmon-crash'",
    "sleeporder": r"lock order: sleep lock 'mm' taken while holding 'file offset'",
    "leaf": r"lock order: sleep lock 'inode' taken while holding a leaf lock",
}


@pytest.mark.parametrize("what", sorted(CASES))
def test_crash_reports(qemu, what):
    vm = qemu(cpus=2)
    vm.wait_prompt()
    vm.sendline(f"crash {what}")
    vm.expect(r"system halted", timeout=30)
    log = vm.log
    assert "panic: " in log
    assert re.search(CASES[what], log), f"no '{CASES[what]}' in the report"
    assert re.search(r"#\d+ 0x[0-9a-f]+ cmd_crash(\.[a-z]+\.\d+)?\+0x[0-9a-f]+", log) or what == "stack", \
        "the backtrace does not name cmd_crash"
    if what == "stack":
        assert re.search(r"#\d+ 0x[0-9a-f]+ recurse", log), "the backtrace does not name recurse"


def test_sbi_timer(qemu):
    """Without Sstc the timer goes through SBI set_timer, and ticks still come."""
    vm = qemu(cpus=2, bootargs="selftest=timer,preempt poweroff", extra=["-cpu", "rv64,sstc=false"])
    vm.wait_boot()
    vm.expect(r"selftest: (all passed|\d+ failed)", timeout=120)
    assert "timer sbi" in vm.log
    assert vm.last_index == 0 and "all passed" in vm.log
    assert vm.wait_exit() == 0
