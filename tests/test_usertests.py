"""
usertests, the in-guest test program (user/tests/usertests/), run from the
shell: boot with a private copy of the root image, wait for the shell's `$ `
prompt, run `usertests -q` (quick set) on 1 and 4 harts and the full set on 4
harts (marked slow), and require `ALL TESTS PASSED`.  Then power off and fsck
the image: whatever usertests did, the file system must be clean.

Skipped until the user side exists (build/root/bin/usertests, the staging
directory the user build installs programs into).  docs/usertests.md lists
the tests.
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT
from fsimg import disk_args, fsck

USERTESTS = os.path.join(ROOT, "build", "root", "bin", "usertests")
FS_IMG = os.path.join(ROOT, "build", "fs.img")

pytestmark = pytest.mark.skipif(
    not os.path.isfile(USERTESTS),
    reason="build/root/bin/usertests not built yet (user programs are not part of the build)",
)

SHELL_PROMPT = r"\$ "
BOOT_TIMEOUT = 120
QUICK_TIMEOUT = 300  # the quick set takes well under this on a loaded host
SLOW_TIMEOUT = 840   # quick + slow; QEMU_LIFETIME in conftest.py is 900
RESULT = re.compile(r"^test (\S+): (OK|FAILED)(?: \((.*)\))?$", re.M)


def private_image(tmp_path):
    """A copy of build/fs.img that this test alone may write to."""
    if not os.path.isfile(FS_IMG):
        pytest.fail("build/fs.img is missing: run `make test`", pytrace=False)
    img = str(tmp_path / "fs.img")
    if shutil.which("cp"):
        subprocess.run(["cp", "--sparse=always", FS_IMG, img], check=True)
    else:
        shutil.copyfile(FS_IMG, img)
    return img


def run_usertests(qemu, tmp_path, cpus, args, timeout, disks=(), bootargs="", mem="128M"):
    """Boot (with more disks after the root if given, bootargs and RAM size), run
    `usertests ARGS` at the shell; return (summary, results, log, image)."""
    img = private_image(tmp_path)
    vm = qemu(cpus=cpus, mem=mem, timeout=BOOT_TIMEOUT, bootargs=bootargs,
              extra=disk_args(img, *disks))
    vm.expect(SHELL_PROMPT, timeout=BOOT_TIMEOUT)
    vm.sendline(f"usertests {args}".strip())
    vm.expect(r"usertests starting", timeout=60)
    m = vm.expect([r"(ALL TESTS PASSED|SOME TESTS FAILED)", r"panic: ", r"system halted"],
                  timeout=timeout)
    if vm.last_index != 0:
        vm.drain(2)
        pytest.fail("the kernel panicked while usertests ran", pytrace=False)
    summary = m.group(1)
    log = vm.log
    results = {name: (verdict, reason or "") for name, verdict, reason in RESULT.findall(log)}
    vm.expect(SHELL_PROMPT, timeout=60)
    vm.sendline("poweroff")
    status = vm.wait_exit(timeout=60)
    assert status == 0, f"QEMU exited with status {status} after poweroff"
    return summary, results, vm.log, img


def frames_balanced(log):
    """The runner's free-frame check: (True, line) if no frame is missing, or
    if every missing one is slab fragmentation, which the runner reports with
    the object counts that show nothing leaked (user/lib/memcheck.c, shared
    with sysfuzz)."""
    m = re.search(r"free frames: (\d+) before the tests, (\d+) after", log)
    if not m:
        return False, "usertests did not report the free-frame check"
    lost = int(m.group(1)) - int(m.group(2))
    frag = re.search(r"memfree: (\d+) pages held by partly used slab pages .*: no leak", log)
    return lost <= 0 or bool(frag and int(frag.group(1)) == lost), m.group(0)


def check(summary, results, log, img, expect_slow):
    failed = {n: r for n, (v, r) in results.items() if v == "FAILED"}
    assert "panic:" not in log, "the kernel panicked"
    assert not failed, "usertests failed:\n" + "\n".join(f"  {n}: {r}" for n, r in failed.items())
    assert summary == "ALL TESTS PASSED", f"usertests says {summary} (see the console log)"
    assert len(results) >= 40, f"only {len(results)} tests reported"
    assert ("diskfull" in results) == expect_slow, "wrong test set ran"
    # A leak fails; more free than at the start is a kernel cache giving memory back.
    ok, line = frames_balanced(log)
    assert ok, line
    status, out = fsck(img)
    assert status == 0, f"fsck after usertests:\n{out}"


@pytest.mark.parametrize("cpus", [1, 4])
def test_usertests_quick(qemu, tmp_path, cpus):
    """`usertests -q` passes, leaks no memory, and leaves a clean file system."""
    check(*run_usertests(qemu, tmp_path, cpus, "-q", QUICK_TIMEOUT), expect_slow=False)


@pytest.mark.slow
def test_usertests_all(qemu, tmp_path):
    """All of usertests (disk full, out of inodes, stress) on 4 harts."""
    check(*run_usertests(qemu, tmp_path, 4, "", SLOW_TIMEOUT), expect_slow=True)
