"""
Stepping the kernel in GDB, the way a student does with `make qemu-gdb` + `make gdb`.

QEMU starts with -S (every hart stopped) and its gdb stub on a free port; then
gdb-multiarch runs a command script in batch mode: break at kmain, continue,
print hartid and the arguments, step a few lines, backtrace, detach.  The kernel then goes
on booting, and the hart GDB saw in kmain must be the one the banner names.
"""

import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import KERNEL, ROOT, free_tcp_port

GDB = os.environ.get("GDB", "gdb-multiarch")
GDB_TIMEOUT = 120

pytestmark = pytest.mark.skipif(shutil.which(GDB) is None, reason=f"{GDB} not installed")

STEPS = """
break kmain
continue
print hartid
info args
next
next
bt
info registers pc
detach
"""


def wait_listening(port, timeout=20):
    """Wait until something listens on TCP `port` (QEMU's gdb stub), without
    connecting to it (the stub serves one debugger at a time)."""
    want = f":{port:04X} "
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    for line in f.readlines()[1:]:
                        fields = line.split()
                        if (fields[1] + " ").endswith(want) and fields[3] == "0A":
                            return
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"QEMU's gdb stub is not listening on port {port}")


def run_gdb(tmp_path, script):
    path = tmp_path / "gdb-script"
    path.write_text(script)
    cmd = ["timeout", "-k", "5", str(GDB_TIMEOUT), GDB, "-batch", "-nx", "-x", str(path)]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, text=True, errors="replace",
                          timeout=GDB_TIMEOUT + 30)
    print(f"----- gdb script -----\n{script}\n----- gdb output -----\n{proc.stdout}")
    assert proc.returncode != 124, f"gdb did not finish within {GDB_TIMEOUT}s"
    return proc.stdout


def check_session(vm, out):
    assert "Breakpoint 1 at 0x" in out, "could not set a breakpoint on kmain"
    assert re.search(r"Breakpoint 1, (0x[0-9a-f]+ in )?kmain \(", out), "kmain was never reached"
    m = re.search(r"^\$1 = (\d+)$", out, re.M)
    assert m, "`print hartid` printed no number"
    hartid = int(m.group(1))
    assert re.search(rf"^hartid = {hartid}$", out, re.M), "`info args` does not show hartid"
    # `next` prints the new line: "<number>\t<source>".
    assert len(re.findall(r"^\d+\t", out, re.M)) >= 2, "`next` did not step a source line"
    assert re.search(r"^#0\s+(0x[0-9a-f]+ in )?kmain \(", out, re.M), "bt does not show kmain"
    assert re.search(r"^pc\s+0xffffffff8", out, re.M), "pc is not in the kernel image"
    assert "Cannot access memory" not in out and "Remote connection closed" not in out
    # Detached: the kernel boots on, on the hart GDB stopped in kmain.
    info = vm.wait_boot()
    assert info["boot_hart"] == hartid, (
        f"gdb saw kmain on hart {hartid}, the banner says hart {info['boot_hart']}")
    vm.wait_prompt()


@pytest.mark.parametrize("cpus", [1, 2])
def test_gdb_step_kmain(qemu, tmp_path, cpus):
    port = free_tcp_port()
    vm = qemu(cpus=cpus, gdb_port=port)
    wait_listening(port)
    script = ("set pagination off\nset confirm off\nset architecture riscv:rv64\n"
              f"file {os.path.relpath(KERNEL, ROOT)}\n"
              f"target remote :{port}\n" + STEPS)
    out = run_gdb(tmp_path, script)
    check_session(vm, out)


def test_repo_gdbinit(qemu, tmp_path):
    """The root .gdbinit, with the port rewritten as `make qemu-gdb` does."""
    with open(os.path.join(ROOT, ".gdbinit")) as f:
        gdbinit = f.read()
    assert "localhost:1234" in gdbinit and "riscv:rv64" in gdbinit
    port = free_tcp_port()
    vm = qemu(cpus=2, gdb_port=port)
    wait_listening(port)
    out = run_gdb(tmp_path, gdbinit.replace(":1234", f":{port}") + STEPS)
    check_session(vm, out)


# ---- the GDB helpers (scripts/gdb/quill.py) and user programs ----------------

HELPER_STEPS = """
break sys_getprocs
continue
qps
qthreads
qpt
print $quill_proc()
delete
uprog p2
continue
print $quill_proc()
bt
info symbol $pc
qps
delete
detach
"""


