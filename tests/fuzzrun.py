#!/usr/bin/env python3
"""
Run the system-call fuzzer (user/tests/sysfuzz/) in QEMU on a private copy of
build/fs.img, then fsck the image on the host.  Used by tests/test_fuzz.py
(bounded runs) and by `make fuzz` (long runs):

    make fuzz SEED=7 CALLS=1000000 CPUS=4 [JOBS=2] [SECONDS=0]
    tests/fuzzrun.py --seed 7 --calls 1000000 --cpus 4

Prints the fuzzer's summary and exits 0 only if the fuzzer says PASS, the
kernel did not panic, poweroff worked and fsck found the image clean.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import ROOT, Qemu  # noqa: E402
from fsimg import disk_args, fsck  # noqa: E402

FS_IMG = os.path.join(ROOT, "build", "fs.img")
SHELL_PROMPT = r"\$ "
SUMMARY = re.compile(r"^sysfuzz: (PASS|FAIL)\s*$", re.M)


def copy_image(dst):
    if not os.path.isfile(FS_IMG):
        raise SystemExit("build/fs.img is missing: run `make` first")
    subprocess.run(["cp", "--sparse=always", FS_IMG, dst], check=True)
    return dst


def fuzz(img, cpus, seed, calls, seconds=0, jobs=2, chunk=400, make_vm=None, wait=None,
         exclude=()):
    """Boot, run sysfuzz, power off; returns (verdict, console log, fsck status, fsck output).

    make_vm(cpus=, timeout=, extra=, lifetime=) starts a Qemu (the pytest fixture
    in tests); wait is how long the run may take in seconds.
    """
    if wait is None:
        wait = (seconds or calls / 300) * 3 + 300
    lifetime = int(wait) + 600
    if make_vm is None:
        def make_vm(**kw):
            return Qemu(name=f"fuzz{cpus}", **kw)
    vm = make_vm(cpus=cpus, timeout=120, extra=disk_args(img), lifetime=lifetime)
    try:
        vm.expect(SHELL_PROMPT, timeout=120)
        cmd = f"sysfuzz -s {seed} -n {calls} -j {jobs} -c {chunk}"
        if seconds:
            cmd += f" -t {seconds}"
        cmd += "".join(f" -x {name}" for name in exclude)
        vm.sendline(cmd)
        vm.expect(r"sysfuzz: seed", timeout=60)
        m = vm.expect([r"sysfuzz: (PASS|FAIL)\r?\n", r"panic: ", r"system halted",
                       r"init: sh exited"], timeout=wait)
        if vm.last_index == 3:  # the fuzzer's children reached its shell: it died
            vm.drain(2)
            return "SHELL DIED", vm.log, None, ""
        if vm.last_index != 0:
            vm.drain(2)
            return "PANIC", vm.log, None, ""
        verdict = m.group(1)
        vm.expect(SHELL_PROMPT, timeout=60)
        vm.sendline("poweroff")
        status = vm.wait_exit(timeout=120)
        if status != 0:
            return f"POWEROFF {status}", vm.log, None, ""
    finally:
        vm.kill()
    status, out = fsck(img)
    return verdict, vm.log, status, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=1000000)
    ap.add_argument("--seconds", type=int, default=0, help="stop starting children after this")
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2, help="children at a time (1-4)")
    ap.add_argument("--chunk", type=int, default=400, help="calls per child")
    ap.add_argument("--log", help="write the whole console log here")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        img = copy_image(os.path.join(tmp, "fs.img"))
        verdict, log, fstatus, fout = fuzz(img, a.cpus, a.seed, a.calls, a.seconds, a.jobs,
                                           a.chunk)
    if a.log:
        with open(a.log, "w") as f:
            f.write(log)
    for line in log.split("\n"):
        if line.startswith("sysfuzz:") or line.startswith(" ") and "/" in line \
                or "panic" in line or "FAILURE" in line:
            print(line)
    print(f"fsck: {'clean' if fstatus == 0 else fout.strip() or 'not run'}")
    ok = verdict == "PASS" and fstatus == 0
    print(f"fuzzrun: seed {a.seed}, CPUS={a.cpus}: {'PASS' if ok else 'FAIL (' + verdict + ')'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
