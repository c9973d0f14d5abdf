#!/usr/bin/python3
"""
The autograder: runs tests of tests/ and scores them by tests/rubric.txt.

    make grade                    every test, every rubric entry
    make grade LAB=syscall        one lab: only the tests its rubric entries name
    tests/grade.py [--lab NAME] [--json FILE] [pytest arguments...]

A rubric entry belongs to a lab when its name starts with `<lab>:` (the labs
and their pass marks are in tests/labs.txt).  While the tests run it prints
one line per test (PASS/FAIL/SKIP, seconds, and for a failure why), then one
line per rubric entry (`name: points/max`), the total and, for a lab, whether
it reaches the pass mark.  The results also go to a JSON file (default
build/grade.json, or build/grade-<lab>.json) for course tooling:

    {"lab": "syscall" | null, "score": 20, "total": 30, "pass_mark": 70,
     "passed": false, "elapsed": 81.2,
     "entries": [{"name": ..., "points": ..., "earned": ..., "tests": [...]}],
     "tests": [{"id": ..., "outcome": "passed|failed|skipped", "seconds": ...,
                "phase": "call|setup|teardown", "reason": ...}]}

Exit status: 0 if every test that ran passed and every entry earned its
points (for a lab: if the score reaches the pass mark), else 1.
"""

import argparse
import json
import os
import re
import sys
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS_DIR)
RUBRIC = os.path.join(TESTS_DIR, "rubric.txt")
LABS_TXT = os.path.join(TESTS_DIR, "labs.txt")

try:
    import pytest
except ImportError:
    sys.exit("grade.py: pytest is missing; run it with Debian's /usr/bin/python3 "
             "(package python3-pytest), e.g. `make grade`")


class Entry:
    def __init__(self, name, points, patterns, line):
        self.name, self.points, self.patterns, self.line = name, points, patterns, line
        self.regexes = [pattern_regex(p) for p in patterns]
        self.lab = name.split(":", 1)[0] if ":" in name else None

    def matches(self, test_id):
        return any(r.fullmatch(test_id) for r in self.regexes)

    def files(self):
        return sorted({p.split("::", 1)[0] for p in self.patterns})


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


def read_pass_marks(path=LABS_TXT):
    """{lab: pass mark in percent} from tests/labs.txt."""
    marks = {}
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) >= 2 and words[1].endswith("%"):
                marks[words[0]] = int(words[1][:-1])
    return marks


def test_id(nodeid):
    """pytest's node id relative to tests/, however pytest was started."""
    path, sep, rest = nodeid.partition("::")
    return os.path.basename(path.replace("\\", "/")) + sep + rest


def failure_reason(report):
    """One line saying why a test failed: the exception's message, shortened."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    # A message of the test's own comes first; pytest's introspection after it.
    for i, ln in enumerate(lines[1:], 1):
        if ln.startswith(("assert ", "+ ", "where ")):
            lines = lines[:i]
            break
    reason = " / ".join(lines[:3]) if lines else "failed"
    return reason if len(reason) <= 300 else reason[:297] + "..."


class Collector:
    """pytest plugin: keeps only the selected tests, records and prints each result."""

    def __init__(self, selected=None, out=sys.stdout):
        self.selected = selected  # None: every test; else a predicate on test ids
        self.out = out
        self.results = {}  # test id -> dict (see the JSON format above)
        self.order = []

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        """pytest's own progress (dots) and report are replaced by ours."""
        reporter = config.pluginmanager.getplugin("terminalreporter")
        if reporter is not None:
            config.pluginmanager.unregister(reporter)

    def pytest_collection_modifyitems(self, session, config, items):
        if self.selected is None:
            return
        keep = [i for i in items if self.selected(test_id(i.nodeid))]
        drop = [i for i in items if not self.selected(test_id(i.nodeid))]
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep
        print(f"grade: {len(keep)} tests to run", file=self.out, flush=True)

    def pytest_collectreport(self, report):
        if report.failed:
            tid = test_id(report.nodeid) or report.nodeid
            self._record(tid, "failed", 0.0, "collect", failure_reason(report))
            self._print(tid)

    def pytest_runtest_logreport(self, report):
        tid = test_id(report.nodeid)
        r = self.results.get(tid)
        if r is None:
            r = self._record(tid, None, 0.0, None, None)
        r["seconds"] += report.duration
        if report.failed and r["outcome"] != "failed":
            r.update(outcome="failed", phase=report.when, reason=failure_reason(report))
        elif report.skipped and r["outcome"] is None:
            r.update(outcome="skipped", phase=report.when,
                     reason=str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else "")
        elif report.when == "call" and report.passed and r["outcome"] is None:
            r.update(outcome="passed", phase="call")
        if report.when == "teardown":
            self._print(tid)

    def _record(self, tid, outcome, seconds, phase, reason):
        r = {"id": tid, "outcome": outcome, "seconds": seconds, "phase": phase, "reason": reason}
        if tid not in self.results:
            self.order.append(tid)
        self.results[tid] = r
        return r

    def _print(self, tid):
        r = self.results[tid]
        word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}.get(r["outcome"], "????")
        line = f"  {word}  {tid}  ({r['seconds']:.1f}s)"
        if r["outcome"] == "failed":
            where = "" if r["phase"] == "call" else f"in {r['phase']}: "
            line += f"\n        why: {where}{r['reason']}"
        elif r["outcome"] == "skipped" and r["reason"]:
            line += f"  {r['reason']}"
        print(line, file=self.out, flush=True)

    @property
    def outcome(self):
        return {t: r["outcome"] or "failed" for t, r in self.results.items()}


