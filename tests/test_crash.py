"""
Crash consistency: kill QEMU at random moments while the kernel writes, then
boot again (the journal is replayed at mount) and check:

  - every file the workload reported durable (written, fsynced, renamed into
    place, synced) is there with exactly its contents, unless the workload
    later reported deleting it;
  - every file reported "fsynced" (fsync alone) or "committed" (never
    synced, but a completed commit covered it) is there: the durability
    rule of the group commit (kernel/fs/log.h);
  - no file reported deleted is there;
  - the host fsck finds the image consistent;
  - stores through a shared file mapping are on the disk once fsync of the
    file returns, whichever process made them (user/tests/mapsync.c).

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

import shutil

import pexpect

import pytest

from fsimg import disk_args, fsck, make_image
from test_shell import PROMPT as SHELL_PROMPT, Shell

KILLS = 22
# A short commit interval, so that the commit thread commits often in each run.
COMMIT_MS = 300


def boot_workload(qemu, img, run, cpus):
    vm = qemu(cpus=cpus, bootargs=f"fsworkload={run} commit_ms={COMMIT_MS}", extra=disk_args(img))
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
            m = re.match(r"^(durable|deleting|deleted|fsynced|committed) ([FL]?\d+-\d+)$",
                         line.strip())
            if not m:
                continue
            what, name = m.groups()
            if what in ("durable", "fsynced", "committed"):
                durable.add(name)
            elif what == "deleting":
                deleting.add(name)
            else:
                deleting.discard(name)
                deleted.add(name)
                durable.discard(name)

        have, bad, log = recover_and_check(qemu, img)
        replays += "log: replayed" in log
        # An F or L file is written under its final name: one the disk had no
        # room for (never reported) may be short.  Every other file is whole.
        bad = [n for n in bad if n in durable or n[0] not in "FL"]
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
    assert any(n.startswith("F") for n in durable), "no fsync-only file was checked"
    assert any(n.startswith("L") for n in durable), "no file committed without a sync was checked"
    print(f"{KILLS} kills, {len(durable)} durable files checked, {replays} journal replays")


def fsync_demo(qemu, img, commit_ms, cut_at):
    """Boot the fsync demo, cut the power at the line `cut_at`, recover."""
    vm = qemu(cpus=2, bootargs=f"fsyncdemo commit_ms={commit_ms}", extra=disk_args(img))
    vm.wait_boot()
    vm.expect(cut_at, timeout=120)
    cut_power(vm)
    return recover_and_check(qemu, img)


def test_fsync_survives_immediate_cut(qemu, tmp_path):
    """fsync returns only once the file's transaction is committed: a power cut
    right after it keeps the file.  A file written after that, with no fsync and
    a commit interval that has not passed, is lost: without fsync a cut loses
    what the last interval wrote, and no more."""
    img = make_image(tmp_path / "demo.img", "8M")
    have, bad, log = fsync_demo(qemu, img, 60000, r"fsyncdemo ready")
    assert not bad, f"files with wrong contents: {bad}"
    assert "F0-0" in have, "the fsynced file was lost by a cut right after fsync returned"
    assert "L0-1" not in have, "a file written after the last commit survived: was it committed?"
    status, out = fsck(img)
    assert status == 0, f"fsck after recovery:\n{out}"


def test_commit_thread_commits_unsynced_data(qemu, tmp_path):
    """With nobody syncing, the commit thread commits within the interval
    (commit_ms) by itself, and what it committed survives a power cut."""
    img = make_image(tmp_path / "demo.img", "8M")
    have, bad, log = fsync_demo(qemu, img, 100, r"fsyncdemo committed")
    assert not bad, f"files with wrong contents: {bad}"
    assert {"F0-0", "L0-1"} <= have, f"committed files lost: have {sorted(have)}"
    status, out = fsck(img)
    assert status == 0, f"fsck after recovery:\n{out}"


@pytest.mark.parametrize("cpus", [1, 4])
def test_fsync_writes_shared_mappings(qemu, tmp_path, cpus):
    """fsync makes the file's modified data durable, stores through shared
    mappings too: two processes store a pattern through their own MAP_SHARED
    mappings (no write() carries it), one calls fsync, and the power is cut
    while both still map the file.  The commit interval (60 s) does not pass
    in between, so only fsync can have put the pattern on the disk; the next
    boot reads it back and fsck finds the image clean."""
    fs_img = os.path.join(os.path.dirname(__file__), "..", "build", "fs.img")
    if not os.path.isfile(fs_img):
        pytest.fail("build/fs.img is missing: run `make`", pytrace=False)
    img = str(tmp_path / "fs.img")
    shutil.copyfile(fs_img, img)
    vm = qemu(cpus=cpus, bootargs="commit_ms=60000", extra=disk_args(img))
    vm.wait_boot()
    vm.expect(SHELL_PROMPT, timeout=90)
    vm.sendline("mapsync write /mapsync.dat 16")
    vm.expect([r"mapsync: fsynced", r"mapsync: .* failed"], timeout=120)
    assert vm.last_index == 0, "mapsync write failed"
    cut_power(vm)
    vm = qemu(cpus=cpus, extra=disk_args(img))
    vm.wait_boot()
    vm.expect(SHELL_PROMPT, timeout=90)
    sh = Shell(vm)
    out = sh.run("mapsync check /mapsync.dat 16", timeout=120)
    assert "mapsync: /mapsync.dat intact" in out, f"after the power cut: {out}"
    vm.sendline("poweroff")
    assert vm.wait_exit(timeout=60) == 0
    status, out = fsck(img)
    assert status == 0, f"fsck after recovery:\n{out}"
