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
