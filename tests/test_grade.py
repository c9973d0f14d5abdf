"""
make grade's rubric (tests/rubric.txt) against the suite itself: every test
pytest collects is scored by some entry, and every entry scores some test.
A test added without points, or points left on a test that was renamed or
removed, fails here instead of silently dropping out of the score.
"""

import os
import subprocess
import sys

from conftest import ROOT

import grade


def collected_ids():
    """The id (relative to tests/, as grade.py uses) of every test of the suite."""
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                        "-p", "no:cacheprovider", "tests"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"collection failed:\n{r.stdout}\n{r.stderr}"
    return [grade.test_id(line.strip()) for line in r.stdout.splitlines() if "::" in line]


def test_rubric_covers_the_suite():
    entries = grade.read_rubric()
    ids = collected_ids()
    assert "test_grade.py::test_rubric_covers_the_suite" in ids, ids
    unscored = [t for t in ids if not any(e.matches(t) for e in entries)]
    assert not unscored, f"tests no entry of tests/rubric.txt scores: {unscored}"
    dead = [f"{e.name} (line {e.line})" for e in entries if not any(e.matches(t) for t in ids)]
    assert not dead, f"rubric entries that match no test: {dead}"
