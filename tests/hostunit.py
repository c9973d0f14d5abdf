"""
Run the host unit tests (tests/unit/, the Check framework) from pytest, for
the labs whose reference code also builds on the host (tests/test_lab_clock.py,
tests/test_lab_sched.py).  A grader names its cases in a table, one pytest
test per row, with the hint a student sees when that case fails:

    test_clock_unit = hostunit.cases("repl_test", {
        # pytest id: (the Check test in tests/unit/test_repl.c, the hint)
        "textbook": ("test_clock_textbook", "clock's fault counts differ ..."),
    })

makes `test_clock_unit[textbook]`; hostunit.check(name, test, hint) is one
such check on its own.

The binary is built with make (build/unit/NAME, from the tree's own kernel
sources) and run once per pytest session.  Check prints a line for every
failing test, `file:line:F|E:case:test:i: message`; a test whose name is
in the source and has no such line passed.
"""

import os
import re
import subprocess

import pytest

from conftest import ROOT

_cache = {}
FAIL_LINE = re.compile(r"^[^:\n]+:\d+:([FE]):[^:\n]*:(\w+):\d+: ?(.*)$", re.M)


def run(name, timeout=300):
    """({failed test function: Check's message}, the output) of build/unit/NAME."""
    if name in _cache:
        return _cache[name]
    binary = os.path.join(ROOT, "build", "unit", name)
    built = subprocess.run(["make", "-s", os.path.relpath(binary, ROOT)], cwd=ROOT,
                           capture_output=True, text=True, timeout=timeout)
    if built.returncode != 0:
        pytest.fail(f"the host unit test {name} does not build:\n{built.stdout[-2000:]}"
                    f"{built.stderr[-3000:]}", pytrace=False)
    out = subprocess.run([binary], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                         env=dict(os.environ, CK_DEFAULT_TIMEOUT="20"))
    text = out.stdout + out.stderr
    if not re.search(r"\d+%: Checks: \d+", text):
        pytest.fail(f"{name} printed no summary (did it crash?):\n{text[-3000:]}", pytrace=False)
    results = {m.group(2): m.group(3) or m.group(1) for m in FAIL_LINE.finditer(text)}
    _cache[name] = (results, text)
    return _cache[name]


def check(name, test, hint):
    """Fail with hint and Check's message unless `test` of build/unit/NAME passed."""
    results, text = run(name)
    source = open(os.path.join(ROOT, "tests", "unit", test_file(name))).read()
    assert f"START_TEST({test})" in source, f"{test} is not a test of {name}"
    assert test not in results, f"{hint}\n{name}: {test}: {results.get(test)}"


def test_file(name):
    """The test's own source file (repl_test -> test_repl.c)."""
    return "test_" + name[:-len("_test")] + ".c"


def cases(name, table):
    """A pytest test function with one parameter set per row of table
    ({pytest id: (Check test of build/unit/NAME, hint)}): each passes when
    check(name, test, hint) does.  Assign it to a `test_...` name."""

    @pytest.mark.parametrize("case", list(table))
    def test(case):
        check(name, *table[case])

    test.__doc__ = f"The host unit test {name}: " + ", ".join(t for t, _ in table.values())
    return test
