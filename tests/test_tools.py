"""
The tools a student uses to look inside: free, uptime, top, df, du, stat,
hexdump, sort, uniq, tee, clear and grep's -e/-v/-i, typed at the shell
on a private copy of the disk image (find and xargs: tests/test_lab_util.py).
"""

import re
import time

import pytest


def numbers(line):
    return [int(x) for x in re.findall(r"\d+", line)]


@pytest.mark.parametrize("cpus", [1, 4])
def test_free_and_uptime(qemu, tmp_path, cpus):
    from test_shell import boot_shell
    shell = boot_shell(qemu, tmp_path, cpus=cpus, mem="128M")
    lines = shell.lines("free")
    assert lines[0].split() == ["total", "used", "free", "reserved", "user"], lines
    total, used, free, reserved, user = numbers(lines[1])
    assert lines[1].startswith("Mem:") and total == 128 * 1024, lines
    assert used + free == total and 0 < reserved < used and 0 < user < used, lines
    assert numbers(shell.lines("free -m")[1])[0] == 128
    out = shell.run("uptime")
    m = re.search(r"^up (\d+):(\d\d):(\d\d), (\d+) harts?, (\d+) process(es)?, (\d+) ticks of (\d+) ms$",
                  out, re.M)
    assert m, out
    assert int(m.group(4)) == cpus and int(m.group(5)) >= 3 and int(m.group(8)) == 10


def spinning(ps_lines, name):
    """ps shows process `name` runnable or running with CPU ticks: past exec."""
    for line in ps_lines:
        f = line.split()
        if len(f) == 10 and f[9] == name and f[2] in "Rr" and f[5].isdigit():
            return int(f[5]) >= 2
    return False


def test_top(shell):
    # The spinner runs through the whole measured time: it starts first, and
    # top starts only once ps shows it running (its exec done), so every
    # refresh after the first covers a second in which it only spins.
    shell.run("cpuburn 120 &")
    deadline = time.monotonic() + 60
    while not spinning(shell.lines("ps"), "cpuburn"):
        assert time.monotonic() < deadline, "cpuburn never ran"
        time.sleep(0.5)
    out, status = shell.status("top -b -n 3 -d 1")
    shell.run("kill %1")
    while "Running" in shell.run("jobs"):  # until the shell has reaped it
        assert time.monotonic() < deadline + 60, "cpuburn outlived kill"
        time.sleep(0.2)
    assert status == 0, out
    tables = [t for t in out.split("top: up ")[1:]]
    assert len(tables) == 3, out
    for t in tables:
        assert re.search(r"harts?, \d+ processes \(max 64\), tick 10 ms", t), t
        assert re.search(r"^Mem: \d+K total, \d+K free, \d+K in processes$", t, re.M), t
        assert "  PID  PPID S HART  %CPU   TICKS   SIZE NAME" in t, t
    for t in tables[1:]:
        rows = {}
        for line in t.split("\n"):
            f = line.split()
            if len(f) == 8 and f[0].isdigit():
                rows[f[7]] = f
        assert rows["init"][2] == "S" and rows["top"][2] == "R", t
        assert rows["top"][3].isdigit(), "top runs on a hart"
        # %CPU is exact CPU time over elapsed time (procinfo.cpu_ns), so a
        # spinner with a hart of its own shows ~100 however loaded the host
        # is: a starved emulated hart stalls the spinner with it, and that
        # time is still its own.  Only the other processes' turns on its
        # hart (top, the shell, kernel threads: milliseconds) come off.
        assert float(rows["cpuburn"][4]) > 80, f"cpuburn should use its hart:\n{t}"
        # Sorted by %CPU: cpuburn comes first.
        first = [ln for ln in t.split("\n") if re.match(r"^\s*\d+ ", ln)][0]
        assert first.split()[7] == "cpuburn", t


def test_tunable_commands(shell):
    """sched and vmctl share their parsing (user/lib/cmdline.c)."""
    for prog in ("sched", "vmctl"):
        for arg, why in (("low=-3", "'-3' is not a number"), ("low=", "'' is not a number"),
                         ("low=3x", "'3x' is not a number"),
                         ("=3", "expected KEY=VALUE, not '=3'"),
                         ("k" * 40 + "=1", "expected KEY=VALUE"),
                         ("nosuchkey=1", "nosuchkey=1: Invalid argument"),
                         ("nosuchpolicy", "nosuchpolicy: Invalid argument")):
            out, status = shell.status(f"{prog} {arg}")
            assert status == 1 and f"{prog}: {why}" in out, (prog, arg, out)
    out, status = shell.status("sched")
    assert status == 0 and out.startswith("rr slice="), out
    out, status = shell.status("vmctl")
    assert status == 0 and out.startswith("clock low="), out


