"""
Crash consistency: kill QEMU at random moments while the kernel writes, then
boot again (the journal is replayed at mount) and check:

  - every file the workload reported durable (written, fsynced, renamed into
    place, synced) is there with exactly its contents, unless the workload
    later reported deleting it;
  - no file reported deleted is there;
  - the host fsck finds the image consistent.

The workload (kernel/test/fs_crash.c) prints "durable <run>-<n>" and
"deleted <run>-<n>" only after the operation's commit finished, and
"deleting <run>-<n>" before it starts an unlink (after that line the file may
be gone).  The power cut is a SIGKILL to QEMU: nothing more reaches the disk
image, and no flush happens on the way out.
"""

import os
import random
import re
import signal

import pexpect

import pytest

from fsimg import disk_args, fsck, make_image

KILLS = 22


def boot_workload(qemu, img, run, cpus):
    vm = qemu(cpus=cpus, bootargs=f"fsworkload={run}", extra=disk_args(img))
    vm.wait_boot()
    vm.expect(r"qfs: mounted vda", timeout=60)
    return vm


def children_of(ppid):
    """Pids whose parent is ppid (from /proc: no procps needed)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces, so split after ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == ppid:
            kids.append(int(entry))
    return kids


def cut_power(vm):
    """SIGKILL QEMU (the child of timeout(1)), then read what it had printed."""
    for pid in children_of(vm.proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        vm.proc.expect(pexpect.EOF, timeout=10)
    except pexpect.TIMEOUT:
        pass
    vm.kill()


def recover_and_check(qemu, img):
    vm = qemu(cpus=2, bootargs="crashcheck poweroff", extra=disk_args(img))
    vm.wait_boot()
    m = vm.expect([r"crashcheck: (\d+) files, (\d+) bad", r"system halted"], timeout=120)
    assert vm.last_index == 0, "the kernel panicked while recovering"
    assert vm.wait_exit(timeout=60) == 0
    have = set(re.findall(r"^crashcheck: have (\S+)$", vm.log, re.M))
    bad = re.findall(r"^crashcheck: BAD (\S+)$", vm.log, re.M)
    return have, bad, vm.log


def test_crash_consistency(qemu, tmp_path):
    rng = random.Random(20261121)
    img = make_image(tmp_path / "crash.img", "24M", inodes=2048)
    durable, deleted, deleting = set(), set(), set()
    replays = 0
    for run in range(1, KILLS + 1):
        vm = boot_workload(qemu, img, run, cpus=rng.choice([1, 2, 4]))
        # Let it write for a while, then cut the power: anywhere in a commit.
        vm.drain(rng.uniform(0.2, 3.0))
        cut_power(vm)
        deleting.clear()
        lines = vm.log.split("\n")[:-1]  # the last line may be cut short
        for line in lines:
            m = re.match(r"^(durable|deleting|deleted) (\d+-\d+)$", line.strip())
            if not m:
                continue
            what, name = m.groups()
            if what == "durable":
                durable.add(name)
            elif what == "deleting":
                deleting.add(name)
            else:
                deleting.discard(name)
                deleted.add(name)
                durable.discard(name)

        have, bad, log = recover_and_check(qemu, img)
        replays += "log: replayed" in log
        assert not bad, f"kill {run}: files with wrong contents after recovery: {bad}"
        # A file whose unlink had started may or may not have survived.
        durable -= deleting - have
        deleted |= deleting - have
        missing = durable - have
        assert not missing, f"kill {run}: durable files lost: {sorted(missing)[:10]}"
        zombies = have & deleted
        assert not zombies, f"kill {run}: deleted files came back: {sorted(zombies)[:10]}"
        status, out = fsck(img)
        assert status == 0, f"kill {run}: fsck after recovery:\n{out}"
    assert durable, "the workload never made a file durable: the test tested nothing"
    print(f"{KILLS} kills, {len(durable)} durable files checked, {replays} journal replays")
