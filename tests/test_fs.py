"""
Storage: the virtio-blk driver and the file system, tested inside the kernel
(self-tests on a scratch image) and checked from the host with fsck.
"""

import re

import pytest

from fsimg import blank_image, disk_args, fsck, make_image

FS_TESTS = "fs-basic,fs-bigfile,fs-dirs,fs-links,fs-open,fs-rename,fs-concurrent,fs-full,fs-log"
TIMEOUT = 400


def run(qemu, cpus, bootargs, disks):
    vm = qemu(cpus=cpus, bootargs=bootargs, extra=disk_args(*disks))
    vm.wait_boot()
    m = vm.expect([r"selftest: (all passed|\d+ failed)", r"system halted"], timeout=TIMEOUT)
    assert vm.last_index == 0, "the kernel panicked"
    assert vm.wait_exit(timeout=60) == 0
    return vm.log, m.group(1)


@pytest.mark.parametrize("cpus", [1, 4])
def test_fs_selftests(qemu, tmp_path, cpus):
    """Every file-system self-test passes on a fresh image, and fsck finds it clean."""
    img = make_image(tmp_path / "fs.img", "16M", inodes=1024)
    log, summary = run(qemu, cpus, f"selftest={FS_TESTS} poweroff", [img])
    assert "qfs: mounted vda" in log
    passed = set(re.findall(r"^selftest (fs-\S+): PASS", log, re.M))
    failed = re.findall(r"^selftest (\S+): FAIL: (.*)$", log, re.M)
    assert not failed, f"failed: {failed}"
    assert passed == set(FS_TESTS.split(",")), f"passed only {sorted(passed)}"
    assert summary == "all passed"
    status, out = fsck(img)
    assert status == 0, f"fsck after the self-tests:\n{out}"


@pytest.mark.parametrize("cpus", [1, 4])
def test_disk_driver(qemu, tmp_path, cpus):
    """Concurrent requests to a scratch disk (several in flight), bad ranges, flush."""
    root = make_image(tmp_path / "fs.img", "8M")
    scratch = blank_image(tmp_path / "scratch.img", 8)
    log, summary = run(qemu, cpus, "selftest=disk poweroff", [root, scratch])
    assert re.search(r"virtio-blk vdb: 16384 sectors", log)
    m = re.search(r"^selftest disk: PASS.*$", log, re.M)
    assert m, "the disk self-test did not pass"
    assert summary == "all passed"


def test_mount_and_persist(qemu, tmp_path):
    """Files written in one boot are there in the next; the image stays clean."""
    src = tmp_path / "tree"
    (src / "docs").mkdir(parents=True)
    (src / "docs" / "hello.txt").write_text("hello from the host\n")
    img = make_image(tmp_path / "fs.img", "8M", trees=[src])
    vm = qemu(cpus=2, bootargs="selftest=fs-open poweroff", extra=disk_args(img))
    vm.wait_boot()
    vm.expect(r"selftest: all passed", timeout=TIMEOUT)
    assert vm.wait_exit() == 0
    assert re.search(r"qfs: mounted vda: 2048 blocks", vm.log)
    status, out = fsck(img, "-v")
    assert status == 0, out
    assert "clean" in out


def test_not_a_filesystem(qemu, tmp_path):
    """A disk without QFS is refused with a message, not a crash."""
    junk = blank_image(tmp_path / "junk.img", 4)
    vm = qemu(cpus=1, extra=disk_args(junk))
    vm.wait_prompt()
    assert "does not hold a valid file system" in vm.log
    vm.poweroff()


def damaged_disk_tree(tmp_path):
    """A small tree with every kind of structure: a file with an indirect block,
    a symlink, and a directory big enough to be indexed."""
    src = tmp_path / "tree"
    (src / "d").mkdir(parents=True)
    (src / "d" / "small").write_text("small file\n")
    (src / "d" / "big").write_bytes(bytes(range(256)) * 400)  # 100 KiB: direct and indirect
    (src / "d" / "link").symlink_to("small")
    (src / "many").mkdir()
    for i in range(150):
        (src / "many" / f"entry{i}").write_text(str(i))
    return src


@pytest.mark.parametrize("cpus", [1, 4])
def test_damaged_images(qemu, tmp_path, cpus):
    """Hundreds of damaged images (superblock, bitmaps, inodes, directory and indirect
    blocks, journal header, random flips) are mounted and used: each is refused or
    used with errors, never a panic; the scratch image is pristine afterwards."""
    root = make_image(tmp_path / "root.img", "16M", inodes=1024)
    scratch = make_image(tmp_path / "scratch.img", "4M", inodes=256, trees=[damaged_disk_tree(tmp_path)])
    log, summary = run(qemu, cpus, "selftest=fs-corrupt poweroff", [root, scratch])
    assert "panic" not in log
    m = re.search(r"^selftest fs-corrupt: PASS \((\d+) damaged images: (\d+) refused at mount, "
                  r"(\d+) made read-only", log, re.M)
    assert m, "fs-corrupt did not pass"
    assert int(m.group(1)) >= 300 and int(m.group(2)) > 0 and int(m.group(3)) > 0
    assert "corrupt file system" in log and "refusing to mount" in log
    assert summary == "all passed"
    status, out = fsck(scratch)
    assert status == 0, f"fsck of the restored scratch image:\n{out}"


def test_damaged_root_refused(qemu, tmp_path):
    """A root disk whose block bitmap marks metadata free is refused with a message."""
    img = make_image(tmp_path / "fs.img", "8M")
    with open(img, "r+b") as f:
        f.seek(4096)
        sb = f.read(64)
        bmap_start = int.from_bytes(sb[36:40], "little")
        f.seek(bmap_start * 4096)
        f.write(b"\0")
    vm = qemu(cpus=1, extra=disk_args(img))
    vm.wait_prompt()
    assert "does not mark every metadata block as used" in vm.log
    assert "refusing to mount" in vm.log
    vm.poweroff()