def test_df_du_stat(shell):
    lines = shell.lines("df")
    assert lines[0].split()[:2] == ["Filesystem", "1K-blocks"], lines
    f = lines[1].split()
    assert f[0] == "vda" and int(f[1]) == 64 * 1024 and f[5] == "/", lines
    assert int(f[2]) + int(f[3]) == int(f[1]) and int(f[2]) > 0
    fi = shell.lines("df -i /bin")[1].split()
    assert int(fi[1]) > int(fi[3]) > 0, fi
    assert "No such file" in shell.run("df /nonexistent")
    for line in ("mkdir /d /d/e", "echo hello > /d/f", "echo more > /d/e/g", "ln -s /d/f /d/l"):
        assert shell.status(line)[1] == 0
    du = {ln.split("\t")[1]: int(ln.split("\t")[0]) for ln in shell.lines("du /d")}
    assert set(du) == {"/d", "/d/e"} and du["/d"] > du["/d/e"] > 0, du
    assert len(shell.lines("du -a /d")) == 5
    assert shell.lines("du -s /d") == [f"{du['/d']}\t/d"]
    out = shell.run("stat /d/f")
    assert "File: /d/f  (regular file)" in out and re.search(r"Size: 6\s", out), out
    assert re.search(r"Links: 1   Mode: 0\d\d\d \(-rw", out), out
    assert re.search(r"Modify: 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} UTC", out), out
    out = shell.run("stat /d/l")
    assert "File: /d/l -> /d/f  (symbolic link)" in out, out
    assert "(regular file)" in shell.run("stat -L /d/l")
    assert "(directory)" in shell.run("stat /d/e")
    _, status = shell.status("stat /nonexistent")
    assert status == 1


def test_hexdump(shell):
    shell.run("echo hello > /h")
    assert shell.lines("hexdump -C /h") == [
        "00000000  68 65 6c 6c 6f 0a                                 |hello.|",
        "00000006"]
    # 40 equal bytes: a line, a star for the repeats, the rest, the length.
    shell.run("echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa > /a")
    lines = shell.lines("hexdump /a")
    assert lines[0].startswith("00000000  61 61 61 61 61 61 61 61  61 61") and lines[1] == "*", lines
    assert lines[2].startswith("00000020  61 61 61 61 61 61 61 0a") and lines[3] == "00000028", lines
    assert shell.lines("hexdump -s 1 -n 2 /h")[0].startswith("00000001  65 6c ")


def test_sort_uniq_tee(shell):
    shell.run("echo pear > /f; echo apple >> /f; echo 10 >> /f; echo 9 >> /f; echo apple >> /f")
    assert shell.lines("sort /f") == ["10", "9", "apple", "apple", "pear"]
    assert shell.lines("sort -r /f") == ["pear", "apple", "apple", "9", "10"]
    assert shell.lines("sort -n -u /f")[-2:] == ["9", "10"]
    assert shell.lines("sort -u /f") == ["10", "9", "apple", "pear"]
    assert shell.lines("sort /f | uniq -c") == ["      1 10", "      1 9", "      2 apple",
                                                "      1 pear"]
    assert shell.lines("sort /f | uniq -d") == ["apple"]
    assert shell.lines("sort /f | uniq -u") == ["10", "9", "pear"]
    assert shell.lines("echo one two | tee /t1 /t2") == ["one two"]
    assert shell.lines("cat /t1 /t2") == ["one two", "one two"]
    shell.run("echo three | tee -a /t1")
    assert shell.lines("cat /t1") == ["one two", "three"]


def test_clear_and_grep_flags(shell):
    out = shell.run("clear")
    assert "\x1b[H\x1b[2J" in out
    shell.run("echo Alpha > /g; echo beta >> /g; echo -gamma >> /g")
    assert shell.lines("grep -i alpha /g") == ["Alpha"]
    assert shell.lines("grep -v a /g") == []
    assert shell.lines("grep -v -i alpha /g") == ["beta", "-gamma"]
    assert shell.lines("grep -e Alpha -e beta /g") == ["Alpha", "beta"]
    assert shell.lines("grep -e -gamma /g") == ["-gamma"]
    assert shell.lines("grep -c -e ta -e ga /g") == ["2"]


@pytest.mark.parametrize("cpus", [1, 4])
def test_poweroff_starts_no_shell(qemu, tmp_path, cpus):
    """poweroff stops every process; init must not start a new shell on the way down."""
    from test_shell import boot_shell
    shell = boot_shell(qemu, tmp_path, cpus=cpus)
    shell.run("sleep 30 &")
    shell.vm.sendline("poweroff")
    assert shell.vm.wait_exit(timeout=60) == 0
    after = shell.vm.log.rsplit("poweroff\n", 1)[-1]
    assert "starting a new one" not in after and "init: starting sh" not in after, after
    assert "$ " not in after, f"a shell prompt appeared while powering off:\n{after}"


def test_ctrl_p_process_dump(shell):
    """Ctrl-P at the console prints the processes (no GDB needed), and the line
    being typed is untouched."""
    shell.run("sleep 20 &")
    shell.vm.send("ech")
    # The prompt comes back before the background sleep has gone to sleep
    # (on a loaded host it may still be runnable): dump again until it has.
    for _ in range(20):
        shell.vm.send("\x10")
        shell.vm.expect(r"PID  PPID S HART   TICKS NAME +WAITING ON\r\n")
        shell.vm.expect([r" sleep +ticks\r\n", r" sleep +[^\r\n]*\r\n"], timeout=10)
        if shell.vm.last_index == 0:
            break
        time.sleep(0.5)
    dump = shell.vm.log.rsplit("WAITING ON", 1)[1]
    rows = {ln.split()[5]: ln.split() for ln in dump.split("\n") if ln[:5].strip().isdigit()}
    assert rows["init"][:3] == ["1", "0", "S"] and "wait" in rows["init"], dump
    assert rows["sh"][2] == "S" and "console read" in " ".join(rows["sh"]), dump
    assert rows["sleep"][2] == "S" and rows["sleep"][-1] == "ticks", dump
    assert shell.lines("o still typing") == ["still typing"], "Ctrl-P changed the line"
