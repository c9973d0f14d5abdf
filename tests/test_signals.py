"""
Signals, process groups and job control (docs/signals.md), at CPUS=1 and 4.

- `sigtest` (user/tests/sigtest/), the in-guest test of the kernel side:
  handlers, frames, sigreturn, masks, faults, EINTR/SA_RESTART, SIGCHLD,
  stop/continue, SIGPIPE, alarms, groups, other harts.
- The terminal and the shell's job control, typed at the prompt: ^C of a
  sleeping and of a spinning program ($? 130), ^\\ ($? 131), ^Z, jobs, bg,
  fg, a background reader stopped by SIGTTIN, kill %N, kill -l, fault
  messages; the terminal's modes (stty), ^D, and the shell putting its
  modes back after a job a signal ended or stopped; the shell survives all
  of it.
"""

import re

import pexpect
import pytest

from test_shell import boot_shell, PROMPT



@pytest.mark.parametrize("cpus", [1, 4])
def test_sigtest(qemu, tmp_path, cpus):
    sh = boot_shell(qemu, tmp_path, cpus)
    sh.vm.sendline("sigtest")
    m = sh.vm.expect([r"sigtest: (ALL PASSED|\d+ FAILED)", r"panic: "], timeout=240)
    assert sh.vm.last_index == 0, "the kernel panicked during sigtest"
    failed = re.findall(r"^sigtest (\S+): .*FAILED.*$", sh.vm.log, re.M)
    assert m.group(1) == "ALL PASSED", f"sigtest failed: {failed}"
    assert len(re.findall(r"^sigtest [a-z-]+: ", sh.vm.log, re.M)) >= 38, "tests missing"
    sh.vm.expect(PROMPT)
    sh.sync()


def interrupt(sh, key="\x03", echo="^C"):
    """Type a signal key while a command runs; back at the prompt.

    A key typed before the shell has handed the job the terminal reaches
    the shell, which ignores it (the job's processes wait at the shell's
    start gate until all of them are in the job's group), so on a slow
    machine the key may need typing again, as a person would.
    """
    sh.vm.drain(0.5)
    for attempt in range(3):
        sh.vm.send(key)
        sh.vm.expect(re.escape(echo), timeout=10)
        i = sh.vm.proc.expect([PROMPT, pexpect.TIMEOUT], timeout=8)
        if i == 0:
            return
    raise AssertionError(f"{echo} did not end the foreground job")


@pytest.mark.parametrize("cpus", [1, 4])
def test_ctrl_c(qemu, tmp_path, cpus):
    """^C ends the foreground job (sleeping or spinning), never the shell: $? 130."""
    sh = boot_shell(qemu, tmp_path, cpus)
    for cmd in ("sleep 100", "spin", "sleep 100 | cat"):
        sh.vm.sendline(cmd)
        sh.vm.expect(re.escape(cmd) + r"\r\n")
        interrupt(sh)
        assert sh.lines("echo $?") == ["130"], cmd
    sh.vm.sendline("spin")
    sh.vm.expect("spin\r\n")
    interrupt(sh, "\x1c", "^\\")
    assert sh.lines("echo $?") == ["131"]
    # ^C at the prompt drops the line being typed; the shell is still there.
    sh.vm.send("echo never")
    sh.vm.send("\x03")
    sh.vm.expect(r"\^C\r\n")
    sh.vm.expect(PROMPT)
    assert sh.lines("echo alive") == ["alive"]
    assert "Interrupt" not in sh.vm.log


@pytest.mark.parametrize("cpus", [1, 4])
def test_ctrl_z_jobs_bg_fg(qemu, tmp_path, cpus):
    sh = boot_shell(qemu, tmp_path, cpus)
    sh.vm.sendline("sleep 100")
    sh.vm.expect("sleep 100\r\n")
    sh.vm.drain(0.5)
    sh.vm.send("\x1a")
    sh.vm.expect(r"\^Z")
    sh.vm.expect(r"\[1\]\+ +Stopped +sleep 100")
    sh.vm.expect(PROMPT)
    assert sh.lines("echo $?") == ["146"]  # 128 + SIGTSTP (18)
    out = sh.lines("jobs")
    assert re.match(r"\[1\]\+ +Stopped +sleep 100", out[0]), out
    pid = re.search(r"^\s*(\d+)\s+\d+\s+T\s.*sleep", sh.run("ps"), re.M)
    assert pid, "a stopped process shows T in ps"
    assert re.search(r"\[1\]\+ sleep 100 &", sh.run("bg %1"))
    assert re.match(r"\[1\]\+ +Running +sleep 100", sh.lines("jobs")[0])
    sh.vm.sendline("fg %1")
    sh.vm.expect(r"fg %1\r\n")
    sh.vm.expect(r"sleep 100\r\n")
    interrupt(sh)
    assert sh.lines("echo $?") == ["130"]
    assert sh.lines("jobs") == []
    # kill %N on a stopped job ends it (the shell continues it to let it die).
    sh.vm.sendline("spin")
    sh.vm.expect("spin\r\n")
    sh.vm.drain(0.3)
    sh.vm.send("\x1a")
    sh.vm.expect(r"Stopped +spin")
    sh.vm.expect(PROMPT)
    sh.run("kill %1")
    sh.run("wait")
    assert re.search(r"\[1\][+-]? +Terminated +spin", sh.vm.log)
    assert sh.lines("echo still here") == ["still here"]


