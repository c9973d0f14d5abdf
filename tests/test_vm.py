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

from test_usertests import USERTESTS, frames_balanced, run_usertests

pytestmark = pytest.mark.skipif(not os.path.isfile(USERTESTS),
                                reason="build/root/bin/usertests not built yet")

VM_TESTS = ["cow", "cowcount", "sbrk", "sbrklazy", "brkrefused", "stack", "stackoverflow",
            "execlazy", "execbus", "oom", "mmapanon", "mmapshared", "mmaperr", "mmapfixed",
            "munmappart", "mprotect", "mprotectmerge", "mmapfile", "rmapchurn", "rmappaths"]
SWAP_TESTS = ["belady", "swapwork", "cowcount", "mmapshared", "oom"]
SWAP_MAGIC = b"QUILLSWAP1"  # kernel/mm/swap.h
PRESSURE_TESTS = ["swaptwice", "cowswap", "forkstorm", "oomvictim", "oomancestor"]


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
    # More free frames after is no leak: reclaim may have dropped clean text
    # pages of the processes that stay (init, sh, usertests); they read them
    # again when they touch them.
    ok, line = frames_balanced(log)
    assert ok, f"frames leaked: {line}"


@pytest.mark.parametrize("cpus", [1, 4])
def test_vm_group(qemu, tmp_path, cpus):
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(VM_TESTS), 300)
    check_group(summary, results, log, VM_TESTS)
    assert re.search(r"out of memory: killed pid \d+ \(usertests\)", log), \
        "the OOM kill was not reported on the console"
    assert re.search(r"\(prog\): SIGBUS at pc 0x\w+, address 0x\w+", log), \
        "the SIGBUS of the truncated program was not reported"
    assert "swap:" not in log, "swap found without a swap disk"


@pytest.mark.parametrize("cpus", [1, 4])
def test_swap_group(qemu, tmp_path, cpus):
    swap = swap_image(tmp_path)
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(SWAP_TESTS), 300,
                                             disks=[swap])
    assert re.search(r"swap: vdb, \d+ KiB", log), "the swap disk was not found"
    check_group(summary, results, log, SWAP_TESTS)


@pytest.mark.parametrize("cpus", [1])
def test_pressure_swap(qemu, tmp_path, cpus):
    """Global pressure on 64 MiB with a 192 MiB swap disk: twice RAM runs with
    its data intact, shared copy-on-write pages are evicted from both
    processes and read back, a fork storm past RAM finishes, nobody is
    killed."""
    swap = swap_image(tmp_path, mb=192)
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(PRESSURE_TESTS), 900,
                                             disks=[swap], mem="64M")
    check_group(summary, results, log, PRESSURE_TESTS)
    assert "out of memory" not in log, "a process was OOM-killed although swap had room"


def test_pressure_swap_smp(qemu, tmp_path):
    """Global pressure at 4 harts, sized to take well under a minute: on 32 MiB
    with a 96 MiB swap disk, a hog of 1.25 times RAM fills its pages and reads
    them back with per-page checksums while the copy-on-write pages that a
    parent and a child share are evicted from both page tables (by the
    daemon and by direct reclaim on any hart, with remote shootdowns) and
    read back correctly in both; nobody is killed and no frame leaks."""
    swap = swap_image(tmp_path, mb=96)
    summary, results, log, _ = run_usertests(qemu, tmp_path, 4, "cowswap", 300, disks=[swap],
                                             mem="32M")
    check_group(summary, results, log, ["cowswap"])
    assert "out of memory" not in log, "a process was OOM-killed although swap had room"


@pytest.mark.parametrize("cpus", [1, 4])
def test_pressure_noswap(qemu, tmp_path, cpus):
    """The same tests without swap: the OOM killer ends the process that frees
    the most (not the one that faults), says so, and the system goes on with
    every frame back."""
    summary, results, log, _ = run_usertests(qemu, tmp_path, cpus, " ".join(PRESSURE_TESTS), 600)
    check_group(summary, results, log, PRESSURE_TESTS)
    assert re.search(r"out of memory: killed pid \d+ \(usertests\), \d+ KiB resident", log)


def shell_run(vm, line, timeout=60):
    """Type a command at the shell; its output (echo and prompt removed)."""
    vm.sendline(line)
    vm.expect(re.escape(line) + r"\r?\n", timeout)
    vm.expect(r"\$ ", timeout)
    return vm.before()


