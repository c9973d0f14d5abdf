#!/usr/bin/python3
"""
The autograder: runs the pytest suite in tests/ and scores it by tests/rubric.txt.

    make grade                          (= /usr/bin/python3 tests/grade.py)
    tests/grade.py -k boot              extra arguments go to pytest

Prints pytest's own progress and failure report, then one line per rubric
entry (`name: points/max`) and `Score: X/Y`.  Exits 0 only if every test that
ran passed and every rubric entry earned its points.
"""

import os
import re
import sys
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
RUBRIC = os.path.join(TESTS_DIR, "rubric.txt")

try:
    import pytest
except ImportError:
    sys.exit("grade.py: pytest is missing; run it with Debian's /usr/bin/python3 "
             "(package python3-pytest), e.g. `make grade`")


class Entry:
    def __init__(self, name, points, patterns, line):
        self.name, self.points, self.patterns, self.line = name, points, patterns, line
        self.regexes = [pattern_regex(p) for p in patterns]

    def matches(self, test_id):
        return any(r.fullmatch(test_id) for r in self.regexes)


def pattern_regex(pattern):
    """`*` and `?` are wildcards, everything else (`[` too) is literal; a pattern
    naming a test function also matches all its parameter sets (`name[...]`)."""
    body = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(body + r"(\[.*\])?")


def read_rubric(path=RUBRIC):
    entries = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 3 or not words[1].isdigit():
                sys.exit(f"{path}:{n}: expected `<name> <points> <pattern>...`")
            entries.append(Entry(words[0], int(words[1]), words[2:], n))
    return entries


def test_id(nodeid):
    """pytest's node id relative to tests/, however pytest was started."""
    path, sep, rest = nodeid.partition("::")
    return os.path.basename(path.replace("\\", "/")) + sep + rest


class Collector:
    """pytest plugin: the outcome and duration of every test."""

    def __init__(self):
        self.outcome = {}  # test id -> "passed" | "failed" | "skipped"
        self.duration = {}

    def pytest_runtest_logreport(self, report):
        tid = test_id(report.nodeid)
        self.duration[tid] = self.duration.get(tid, 0.0) + report.duration
        if report.failed:
            self.outcome[tid] = "failed"
        elif report.skipped and self.outcome.get(tid) != "failed":
            self.outcome[tid] = "skipped"
        elif report.when == "call" and report.passed:
            self.outcome.setdefault(tid, "passed")


def score(entries, results):
    """[(entry, earned, [failing or missing test ids])] and the set of graded ids."""
    rows, graded = [], set()
    for e in entries:
        ids = sorted(t for t in results.outcome if e.matches(t))
        graded.update(ids)
        bad = [t for t in ids if results.outcome[t] != "passed"]
        earned = e.points if ids and not bad else 0
        rows.append((e, earned, bad if ids else None))
    return rows, graded


def main(argv):
    entries = read_rubric()
    results = Collector()
    start = time.monotonic()
    print("== Quill autograder: running the test suite (this boots QEMU many times) ==",
          flush=True)
    code = pytest.main(["-q", TESTS_DIR] + argv, plugins=[results])
    elapsed = time.monotonic() - start

    rows, graded = score(entries, results)
    print()
    print("=" * 60)
    print(f"Quill autograder: {len(results.outcome)} tests in {elapsed:.0f}s")
    print("=" * 60)
    for e, earned, bad in rows:
        print(f"{e.name}: {earned}/{e.points}")
        if bad is None:
            print(f"    not run: no test matches {' '.join(e.patterns)}")
        for t in bad or []:
            print(f"    not passed: {t} ({results.outcome[t]})")
    ungraded = sorted(t for t in results.outcome if t not in graded)
    failed_ungraded = [t for t in ungraded if results.outcome[t] == "failed"]
    for t in failed_ungraded:
        print(f"(not in the rubric) failed: {t}")
    total = sum(e.points for e in entries)
    got = sum(earned for _, earned, _ in rows)
    print("-" * 60)
    print(f"Score: {got}/{total}")
    failed = any(o == "failed" for o in results.outcome.values())
    if code not in (0, 5) or failed or got < total:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