@pytest.mark.parametrize("cpus", [1, 4])
def test_background_reader_stopped(qemu, tmp_path, cpus):
    """A background job that reads the terminal is stopped (SIGTTIN); fg lets it read."""
    sh = boot_shell(qemu, tmp_path, cpus)
    out = sh.run("cat &")
    assert re.search(r"\[1\] \d+", out), out
    sh.vm.drain(0.5)
    out = sh.run("echo next")
    if "Stopped" not in out:
        out = sh.run("echo again")
    assert re.search(r"\[1\]\+ +Stopped \(tty input\) +cat", sh.vm.log)
    sh.vm.sendline("fg")
    sh.vm.expect(r"fg\r\ncat\r\n")
    sh.vm.sendline("hello there")
    sh.vm.expect(r"hello there\r\nhello there\r\n")
    sh.vm.send("\x04")
    sh.vm.expect(PROMPT)
    assert sh.lines("echo $?") == ["0"]


def ps_state(sh, pid):
    m = re.search(rf"^\s*{pid}\s+\d+\s+(\S)\s", sh.run("ps"), re.M)
    return m.group(1) if m else None


@pytest.mark.parametrize("cpus", [1, 4])
def test_kill_list_and_fault_messages(qemu, tmp_path, cpus):
    """kill -l, -s NAME, -NAME, -NUM, %JOB; the shell names a fault that killed a job
    ("Segmentation fault") and $? is 128+N."""
    sh = boot_shell(qemu, tmp_path, cpus)
    out = sh.run("kill -l")
    assert re.search(r"\b2\) SIGINT\b", out) and re.search(r"\b9\) SIGKILL\b", out), out
    assert re.search(r"\b19\) SIGCONT\b", out) and re.search(r"\b18\) SIGTSTP\b", out), out
    assert sh.lines("kill -l 130") == ["INT"]
    for how, msg, sig in [("segv", "Segmentation fault", 11), ("ill", "Illegal instruction", 4),
                          ("bus", "Bus error", 10), ("trap", "Trace/breakpoint trap", 5),
                          ("abort", "Aborted", 6)]:
        out, rc = sh.status(f"fault {how}")
        assert msg in out and rc == 128 + sig, (how, out, rc)
    m = re.search(r"\[(\d+)\] (\d+)", sh.run("sleep 100 &"))
    job, pid = m.group(1), m.group(2)
    for form, stopped in ((f"kill -s STOP {pid}", True), (f"kill -CONT {pid}", False),
                          (f"kill -sigstop {pid}", True), (f"kill -19 {pid}", False)):
        out, rc = sh.status(form)
        assert rc == 0, (form, out)
        for _ in range(20):  # T when stopped; S (or R for a moment) when continued
            state = ps_state(sh, pid)
            if (state == "T") == stopped:
                break
        assert state is not None and (state == "T") == stopped, (form, state)
    # the shell saw the stops and the continues (WUNTRACED, WCONTINUED)
    assert re.search(rf"\[{job}\][+-]? +Stopped \(signal\) +sleep 100", sh.vm.log)
    assert re.match(rf"\[{job}\][+-]? +Running +sleep 100", sh.lines("jobs")[0])
    out, rc = sh.status(f"kill -NOSUCH {pid}")
    assert rc == 1 and "unknown signal" in out
    sh.run(f"kill -KILL %{job}")
    sh.run("wait")
    assert re.search(rf"\[{job}\][+-]? +Killed +sleep 100", sh.vm.log)
    assert sh.lines("echo ok") == ["ok"]


def test_console_control_keys(qemu, tmp_path):
    """^L redraws; unbound keys and stray control characters stay out of the line;
    a line that is too long is refused with a message."""
    sh = boot_shell(qemu, tmp_path)
    sh.vm.send("echo redrawn")
    sh.vm.send("\x0c")
    sh.vm.expect(re.escape("\x1b[H\x1b[2J$ echo redrawn"))
    sh.vm.send("\r")
    sh.vm.expect(r"\r\nredrawn\r\n")
    sh.vm.expect(PROMPT)
    sh.vm.send("echo \x1b[5~\x1b[6~clean\x07\x0e\r")  # PgUp, PgDn, ^G, ^N: no effect
    sh.vm.expect(r"\r\nclean\r\n")
    sh.vm.expect(PROMPT)
    sh.vm.send("x" * 300)
    sh.vm.expect(r"line too long")
    sh.vm.send("\x15echo fine\r")
    sh.vm.expect(r"\r\nfine\r\n")
    sh.vm.expect(PROMPT)
    assert sh.lines("echo ok") == ["ok"]


