"""
The lab handout docs/labs/syscall.md must keep working: apply its steps to a
copy of the tree (code blocks that start with `// add to: PATH` are
appended to PATH, `// new file: PATH` creates PATH), build, boot, and run
the program it writes.
"""

import os
import re
import shutil
import subprocess

import pytest

from fsimg import disk_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HANDOUT = os.path.join(ROOT, "docs", "labs", "syscall.md")


def handout_steps():
    text = open(HANDOUT).read()
    steps = []
    for block in re.findall(r"```c\n(.*?)```", text, re.S):
        m = re.match(r"// (add to|new file): (\S+).*?\n", block)
        if m:
            steps.append((m.group(1), m.group(2), block[m.end():]))
    return steps


def copy_tree(dst):
    files = subprocess.run(["git", "ls-files"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        src = os.path.join(ROOT, f)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(dst, f)), exist_ok=True)
            shutil.copy2(src, os.path.join(dst, f))


@pytest.mark.slow
def test_lab_add_a_syscall(qemu, tmp_path, monkeypatch):
    steps = handout_steps()
    assert len(steps) >= 3, "the handout lost its code blocks"
    tree = tmp_path / "tree"
    copy_tree(tree)
    for kind, path, code in steps:
        target = tree / path
        if kind == "add to":
            assert target.exists(), f"the handout adds to {path}, which does not exist"
            with open(target, "a") as f:
                f.write(code)
        else:
            assert not target.exists(), f"the handout creates {path}, which exists already"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code)
    build = subprocess.run(["make", "kernel", "build/fs.img"], cwd=tree, capture_output=True,
                           text=True, timeout=900)
    assert build.returncode == 0, f"the handout's code does not build:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    img = tmp_path / "fs.img"
    shutil.copy(tree / "build" / "fs.img", img)
    import conftest
    monkeypatch.setattr(conftest, "KERNEL", str(tree / "build" / "kernel.elf"))
    vm = qemu(cpus=2, extra=disk_args(img))
    vm.expect(r"\$ ", timeout=120)
    vm.sendline("upcase hello quill")
    vm.expect(r"\$ ", timeout=60)
    out = vm.before()
    assert "HELLO (5)" in out and "QUILL (5)" in out, out
    assert "bad pointer: EFAULT" in out, out
