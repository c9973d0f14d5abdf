"""
`make update-fs` (scripts/update-fs.sh, scripts/qfs.py): an image that Quill
wrote to gets the new /bin and rootfs/ and keeps everything else.

The old image is made from this tree and changed in Quill as a student would:
files and directories of their own, a symbolic link, an edited /README.txt, a
program of their own in /bin and a program of the build overwritten (standing
in for an old version).  After the update, in Quill: the student's files are
all there, the build's program is the build's again, and fsck is clean.
"""

import os
import shutil
import subprocess

from conftest import ROOT
from fsimg import disk_args, fsck
from test_shell import PROMPT, Shell

SCRIPT = os.path.join(ROOT, "scripts", "update-fs.sh")


def boot(qemu, img):
    vm = qemu(cpus=2, extra=disk_args(img))
    vm.expect(PROMPT, timeout=120)
    return Shell(vm)


def poweroff(sh):
    sh.vm.sendline("poweroff")
    assert sh.vm.wait_exit(timeout=60) == 0


def test_update_fs_keeps_student_files(qemu, tmp_path):
    old = str(tmp_path / "old.img")
    shutil.copyfile(os.path.join(ROOT, "build", "fs.img"), old)
    sh = boot(qemu, old)
    for line in ("mkdir /home; mkdir /home/me", "echo my notes > /home/me/notes.txt",
                 "echo edited > /README.txt", "ln -s /home/me/notes.txt /notes",
                 "echo 'echo mine' > /bin/mytool", "echo broken > /bin/hello"):
        out, status = sh.status(line)
        assert status == 0, f"{line}: {out}"
    poweroff(sh)

    env = dict(os.environ)
    r = subprocess.run(["sh", SCRIPT, old, old, os.path.join(ROOT, "build")], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, f"update-fs failed:\n{r.stdout}{r.stderr}"
    assert os.path.isfile(old + ".prev"), "the image before the update is not kept"
    status, out = fsck(old)
    assert status == 0, f"fsck of the updated image:\n{out}"

    sh = boot(qemu, old)
    assert sh.lines("cat /home/me/notes.txt") == ["my notes"]
    assert sh.lines("cat /notes") == ["my notes"], "the symbolic link"
    assert sh.lines("cat /README.txt") == ["edited"], "the student's edit of a rootfs file"
    assert sh.lines("cat /bin/mytool") == ["echo mine"], "a file of the student's in /bin"
    out = sh.run("hello")
    assert "broken" not in out and "not found" not in out and out.strip(), (
        f"/bin/hello is not the build's program again: {out!r}")
    want = sorted(os.listdir(os.path.join(ROOT, "rootfs", "etc")))
    assert sorted(sh.lines("ls /etc")) == want, "rootfs/etc"
    poweroff(sh)


def test_qfs_refuses_a_pending_journal(tmp_path):
    """A journal with a committed transaction: the reader says what to do."""
    img = str(tmp_path / "j.img")
    shutil.copyfile(os.path.join(ROOT, "build", "fs.img"), img)
    import struct
    with open(img, "r+b") as f:
        f.seek(4096)
        log_start = struct.unpack("<6I", f.read(24))[5]
        f.seek(log_start * 4096)
        f.write(struct.pack("<II", 0x4C4F4732, 1))
    r = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "qfs.py"), "ls", img],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "journal" in r.stderr and "boot" in r.stderr, r.stderr
