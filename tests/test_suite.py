"""
The suite's own bookkeeping, checked against the suite itself (host only, no
QEMU): every test pytest collects is scored by an entry of tests/rubric.txt
and every entry scores some test, and every name in conftest.LONG_FIRST is a
test that exists.  A test added without points, points left on a test that
was renamed or removed, or a long test that lost its place at the front of a
parallel run, fails here instead of going unnoticed.
"""

import os
import subprocess
import sys

import pytest

import conftest
import grade
from conftest import ROOT


@pytest.fixture(scope="module")
def collected():
    """The id (relative to tests/, as grade.py uses) of every test of the suite."""
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                        "-p", "no:cacheprovider", "tests"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"collection failed:\n{r.stdout}\n{r.stderr}"
    ids = [grade.test_id(line.strip()) for line in r.stdout.splitlines() if "::" in line]
    assert "test_suite.py::test_rubric_covers_the_suite" in ids, ids
    return ids


def test_rubric_covers_the_suite(collected):
    entries = grade.read_rubric()
    unscored = [t for t in collected if not any(e.matches(t) for e in entries)]
    assert not unscored, f"tests no entry of tests/rubric.txt scores: {unscored}"
    dead = [f"{e.name} (line {e.line})" for e in entries
            if not any(e.matches(t) for t in collected)]
    assert not dead, f"rubric entries that match no test: {dead}"


def test_long_first_names_tests(collected):
    functions = {t.split("[", 1)[0] for t in collected}
    missing = [name for name in conftest.LONG_FIRST if name not in functions]
    assert not missing, f"conftest.LONG_FIRST names tests that do not exist: {missing}"