def score(entries, outcome):
    """[(entry, earned, [failing or missing test ids] or None if none ran)], graded ids."""
    rows, graded = [], set()
    for e in entries:
        ids = sorted(t for t in outcome if e.matches(t))
        graded.update(ids)
        bad = [t for t in ids if outcome[t] != "passed"]
        earned = e.points if ids and not bad else 0
        rows.append((e, earned, bad if ids else None))
    return rows, graded


def report(rows, collector, lab, pass_mark, elapsed, json_path, out=sys.stdout):
    """Print the score table and write the JSON file; return (score, total, passed)."""
    outcome = collector.outcome
    print("\n" + "=" * 64, file=out)
    title = f"lab {lab}" if lab else "all tests"
    print(f"Quill autograder, {title}: {len(outcome)} tests in {elapsed:.0f}s", file=out)
    print("=" * 64, file=out)
    for e, earned, bad in rows:
        print(f"{e.name}: {earned}/{e.points}", file=out)
        if bad is None:
            print(f"    not run: no test matches {' '.join(e.patterns)}", file=out)
        for t in bad or []:
            r = collector.results[t]
            print(f"    not passed: {t} ({outcome[t]}): {r['reason'] or ''}", file=out)
    got = sum(earned for _, earned, _ in rows)
    total = sum(e.points for e, _, _ in rows)
    print("-" * 64, file=out)
    print(f"Score: {got}/{total}", file=out)
    if lab:
        passed = total > 0 and got * 100 >= pass_mark * total
        print(f"Lab {lab}: {'PASSED' if passed else 'NOT PASSED'} (pass mark {pass_mark}%)",
              file=out)
    else:
        passed = got == total and all(o == "passed" or o == "skipped" for o in outcome.values())
    if json_path:
        os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
        data = {
            "lab": lab, "score": got, "total": total, "pass_mark": pass_mark if lab else 100,
            "passed": passed, "elapsed": round(elapsed, 1),
            "entries": [{"name": e.name, "points": e.points, "earned": earned,
                         "tests": sorted(t for t in outcome if e.matches(t))}
                        for e, earned, _ in rows],
            "tests": [collector.results[t] for t in collector.order],
        }
        with open(json_path, "w") as f:
            json.dump(data, f, indent=1)
        print(f"Results: {os.path.relpath(json_path)}", file=out)
    return got, total, passed


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Quill autograder", add_help=True)
    ap.add_argument("--lab", help="grade one lab (tests/labs.txt)")
    ap.add_argument("--json", help="results file (default build/grade[-LAB].json)")
    return ap.parse_known_args(argv)


def main(argv):
    args, pytest_args = parse_args(argv)
    entries = read_rubric()
    lab, pass_mark, selected, paths = args.lab or None, 100, None, [TESTS_DIR]
    if lab:
        marks = read_pass_marks()
        if lab not in marks:
            sys.exit(f"grade.py: no lab {lab!r}; the labs are: {' '.join(marks)}")
        pass_mark = marks[lab]
        entries = [e for e in entries if e.lab == lab]
        if not entries:
            sys.exit(f"grade.py: tests/rubric.txt has no entry `{lab}:...`")
        selected = lambda tid: any(e.matches(tid) for e in entries)  # noqa: E731
        paths = [os.path.join(TESTS_DIR, f) for f in sorted({f for e in entries for f in e.files()})]
    json_path = args.json or os.path.join(ROOT, "build", f"grade-{lab}.json" if lab else "grade.json")
    collector = Collector(selected)
    start = time.monotonic()
    print(f"== Quill autograder: {'lab ' + lab if lab else 'every test'} "
          "(each test boots QEMU; results print as they come) ==", flush=True)
    code = pytest.main(["-p", "no:cacheprovider"] + paths + pytest_args,
                       plugins=[collector])
    rows, graded = score(entries, collector.outcome)
    got, total, passed = report(rows, collector, lab, pass_mark, time.monotonic() - start,
                                json_path)
    if not lab:
        for t in sorted(t for t, o in collector.outcome.items() if o == "failed" and t not in graded):
            print(f"(not in the rubric) failed: {t}")
    if code not in (0, 1, 5):
        print(f"grade.py: pytest stopped with status {code}")
        return 1
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