@pytest.mark.parametrize("cpus", [1, 4])
def test_vm_tools(qemu, tmp_path, cpus):
    """pmap, vmprint, vmstat, and the textbook's Belady anomaly through memlimit."""
    from test_usertests import private_image
    from fsimg import disk_args
    vm = qemu(cpus=cpus, extra=disk_args(private_image(tmp_path), swap_image(tmp_path)))
    vm.expect(r"\$ ", timeout=120)
    out = shell_run(vm, "pmap 1")
    assert re.search(r"r-xp\s+inode \d+ @", out) and "[stack]" in out, out
    assert re.search(r"\d+ regions, \d+K reserved", out), out
    out = shell_run(vm, "vmprint")
    assert re.search(r"\.\. \.\. \[\d+\] va 0x\w+ pte 0x\w+ -> page 0x\w+ r-xu", out), out
    assert re.search(r"(\d+) page-table pages, (\d+) pages mapped", out), out
    out = shell_run(vm, "vmstat")
    m = re.search(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert m and int(m.group(1)) == 32768 and int(m.group(4)) > 0, out
    ref = "1 2 3 4 1 2 5 1 2 3 4 5"
    for policy, frames, faults in [("fifo", 3, 9), ("fifo", 4, 10), ("clock", 3, 9), ("clock", 4, 10)]:
        out = shell_run(vm, f"memlimit -p {policy} {frames} refstring {ref}")
        assert f"12 references, {faults} faults" in out, f"{policy} {frames}: {out}"
    out = shell_run(vm, "memlimit -p fifo 3 refstring 0 1 2 0 1 3 0 3 1 2 1")
    assert "11 references, 7 faults" in out, out
    out = shell_run(vm, "memlimit -p lru 3 refstring 1")
    assert "bad frame count or policy" in out, out
    out = shell_run(vm, "vmctl")
    assert re.search(r"^clock low=\d+ high=\d+", out, re.M), out
    out = shell_run(vm, "vmctl fifo low=100 high=300")
    assert "fifo low=100 high=300" in out, out
    out = shell_run(vm, "vmctl lru")
    assert "vmctl: lru:" in out, out
    out = shell_run(vm, "vmctl high=50")
    assert "vmctl: high=50:" in out, out  # not above low
    out = shell_run(vm, "vmctl clock")
    assert "clock low=100 high=300" in out, out
    out = shell_run(vm, "vmstat")
    assert re.search(r"evicted\s+kswapd\s+kfreed\s+direct\s+wback\s+oom", out), out
    assert re.search(r"watermarks: low 100, high 300 frames", out), out


VMBENCH_ROWS = ["fork1m", "exit1m", "fork32m", "exit32m", "cowfault", "majfault", "swapout",
                "swapin", "msync0", "msync500", "fault500"]
VMBENCH_ROW = re.compile(r"^(\w+) +(.*?) +(\d+) +(\d+) +(\d+) (\w+)$")


@pytest.mark.parametrize("cpus", [1, 4])
def test_vmbench_every_row(qemu, tmp_path, cpus):
    """vmbench, the virtual-memory rows of `make bench`, briefly (2 operations
    a row; the swap rows always do their 16 MiB): every row prints its count
    and counters that moved, with a swap disk attached.  Behaviour only: no
    figure is compared with a limit."""
    from test_usertests import private_image
    from fsimg import disk_args
    vm = qemu(cpus=cpus, extra=disk_args(private_image(tmp_path), swap_image(tmp_path)))
    vm.expect(r"\$ ", timeout=120)
    listed = [line.split()[0] for line in shell_run(vm, "vmbench -l").splitlines() if line.strip()]
    assert listed == VMBENCH_ROWS
    out = shell_run(vm, "vmbench -n 2; echo status $?", timeout=300)
    assert "vmbench: done" in out and "status 0" in out and "error" not in out, out
    rows = {m.group(1): m.groups() for m in map(VMBENCH_ROW.match, out.splitlines()) if m}
    assert list(rows) == VMBENCH_ROWS, out
    for name, (_, _, instret, ns, count, unit) in rows.items():
        assert int(count) == (4096 if name.startswith("swap") else 2), f"{name}: {count} {unit}"
        assert 0 < int(instret) < 10**10 and 0 < int(ns) < 10**11, f"{name}: {instret} {ns}"


@pytest.mark.parametrize("cpus", [1, 4])
def test_vm_bootargs(qemu, tmp_path, cpus):
    """The replacement policy and the daemon's watermarks chosen at boot
    (vmrepl=, vm_low=, vm_high=), then changed at run time; an unknown policy
    at boot falls back to clock and says so."""
    from test_usertests import private_image
    from fsimg import disk_args
    vm = qemu(cpus=cpus, bootargs="vmrepl=aging vm_low=80 vm_high=200",
              extra=disk_args(private_image(tmp_path)))
    vm.expect(r"\$ ", timeout=120)
    assert re.search(r"^aging low=80 high=200", shell_run(vm, "vmctl"), re.M)
    assert "fifo low=80 high=200" in shell_run(vm, "vmctl fifo")
    vm.kill()
    vm = qemu(cpus=cpus, bootargs="vmrepl=nosuch", extra=disk_args(private_image(tmp_path)))
    vm.expect(r"reclaim: no policy 'nosuch'; using clock", timeout=120)
    vm.expect(r"\$ ", timeout=120)
    assert re.search(r"^clock low=\d+ high=\d+", shell_run(vm, "vmctl"), re.M)
