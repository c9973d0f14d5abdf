"""
The QEMU harness shared by every test in tests/.

A test asks for the `qemu` fixture, which is a factory:

    def test_something(qemu):
        vm = qemu(cpus=4, mem="128M", bootargs="tick=5")
        vm.wait_prompt()                  # boot banner, then "kmon> "
        out = vm.run_cmd("ticks")         # the command's output, prompt eaten
        vm.poweroff()                     # QEMU must exit with status 0

Each call boots a fresh QEMU (directly, not through make) under pexpect.  The
harness never builds anything: `make test` builds first, and a missing
build/kernel.elf fails the test with a message that says so.

Everything QEMU prints is kept.  When a test fails, the whole console log is
written to tests/logs/<test name>.log and its last lines are added to pytest's
failure report.  At teardown every QEMU still running is killed, and every QEMU
also runs under timeout(1), so none can outlive the test run by much.
"""

import os
import re
import shutil
import socket
import termios
import time

import pexpect
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS_DIR)
# QUILL_KERNEL=<elf> tests another image (the GDB tests always load build/kernel.elf).
KERNEL = os.environ.get("QUILL_KERNEL", os.path.join(ROOT, "build", "kernel.elf"))
LOG_DIR = os.path.join(TESTS_DIR, "logs")
QEMU_BIN = os.environ.get("QEMU", "qemu-system-riscv64")

PROMPT = "kmon> "
# QEMU on two loaded host cores is slow; a hart may take a while to come up.
BOOT_TIMEOUT = 60
CMD_TIMEOUT = 30
# Hard limit on any one QEMU's life, enforced by timeout(1) outside Python.
QEMU_LIFETIME = 900
LOG_TAIL_LINES = 40


def kernel_path():
    """build/kernel.elf, or a test failure that says how to build it."""
    if not os.path.isfile(KERNEL):
        pytest.fail(
            f"{os.path.relpath(KERNEL, ROOT)} is missing: run `make` (or `make test`, "
            "which builds before testing)",
            pytrace=False,
        )
    return KERNEL