def interrupt_quiet(sh, key="\x03"):
    """Like interrupt(), for a job that turned echo off (no ^C is echoed)."""
    sh.vm.drain(0.3)
    for attempt in range(3):
        sh.vm.send(key)
        i = sh.vm.proc.expect([PROMPT, pexpect.TIMEOUT], timeout=8)
        if i == 0:
            return
    raise AssertionError("the key did not end the foreground job")


def stty_flags(sh):
    return sh.lines("stty")[0].split()


@pytest.mark.parametrize("cpus", [1, 4])
def test_terminal_modes(qemu, tmp_path, cpus):
    """stty shows and sets the modes; without ICANON, ISIG and ECHO a program gets ^C
    and ^Z as bytes at once; ^D hands a line over early and is end of file at a line's
    start; the shell keeps the modes a job leaves when it exits, puts its own back after
    a job that a signal ended or stopped, and gives a stopped job its own back at fg."""
    sh = boot_shell(qemu, tmp_path, cpus)
    assert stty_flags(sh)[:3] == ["icanon", "echo", "isig"]
    sh.vm.sendline("sh -c 'stty -icanon -isig -echo; echo ready; hexdump -n 3'")
    sh.vm.expect(r"ready\r\n")
    sh.vm.send("a\x03\x1a")
    sh.vm.expect(r"00000000  61 03 1a")
    sh.vm.expect(PROMPT)
    assert stty_flags(sh)[:3] == ["-icanon", "-echo", "-isig"]  # it exited: kept
    sh.run("stty sane")
    assert stty_flags(sh)[:3] == ["icanon", "echo", "isig"]
    # ^D: the line so far, then end of file
    sh.vm.sendline("cat")
    sh.vm.expect(r"cat\r\n")
    sh.vm.drain(0.5)
    sh.vm.send("abc\x04")
    sh.vm.expect("abcabc")
    sh.vm.send("\x04")
    sh.vm.expect(PROMPT)
    assert sh.lines("echo $?") == ["0"]
    # killed by ^C with echo off: the shell's modes come back
    job = "sh -c 'stty -echo; echo ready; sleep 100'"
    sh.vm.sendline(job)
    sh.vm.expect(r"ready\r\n")
    interrupt_quiet(sh)
    assert sh.lines("echo $?") == ["130"]
    assert stty_flags(sh)[1] == "echo"
    # stopped with echo off: the shell's modes at the prompt, the job's again at fg
    sh.vm.sendline(job)
    sh.vm.expect(r"ready\r\n")
    sh.vm.drain(0.3)
    sh.vm.send("\x1a")
    sh.vm.expect(r"Stopped +sh -c")
    sh.vm.expect(PROMPT)
    assert stty_flags(sh)[1] == "echo"
    sh.vm.sendline("fg")
    sh.vm.expect(r"fg\r\nsh -c .*sleep 100\r\n")
    sh.vm.drain(0.5)
    sh.vm.send("zzz")
    assert sh.vm.proc.expect(["zzz", pexpect.TIMEOUT], timeout=2) == 1, "echo is on at fg"
    interrupt_quiet(sh)
    assert stty_flags(sh)[1] == "echo"
    assert sh.lines("echo ok") == ["ok"]


@pytest.mark.parametrize("cpus", [1, 4])
def test_shell_restart_job_control(qemu, tmp_path, cpus):
    """The shell leads a session of its own; when it exits the console is free again,
    a job it left stopped is hung up (an orphaned group), and the shell init starts
    next has job control."""
    sh = boot_shell(qemu, tmp_path, cpus)
    sh.vm.sendline("cat &")
    sh.vm.expect(r"\[1\] (\d+)")
    cat_pid = sh.vm.proc.match.group(1)
    sh.vm.expect(PROMPT)
    sh.vm.drain(0.5)
    sh.run("echo next")
    assert ps_state(sh, cat_pid) == "T"  # stopped by SIGTTIN
    sh.vm.sendline("exit")
    sh.vm.expect(PROMPT)
    sh.vm.drain(0.5)
    assert ps_state(sh, cat_pid) is None, "the stopped job outlived its shell"
    sh.vm.sendline("sleep 100")
    sh.vm.expect(r"sleep 100\r\n")
    interrupt(sh)
    assert sh.lines("echo $?") == ["130"]
    assert "no job control" not in sh.vm.log
