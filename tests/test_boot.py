"""
Boot, the console, the kernel monitor (kmon) and the panic path.

Each test boots its own QEMU through the `qemu` fixture (tests/conftest.py).
The console contract these tests check is written down in docs/testing.md.
"""

import re
import time

import pytest

KMON_COMMANDS = ["help", "mem", "threads", "ticks", "selftest", "panic", "poweroff"]
PAGE_KIB = 4


def mib(mem):
    """'64M' -> 64, '1G' -> 1024."""
    n, unit = int(mem[:-1]), mem[-1].upper()
    return n * 1024 if unit == "G" else n


def check_banner(info, cpus, mem="128M"):
    assert info["harts"] == cpus, f"banner reports {info['harts']} harts, QEMU has {cpus}"
    assert sorted(info["hart_ids"]) == list(range(cpus)), f"hart ids {info['hart_ids']}"
    assert info["boot_hart"] in info["hart_ids"]
    assert info["online"] == cpus, f"'all {info['online']} harts online' with {cpus} harts"
    others = sorted(h for h in range(cpus) if h != info["boot_hart"])
    assert sorted(info["started"]) == others, (
        f"'hart X started' printed for {sorted(info['started'])}, expected {others} "
        f"(boot hart {info['boot_hart']})")
    assert info["timer"] in ("sstc", "sbi"), f"timer {info['timer']!r}"
    assert info["timebase"] == 10_000_000, "QEMU virt's timebase is 10 MHz"
    size = mib(mem)
    assert info["mem_mib"] == size
    assert info["mem_start"] == 0x80000000
    assert info["mem_end"] == 0x80000000 + (size << 20)
    assert info["free_frames"] > 0
    assert info["free_kib"] == info["free_frames"] * PAGE_KIB
    assert info["free_kib"] < size * 1024, "more free memory than RAM"


@pytest.mark.parametrize("cpus", [1, 4])
def test_banner(qemu, cpus):
    vm = qemu(cpus=cpus)
    info = vm.wait_boot()
    check_banner(info, cpus)
    # The four layout ranges are in order and do not overlap.
    ranges = re.findall(r"(text|rodata|data|direct map) 0x([0-9a-f]+)-0x([0-9a-f]+)",
                        info["layout"])
    assert [r[0] for r in ranges] == ["text", "rodata", "data", "direct map"], info["layout"]
    image = [(int(a, 16), int(b, 16)) for _, a, b in ranges[:3]]
    for (lo, hi), (next_lo, _) in zip(image, image[1:] + [(1 << 64, 0)]):
        assert lo < hi <= next_lo, f"layout out of order: {info['layout']}"
    vm.wait_prompt()


@pytest.mark.parametrize("mem", ["64M", "128M", "1G"])
def test_memory_size(qemu, mem):
    vm = qemu(cpus=2, mem=mem)
    info = vm.wait_boot()
    check_banner(info, 2, mem)
    # Most of RAM is free after boot: the kernel image and its tables are small.
    assert info["free_kib"] > mib(mem) * 1024 // 2, "less than half of RAM is free after boot"


@pytest.mark.parametrize("cpus", range(1, 9))
def test_smp_boot(qemu, cpus):
    vm = qemu(cpus=cpus)
    info = vm.wait_boot(timeout=90)
    check_banner(info, cpus)
    vm.wait_prompt()
    vm.poweroff()


@pytest.mark.parametrize("cpus", [1, 4])
def test_poweroff(qemu, cpus):
    vm = qemu(cpus=cpus)
    vm.wait_boot()
    vm.wait_prompt()
    start = time.monotonic()
    assert vm.poweroff(timeout=15) == 0
    took = time.monotonic() - start
    assert took < 10, f"poweroff took {took:.1f}s"


@pytest.mark.parametrize("cpus", [1, 4])
def test_kmon_help(qemu, cpus):
    vm = qemu(cpus=cpus)
    vm.wait_boot()
    out = vm.run_cmd("help")
    missing = [c for c in KMON_COMMANDS if not re.search(rf"\b{c}\b", out)]
    assert not missing, f"help does not mention {missing}:\n{out}"


def test_kmon_unknown_command(qemu):
    vm = qemu(cpus=1)
    vm.wait_boot()
    out = vm.run_cmd("frobnicate")
    assert out.strip(), "an unknown command should say so"
    # The monitor is still alive and answers the next command.
    assert "ticks" in vm.run_cmd("help")
    vm.poweroff()


