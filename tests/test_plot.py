"""
The scheduling picture: scripts/gantt.py turns a `schedtrace` dump into a
metrics table and a Gantt chart, and scripts/plot-workload.py (`make plot`)
makes one from a workload run in the guest.

The host test feeds gantt.py a trace whose answers are worked out by hand
from the textbook's definitions; the guest test runs the default `make
plot` workload (stride-abc under sched=stride on one hart) and checks that
the chart is a real PNG and the table names the workload's jobs.
"""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

GANTT = os.path.join(ROOT, "scripts", "gantt.py")
PLOT = os.path.join(ROOT, "scripts", "plot-workload.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MS = 1_000_000

# hart 0 runs 5 (0-10 ms), 6 (10-30), 5 (30-40, exits), idle, 6 (50-60, exits);
# hart 1 runs 7 (5-25, exits).  Lines that are not events are ignored.
TRACE = f"""\
$ schedtrace stride-abc 2
0 {0 * MS} 0 0 5 wake
1 {5 * MS} 1 0 7 wake
1 {10 * MS} 0 5 6 tick
2 {25 * MS} 1 7 0 exit
3 {30 * MS} 0 6 5 tick
4 {40 * MS} 0 5 0 exit
5 {50 * MS} 0 0 6 wake
6 {60 * MS} 0 6 0 exit
some workload output
"""

# pid: first run, completion, cpu, turnaround, response, waiting (ms, from the
# first event; arrival is the first switch-in the trace sees).
EXPECTED = {
    5: (0, 40, 20, 40, 0, 20),
    6: (10, 60, 30, 50, 0, 20),
    7: (5, 25, 20, 20, 0, 0),
}


def table(out):
    """gantt.py's table: {pid: (first, done, cpu, turnaround, response, waiting)}."""
    rows = {}
    for m in re.finditer(r"^\s*(-?\d+)((?:\s+(?:-?[\d.]+|nan)){6})\s*$", out, re.M):
        rows[int(m.group(1))] = tuple(float(v) for v in m.group(2).split())
    return rows


def test_gantt_metrics_and_chart(tmp_path):
    """The table follows the definitions (turnaround = completion - arrival,
    waiting = turnaround - CPU) and the chart is a PNG, by hart and by process."""
    trace = tmp_path / "t.trace"
    trace.write_text(TRACE)
    for by in ("hart", "process"):
        png = tmp_path / f"t-{by}.png"
        r = subprocess.run([sys.executable, GANTT, str(trace), "-o", str(png), "--by", by],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        rows = table(r.stdout)
        assert rows == {pid: tuple(float(v) for v in want) for pid, want in EXPECTED.items()}, \
            r.stdout
        data = png.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 2000, f"{png}: not a chart"


def test_gantt_rejects_empty_trace(tmp_path):
    trace = tmp_path / "empty.trace"
    trace.write_text("$ schedtrace true\nnothing here\n")
    r = subprocess.run([sys.executable, GANTT, str(trace)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0 and "no trace events" in r.stderr


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "build", "fs.img")),
                    reason="build/fs.img not built yet")
def test_make_plot_workload(tmp_path):
    """`make plot`'s script on its default workload: a trace file, a PNG, and a
    table with the three stride jobs and the parent, each with CPU time."""
    out = tmp_path / "plot"
    r = subprocess.run([sys.executable, PLOT, "--cpus", "1", "--bootargs", "sched=stride",
                        "--out", str(out), "stride-abc", "2"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    trace = (tmp_path / "plot.trace").read_text()
    assert re.search(r"^order: [ABC]+", trace, re.M), "stride-abc did not run:\n" + trace[-2000:]
    rows = table(r.stdout)
    users = {pid: row for pid, row in rows.items() if pid > 0}
    assert len(users) >= 4, f"expected the three jobs and their parent:\n{r.stdout}"
    busy = [pid for pid, row in users.items() if row[2] > 0]
    assert len(busy) >= 3, f"fewer than three processes were charged CPU:\n{r.stdout}"
    for pid, (first, done, cpu, turn, resp, wait) in users.items():
        if done == done:  # not nan: it exited inside the trace
            assert abs(turn - (cpu + wait)) < 0.2, f"pid {pid}: turnaround != cpu + waiting"
    data = (tmp_path / "plot.png").read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 2000
