"""
Disk images for the storage tests: made with the project's own mkfs and
checked with its fsck (both built by `make test` into build/mkfs/).
"""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MKFS = os.path.join(ROOT, "build", "mkfs", "mkfs")
FSCK = os.path.join(ROOT, "build", "mkfs", "fsck")


def _tool(path):
    if not os.path.isfile(path):
        pytest.fail(f"{os.path.relpath(path, ROOT)} is missing: run `make test`", pytrace=False)
    return path


def make_image(path, size="16M", inodes=None, trees=()):
    """A fresh QFS image at path (a str), from the given host directories."""
    cmd = [_tool(MKFS)]
    if inodes:
        cmd += ["-i", str(inodes)]
    cmd += [str(path), size] + [str(t) for t in trees]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return str(path)


def blank_image(path, size_mb=8):
    """A zero-filled raw disk (for the driver's scratch-disk test)."""
    with open(path, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    return str(path)


def fsck(path, *flags):
    """Run fsck; returns (exit status, output)."""
    r = subprocess.run([_tool(FSCK), *flags, str(path)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def disk_args(*images):
    """QEMU arguments attaching images as virtio disks vda, vdb, ... in order."""
    args = []
    for i, img in enumerate(images):
        args += ["-drive", f"file={img},if=none,format=raw,id=d{i}",
                 "-device", f"virtio-blk-device,drive=d{i}"]
    return args