@pytest.mark.parametrize("cpus", [1, 4])
def test_kmon_mem(qemu, cpus):
    vm = qemu(cpus=cpus)
    info = vm.wait_boot()
    out = vm.run_cmd("mem")
    assert re.search(r"free", out, re.I), f"mem shows no free frames:\n{out}"
    assert re.search(r"slab|cache|kmem", out, re.I), f"mem shows no slab caches:\n{out}"
    numbers = [int(n) for n in re.findall(r"\b\d+\b", out)]
    assert any(0 < n <= info["free_frames"] for n in numbers), out


@pytest.mark.parametrize("cpus", [1, 4])
def test_kmon_threads(qemu, cpus):
    vm = qemu(cpus=cpus)
    vm.wait_boot()
    out = vm.run_cmd("threads")
    lines = [l for l in out.splitlines() if l.strip()]
    assert lines, "threads printed nothing"
    # The monitor itself runs in a thread, so at least one row names a thread.
    assert any(re.search(r"\d", l) for l in lines), out


def read_ticks(vm):
    out = vm.run_cmd("ticks")
    m = re.search(r"ticks\D*?(\d+)", out)
    if m is None:
        nums = re.findall(r"\d+", out)
        assert nums, f"no number in ticks output:\n{out}"
        return int(nums[-1])
    return int(m.group(1))


@pytest.mark.parametrize("cpus", [1, 4])
def test_kmon_ticks(qemu, cpus):
    vm = qemu(cpus=cpus)
    vm.wait_boot()
    first = read_ticks(vm)
    time.sleep(1.0)
    second = read_ticks(vm)
    time.sleep(1.0)
    third = read_ticks(vm)
    assert first < second < third, f"ticks do not advance: {first}, {second}, {third}"


def test_tick_bootarg(qemu):
    """tick=100 means ~10 ticks a second on one hart (tolerant: QEMU is slow)."""
    vm = qemu(cpus=1, bootargs="tick=100")
    vm.wait_boot()
    a = read_ticks(vm)
    t0 = time.monotonic()
    time.sleep(3.0)
    b = read_ticks(vm)
    elapsed = time.monotonic() - t0
    expected = elapsed / 0.100
    assert 0.3 * expected <= b - a <= 2.0 * expected, (
        f"{b - a} ticks in {elapsed:.1f}s with tick=100 (expected about {expected:.0f})")


def test_console_echo(qemu):
    """Typed keys come back one at a time, before Enter (interrupt-driven UART)."""
    vm = qemu(cpus=2)
    vm.wait_boot()
    vm.wait_prompt()
    for ch in "hel":
        vm.send(ch)
        vm.expect(re.escape(ch), timeout=10)
    vm.type_slowly("p")
    vm.expect("p", timeout=10)
    vm.sendline()
    vm.expect(r"\r?\n", timeout=10)
    vm.wait_prompt(timeout=10)
    assert "ticks" in vm.before(), "help after echoed typing printed no command list"


@pytest.mark.parametrize("cpus", [1, 4])
def test_panic(qemu, cpus):
    vm = qemu(cpus=cpus)
    vm.wait_boot()
    vm.wait_prompt()
    vm.sendline("panic")
    vm.expect(r"panic: ([^\r\n]+)\r\n", timeout=20)
    vm.expect(r"backtrace:\r\n", timeout=20)
    vm.expect(r"system halted", timeout=20)
    frames = re.findall(r"^\s+#(\d+) 0x([0-9a-f]+) (\S+)\+0x([0-9a-f]+)\s*$",
                        vm.before(), re.M)
    assert frames, f"no backtrace frames:\n{vm.before()}"
    assert [int(f[0]) for f in frames] == list(range(len(frames))), "frames not numbered #0.."
    names = [f[2] for f in frames]
    assert any("kmon" in n or "panic" in n for n in names), f"backtrace names: {names}"
    assert all(int(f[1], 16) >= 0xffffffff80000000 for f in frames), "frame outside the kernel"
    # Halted means halted: nothing more comes out, and the monitor is gone.
    vm.sendline("help")
    vm.drain(1.0)
    assert vm.is_alive(), "QEMU exited after a panic (expected halted harts)"
    assert "kmon> " not in vm.log.split("system halted", 1)[1]
