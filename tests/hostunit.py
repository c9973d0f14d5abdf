"""
Run one of the host unit tests (tests/unit/, the Check framework) from a
pytest test, for the labs whose reference code also builds on the host
(tests/test_lab_clock.py, tests/test_lab_sched.py).

    hostunit.check("repl_test", "test_clock_textbook", "what the student got wrong")

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
