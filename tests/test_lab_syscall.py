"""
Lab syscall (docs/labs/syscall.md): the grader, and a check of the handout.

The graded tests run the tree as it is (whatever the student did): the
kernel must answer system call 510 as the handout specifies (the program
user/tests/upcase_check makes it with a raw ecall, so it builds before the
lab too) and /bin/upcase must print what step 4 shows.  They do not care
how the student wrote the code, only what it does.

test_handout_steps_work is not part of the lab's grade: it applies the
handout literally (code blocks that start with `// add to: PATH` are
appended to PATH, `// new file: PATH` creates PATH) to the lab's starting
tree, builds it, runs the program and the handout's own pytest example, so
that what the handout says keeps working.
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

HANDOUT = os.path.join(ROOT, "docs", "labs", "syscall.md")


def test_upcase_syscall(shell):
    out, status = shell.status("upcase_check")
    assert "upcase_check:" in out, f"upcase_check did not run:\n{out}"
    failed = [ln for ln in out.split("\n") if ln.startswith("FAIL:")]
    assert status == 0 and not failed, "system call 510 (upcase):\n" + "\n".join(failed)


def test_upcase_program(shell):
    out, status = shell.status("upcase hello quill")
    assert "not found" not in out, "/bin/upcase is missing (step 3: user/bin/upcase.c)"
    assert "HELLO (5)" in out and "QUILL (5)" in out, f"upcase hello quill printed:\n{out}"
    assert "bad pointer: EFAULT" in out, f"a bad pointer is not EFAULT:\n{out}"
    assert status == 0, f"upcase exited with status {status}"


def test_upcase(shell):
    """The handout's example test, word for word (step 5)."""
    assert "HELLO (5)" in shell.run("upcase hello")


def handout_steps():
    text = open(HANDOUT).read()
    steps = []
    for lang, block in re.findall(r"```(c|python)\n(.*?)```", text, re.S):
        m = re.match(r"(?://|#) (add to|new file): (\S+).*?\n", block)
        if m:
            steps.append((m.group(1), m.group(2), block[m.end():]))
    return steps


def apply_steps(tree, steps):
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


@pytest.mark.slow
def test_handout_steps_work(tmp_path):
    steps = handout_steps()
    assert len(steps) >= 4, "the handout lost its code blocks"
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lab.py"), "start", "syscall",
                    str(tree)], check=True, capture_output=True, text=True)
    apply_steps(tree, steps)
    build = subprocess.run(["make", "-j2", "kernel", "build/fs.img"], cwd=tree,
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, ("the handout's code does not build:\n"
                                   f"{build.stdout[-3000:]}\n{build.stderr[-3000:]}")
    tests = [p for kind, p, _ in steps if p.startswith("tests/")]
    assert tests, "the handout's step 5 has no test file"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
                         + tests + ["tests/test_lab_syscall.py::test_upcase_syscall"],
                         cwd=tree, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"the handout's tree fails its tests:\n{run.stdout[-4000:]}"