def free_tcp_port():
    """A TCP port that was free a moment ago (for QEMU's gdb stub)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_command(cpus=2, mem="128M", bootargs="", gdb_port=None, extra=()):
    """The argument list `make qemu` would run (see QEMUOPTS in the Makefile)."""
    cmd = [
        QEMU_BIN, "-machine", "virt", "-bios", "default",
        "-kernel", kernel_path(), "-m", str(mem), "-smp", str(cpus),
        "-nographic", "-global", "virtio-mmio.force-legacy=false",
    ]
    if bootargs:
        cmd += ["-append", bootargs]
    if gdb_port is not None:
        cmd += ["-S", "-gdb", f"tcp::{gdb_port}"]
    cmd += list(extra)
    return cmd


def _raw_output():
    """In the child, before exec: no \n -> \r\n translation on the terminal.

    QEMU keeps the terminal's output settings, so with ONLCR on a kernel's
    "\r\n" would reach us as "\r\r\n".  Off, we see exactly what it printed.
    """
    attrs = termios.tcgetattr(0)
    attrs[1] &= ~termios.ONLCR
    termios.tcsetattr(0, termios.TCSANOW, attrs)


class QemuError(AssertionError):
    """A console expectation that was not met; the message carries the log tail."""


class Qemu:
    """One running QEMU, driven through its console (a pseudo-terminal)."""

    def __init__(self, cpus=2, mem="128M", bootargs="", timeout=BOOT_TIMEOUT,
                 gdb_port=None, extra=(), name="qemu", lifetime=QEMU_LIFETIME):
        self.cpus = cpus
        self.mem = mem
        self.bootargs = bootargs
        self.timeout = timeout
        self.name = name
        self.argv = qemu_command(cpus, mem, bootargs, gdb_port, extra)
        self.exitstatus = None
        self.at_prompt = False
        # --foreground keeps QEMU in our process group, so it may use the tty.
        argv = ["timeout", "--foreground", "-k", "5", str(lifetime)] + self.argv
        self.started = time.monotonic()
        self.proc = pexpect.spawn(
            argv[0], argv[1:], cwd=ROOT, encoding="utf-8", codec_errors="replace",
            timeout=timeout, echo=False, dimensions=(50, 200), preexec_fn=_raw_output,
        )
        self._log = []
        self.proc.logfile_read = self

    # pexpect calls these with everything QEMU prints.
    def write(self, data):
        self._log.append(data)

    def flush(self):
        pass

    @property
    def log(self):
        """Everything the console printed so far (\r\n turned into \n)."""
        return "".join(self._log).replace("\r\n", "\n")

    def tail(self, lines=LOG_TAIL_LINES):
        return "\n".join(self.log.rstrip("\n").split("\n")[-lines:])

    def _fail(self, what):
        raise QemuError(f"{self.name}: {what}\n--- last console lines ---\n{self.tail()}")

    # ---- driving the console ------------------------------------------------

    def expect(self, pattern, timeout=None):
        """Wait for a regex (or list of regexes) on the console; return the match.

        For a list, the index of the pattern that matched is in `.index` of the
        returned object (pexpect's convention is kept: `vm.proc.match` too).
        """
        timeout = self.timeout if timeout is None else timeout
        patterns = pattern if isinstance(pattern, list) else [pattern]
        try:
            index = self.proc.expect(patterns, timeout=timeout)
        except pexpect.TIMEOUT:
            index = "timeout"
        except pexpect.EOF:
            index = "eof"
        # (Failing outside the except clauses keeps pexpect's dump out of the report.)
        if index == "timeout":
            self._dump_processes()
            self._fail(f"timed out after {timeout:.0f}s waiting for {patterns!r}")
        if index == "eof":
            self._reap()
            self._fail(f"QEMU exited (status {self.exitstatus}) while waiting for {patterns!r}")
        self.last_index = index
        return self.proc.match

    def _dump_processes(self):
        """Before giving up on a stuck guest: ^P makes the console print the
        process list (state, hart, CPU ticks, the wait queue of a sleeper),
        so the log tells a hang from a slow host."""
        try:
            self.proc.send("\x10")
            self.drain(3)
        except (OSError, pexpect.ExceptionPexpect):
            pass

    def expect_exact(self, text, timeout=None):
        return self.expect(re.escape(text), timeout)

    def before(self):
        """Console text between the previous match and the last one."""
        return self.proc.before.replace("\r\n", "\n")

    def send(self, text):
        self.at_prompt = False
        self.proc.send(text)

    def sendline(self, line=""):
        """Type a line and press Enter (a terminal sends \\r for Enter)."""
        self.send(line + "\r")

    def drain(self, seconds):
        """Read (and log) whatever the console prints in the next `seconds`."""
        try:
            self.proc.expect(pexpect.TIMEOUT, timeout=seconds)
        except pexpect.EOF:
            self._reap()

    def type_slowly(self, text, delay=0.05):
        """Type one key at a time, as a person would."""
        for ch in text:
            self.send(ch)
            time.sleep(delay)

    # ---- boot and the kernel monitor -------------------------------------

    def wait_boot(self, timeout=None):
        """Wait for the whole boot banner and return its fields as a dict."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout

        def left():
            return max(1, deadline - time.monotonic())

        info = {}
        m = self.expect(r"Quill kernel: booting on hart (\d+)\r\n", left())
        info["boot_hart"] = int(m.group(1))
        m = self.expect(r"harts: (\d+) \(ids ([\d ]*)\), timebase (\d+) Hz, timer (\w+)\b[^\r\n]*\r\n",
                        left())
        info["harts"] = int(m.group(1))
        info["hart_ids"] = [int(x) for x in m.group(2).split()]
        info["timebase"] = int(m.group(3))
        info["timer"] = m.group(4)
        m = self.expect(r"memory: (\d+) MiB RAM at 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\r\n",
                        left())
        info["mem_mib"] = int(m.group(1))
        info["mem_start"] = int(m.group(2), 16)
        info["mem_end"] = int(m.group(3), 16)
        m = self.expect(r"layout: ([^\r\n]*)\r\n", left())
        info["layout"] = m.group(1)
        m = self.expect(r"free frames: (\d+) \((\d+) KiB\)\r\n", left())
        info["free_frames"] = int(m.group(1))
        info["free_kib"] = int(m.group(2))
        m = self.expect(r"all (\d+) harts online\r\n", left())
        info["online"] = int(m.group(1))
        # "hart X started" lines come between the free-frames line and here.
        info["started"] = [int(x) for x in re.findall(r"hart (\d+) started", self.log)]
        info["banner"] = self.log
        self.boot_info = info
        return info

    def wait_prompt(self, timeout=None):
        """Wait for the kernel monitor's prompt (after boot or a command)."""
        self.expect(re.escape(PROMPT), timeout)
        self.at_prompt = True

    def run_cmd(self, cmd, timeout=CMD_TIMEOUT):
        """Run one kmon command and return its output (echo and prompt removed)."""
        if not self.at_prompt:
            self.wait_prompt()
        self.sendline(cmd)
        # The monitor echoes what we type; the output starts after the echo.
        self.expect(re.escape(cmd) + r"\r?\n", min(timeout, CMD_TIMEOUT))
        self.expect(re.escape(PROMPT), timeout)
        self.at_prompt = True
        return self.before()

    # ---- exit ------------------------------------------------------------

    def _reap(self):
        if self.exitstatus is None and not self.proc.isalive():
            self.proc.close()
            self.exitstatus = self.proc.exitstatus
            if self.exitstatus is None and self.proc.signalstatus is not None:
                self.exitstatus = -self.proc.signalstatus
        return self.exitstatus

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit by itself; return its exit status."""
        try:
            self.proc.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self._fail(f"QEMU still running {timeout}s after it should have exited")
        deadline = time.monotonic() + 10
        while self.proc.isalive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.proc.isalive():
            self._fail("console closed but QEMU did not exit")
        return self._reap()

    def poweroff(self, timeout=30):
        """Type `poweroff` at the monitor; QEMU must exit with status 0."""
        if not self.at_prompt:
            self.wait_prompt()
        self.sendline("poweroff")
        status = self.wait_exit(timeout)
        if status != 0:
            self._fail(f"poweroff: QEMU exited with status {status}, expected 0")
        return status

    def kill(self):
        if self.proc.isalive():
            self.proc.terminate(force=True)
        self._reap()

    def is_alive(self):
        return self.proc.isalive()


# ---- pytest plumbing ------------------------------------------------------------

_qemus_key = pytest.StashKey[list]()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the console log to a failed test's report and save it to a file."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
    vms = item.stash.get(_qemus_key, [])
    if not rep.failed or not vms:
        return
    path = save_log(item, vms)
    tail = "\n\n".join(f"[{vm.name}: {' '.join(vm.argv[-6:])}]\n{vm.tail()}" for vm in vms)
    rep.sections.append(("QEMU console (last lines; full log in "
                         f"{os.path.relpath(path, ROOT)})", tail))


def log_name(item):
    name = item.nodeid.split("::", 1)[-1] if "::" in item.nodeid else item.nodeid
    module = os.path.splitext(os.path.basename(item.nodeid.split("::", 1)[0]))[0]
    return re.sub(r"[^A-Za-z0-9_.,=+\-\[\]]", "_", f"{module}.{name}") + ".log"


def save_log(item, vms):
    os.makedirs(LOG_DIR, exist_ok=True)
    path = os.path.join(LOG_DIR, log_name(item))
    with open(path, "w", encoding="utf-8") as f:
        for vm in vms:
            f.write(f"===== {vm.name}: {' '.join(vm.argv)}\n")
            f.write(vm.log)
            if not vm.log.endswith("\n"):
                f.write("\n")
            f.write(f"===== exit status: {vm.exitstatus}\n\n")
    return path


@pytest.fixture
def qemu(request):
    """Factory: qemu(cpus=2, mem="128M", bootargs="", timeout=60, gdb_port=None)."""
    vms = []
    request.node.stash[_qemus_key] = vms

    def start(cpus=2, mem="128M", bootargs="", timeout=BOOT_TIMEOUT, gdb_port=None,
              extra=()):
        vm = Qemu(cpus=cpus, mem=mem, bootargs=bootargs, timeout=timeout,
                  gdb_port=gdb_port, extra=extra, name=f"qemu#{len(vms) + 1}")
        vms.append(vm)
        return vm

    yield start
    for vm in vms:
        vm.kill()
    # A passing test leaves no stale log from an earlier failing run.
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.passed:
        stale = os.path.join(LOG_DIR, log_name(request.node))
        if os.path.exists(stale):
            os.remove(stale)


# ---- running in parallel (make test: pytest-xdist) ------------------------------

# The tests that take longest, longest first, with what each took (its
# slowest parameter set) in a `make test --durations=60` on the 2-core
# development host at a load average of about 20 (five developers' suites at
# once; docs/testing.md).  In a pytest-xdist worker (`make test`, TEST_JOBS)
# they are collected before all the others, and with `--dist loadgroup` each
# worker takes the next test when it has two left: the long ones start at
# once, spread over the workers, and the short ones fill in around them, so
# no worker starts a long test while the others run out of work.  In one
# process the files' order stays.  A test that grows past ~15 s belongs here
# (tests/test_suite.py checks that every name is a test).
LONG_FIRST = [
    "test_usertests.py::test_usertests_all",  # 840 s (its timeout, at that load)
    "test_vm.py::test_pressure_noswap",  # 600 s
    "test_vm.py::test_pressure_swap",  # 523 s
    "test_vm.py::test_swap_group",  # 158 s
    "test_policies.py::test_usertests_under_policy",  # 131 s
    "test_vm.py::test_vm_group",  # 122 s
    "test_fs.py::test_damaged_images",  # 114 s
    "test_usertests.py::test_usertests_quick",  # 105 s
    "test_sched.py::test_usertests_sched_layouts",  # 102 s
    "test_vm.py::test_pressure_swap_smp",  # 90 s
    "test_labs.py::test_grader_proven",  # 76 s
    "test_fuzz.py::test_sysfuzz",  # 71 s
    "test_lab_syscall.py::test_handout_steps_work",  # 68 s
    "test_crash.py::test_crash_consistency",  # 59 s
    "test_gdb.py::test_gdb_debug_build",  # 48 s
    "test_selftest.py::test_selftest_all",  # 21 s
    "test_sched.py::test_sched_selftests_percpu",  # 19 s
    "test_policies.py::test_policy_selftests",  # 15 s
    "test_sched_smp.py::test_policy_eight_harts",  # (new: not in that run)
]


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # not an xdist worker
        return
    rank = {name: i for i, name in enumerate(LONG_FIRST)}

    def key(item):
        return rank.get(f"{item.path.name}::{item.originalname}", len(LONG_FIRST))

    items.sort(key=key)  # stable: the rest keep the files' order


def pytest_report_header(config):
    have = "present" if os.path.isfile(KERNEL) else "MISSING (run make)"
    return [f"quill: kernel {os.path.relpath(KERNEL, ROOT)} {have}; "
            f"qemu {shutil.which(QEMU_BIN) or 'not found'}"]


@pytest.fixture
def shell(qemu, tmp_path):
    """A booted Quill at the shell prompt (2 harts), on a private copy of build/fs.img.

        def test_upcase(shell):
            assert "HELLO (5)" in shell.run("upcase hello")

    shell.run(line) types a command and returns its output; shell.lines(line)
    returns it as a list of lines; shell.status(line) returns (output, exit
    status).  The Shell class and boot_shell() are in tests/test_shell.py."""
    from test_shell import boot_shell
    return boot_shell(qemu, tmp_path)
