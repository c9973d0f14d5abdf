"""
Every lab's grader, proven on both sides (docs/labs/README.md).

For each lab of tests/labs.txt, at the same time:
  - the reference side: this tree (which has every lab's solution) graded
    with `tests/grade.py --lab LAB` must score full points;
  - the starting side: `scripts/lab.py start LAB` writes the student's tree,
    which must build (kernel, programs, image) and then score below the pass
    mark, its failures being the lab's own tests failing their checks (in
    the test's body, on a kernel that booted), not a build or set-up error.
Only the lab's own tests run on either side, so a lab costs about one build
and a few boots.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import lab as labtool  # noqa: E402

LABS = list(labtool.read_labs())
BUILD_TIMEOUT = 900
GRADE_TIMEOUT = 900


def grade_cmd(lab, json_path):
    return [sys.executable, "tests/grade.py", "--lab", lab, "--json", str(json_path)]


def finish(proc, what, timeout):
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"{what} did not finish in {timeout}s:\n{out[-3000:]}")
    return out


def test_markers_well_formed():
    problems = labtool.check()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lab", LABS)
def test_grader_proven(lab, tmp_path):
    start = tmp_path / "start"
    labtool.start(lab, str(start))
    ref_json, start_json = tmp_path / "ref.json", tmp_path / "start.json"
    pipe = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    ref = subprocess.Popen(grade_cmd(lab, ref_json), cwd=ROOT, **pipe)
    build = subprocess.run(["make", "-j2", "kernel", "build/fs.img", "build/mkfs/fsck"],
                           cwd=start, timeout=BUILD_TIMEOUT, **pipe)
    if build.returncode != 0:
        ref.kill()
        ref.communicate()
        pytest.fail(f"the starting tree of lab {lab} does not build:\n{build.stdout[-3000:]}")
    student = subprocess.Popen(grade_cmd(lab, start_json), cwd=start, **pipe)
    ref_out = finish(ref, f"grading the reference of {lab}", GRADE_TIMEOUT)
    start_out = finish(student, f"grading the starting tree of {lab}", GRADE_TIMEOUT)
    print(f"----- reference -----\n{ref_out}\n----- starting tree -----\n{start_out}")

    ref_res = json.loads(ref_json.read_text())
    assert ref_res["total"] > 0 and ref_res["score"] == ref_res["total"], (
        f"the reference scores {ref_res['score']}/{ref_res['total']}:\n{ref_out[-3000:]}")
    res = json.loads(start_json.read_text())
    assert res["total"] == ref_res["total"]
    assert not res["passed"] and res["score"] * 100 < res["pass_mark"] * res["total"], (
        f"the starting tree passes ({res['score']}/{res['total']}): the lab cuts out too little")
    failed = [t for t in res["tests"] if t["outcome"] == "failed"]
    assert failed, "no test of the lab fails on the starting tree"
    wrong = [t for t in failed if t["phase"] != "call"]
    assert not wrong, ("tests of the starting tree fail outside their checks: "
                       + "; ".join(f"{t['id']} in {t['phase']}: {t['reason']}" for t in wrong))


def mark(lab, word):
    """A marker line, built so that this file itself holds none."""
    return "/* " + "LAB " + lab + " " + word + " */"


def test_marker_cutting():
    """The cut on its own: reference out, skeleton in, other labs untouched."""
    text = "\n".join([
        "int f(void)", "{",
        mark("a", "BEGIN"), "    return 42;",
        "/* " + "LAB " + "a SKELETON", "    return 0; // yours", "   LAB " + "a END */",
        mark("b", "BEGIN"), "    g();", mark("b", "END"),
        "}"])
    got = labtool.cut(text, "a")
    assert got.split("\n") == ["int f(void)", "{", "    return 0; // yours",
                               mark("b", "BEGIN"), "    g();", mark("b", "END"), "}"]
    assert labtool.cut(text, "b").split("\n") == text.split("\n")[:7] + ["}"]
    assert labtool.cut(text, "c") == text
    for broken in ([mark("a", "BEGIN")], [mark("a", "END")],
                   [mark("a", "BEGIN"), mark("b", "END")],
                   [mark("a", "BEGIN"), mark("a", "BEGIN"), mark("a", "END")]):
        with pytest.raises(labtool.MarkerError):
            labtool.cut("\n".join(broken), "a")
    assert labtool.file_owner("/*\n * " + "LAB " + "x FILE\n */") == "x"
    assert labtool.file_owner("\n" * 20 + "LAB " + "x FILE") is None