class GdbRun:
    """gdb-multiarch running a script in the background, its output collected."""

    def __init__(self, tmp_path, script):
        import threading
        path = tmp_path / "gdb-script"
        path.write_text(script)
        self.script = script
        self.proc = subprocess.Popen(
            ["timeout", "-k", "5", str(GDB_TIMEOUT), GDB, "-batch", "-nx", "-x", str(path)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, errors="replace")
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.chunks.append(line)

    @property
    def out(self):
        return "".join(self.chunks)

    def wait_for(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in self.out:
            assert time.monotonic() < deadline, f"gdb never printed {text!r}:\n{self.out}"
            assert self.proc.poll() is None or text in self.out, f"gdb exited:\n{self.out}"
            time.sleep(0.1)

    def finish(self):
        self.proc.wait(timeout=GDB_TIMEOUT + 30)
        self.reader.join(timeout=10)
        print(f"----- gdb script -----\n{self.script}\n----- gdb output -----\n{self.out}")
        return self.out


def test_gdb_helpers(qemu, tmp_path):
    """qps/qthreads/qpt from the kernel's structures; uprog stops in p2 only."""
    from fsimg import disk_args
    img = tmp_path / "fs.img"
    shutil.copyfile(os.path.join(ROOT, "build", "fs.img"), img)
    port = free_tcp_port()
    vm = qemu(cpus=2, gdb_port=port, extra=disk_args(img))
    wait_listening(port)
    with open(os.path.join(ROOT, ".gdbinit")) as f:
        gdbinit = f.read().replace(":1234", f":{port}")
    gdb = GdbRun(tmp_path, gdbinit + HELPER_STEPS)
    vm.expect(r"\$ ", timeout=120)
    vm.sendline("ps")
    gdb.wait_for("uprog: symbols")
    vm.expect(r"\$ ", timeout=60)
    vm.sendline("hello")  # another program: must not stop
    vm.expect(r"\$ ", timeout=60)
    vm.sendline("p2")
    vm.expect(r"hello, I am parent of", timeout=90)
    out = gdb.finish()

    assert "Breakpoint 1, sys_getprocs" in out, out
    qps = out[out.index("  PID  PPID S HART"):]
    rows = {}
    for ln in qps.split("\n")[1:]:
        if not ln[:5].strip().isdigit():
            break
        rows[ln.split()[-1]] = ln.split()
    assert rows["init"][0] == "1" and rows["init"][2] == "S", qps
    assert rows["ps"][2] == "R" and rows["ps"][3].isdigit(), "ps runs on a hart"
    assert rows["sh"][1] == "1", "the shell is init's child"
    assert re.search(r"^ +\d+ [RrS] .* init$", out[out.index(" TID S HART"):], re.M), "qthreads"
    m = re.search(r"page table of pid (\d+) \(ps\): root pa 0x[0-9a-f]+", out)
    assert m and m.group(1) == rows["ps"][0], "qpt shows ps's page table"
    # The program's text at 0x10000: a leaf reachable through indices 0, 0, 16.
    assert re.search(r"^ \.\. \.\. \.\.16: pte 0x[0-9a-f]+ pa 0x[0-9a-f]+ VR-XU-A.  va 0x10000-0x11000$",
                     out, re.M), "qpt shows the text page at 0x10000 (indices 0, 0, 16)"
    assert '$1 = "ps"' in out, "$quill_proc() names the process on the hart"
    assert "breakpoint 2 at main when process p2 runs it" in out, out
    assert re.search(r"Breakpoint 2, main \(\) at user/bin/p2\.c:\d+", out), "stopped in p2's main"
    assert '$2 = "p2"' in out
    assert re.search(r"^#0 +main \(\) at user/bin/p2\.c", out, re.M), "bt in p2"
    assert "hello world (pid:" in vm.log, "p2 ran on after detach"
    assert out.count("Breakpoint 2, main") == 1, "the breakpoint stopped once, in p2 only"


def test_gdb_debug_build(qemu, tmp_path, monkeypatch):
    """make DEBUG=1 builds every kernel file -Og; GDB steps it like the default build."""
    build = tmp_path / "build"
    r = subprocess.run(["make", "-j2", "DEBUG=1", f"B={build}", "kernel"], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert (build / "cflags").read_text().split("\n")[0] == "-Og"
    import conftest
    monkeypatch.setattr(conftest, "KERNEL", str(build / "kernel.elf"))
    port = free_tcp_port()
    vm = qemu(cpus=2, gdb_port=port)
    wait_listening(port)
    script = ("set pagination off\nset confirm off\nset architecture riscv:rv64\n"
              f"file {build / 'kernel.elf'}\ntarget remote :{port}\n"
              + STEPS)
    out = run_gdb(tmp_path, script)
    check_session(vm, out)
    dwarf = subprocess.run(["riscv64-unknown-elf-readelf", "--debug-dump=info",
                            str(build / "kernel.elf")], capture_output=True, text=True).stdout
    producers = set(re.findall(r"DW_AT_producer\s*:.*?(-O\w+)", dwarf))
    assert producers == {"-Og"}, f"the DEBUG=1 kernel was compiled with {producers}"
