#!/usr/bin/env python3
"""
gantt.py: turn a Quill scheduling trace (the output of the guest's
`schedtrace` tool) into a Gantt chart and a table of per-process metrics.

Usage: scripts/gantt.py TRACE [-o chart.png] [--by hart|process]

TRACE holds lines "tick ns hart out in reason" (other lines, such as a
workload's own output or the console's, are ignored).  A process runs on a
hart from the event that switches it in to the next event on that hart.

The table gives, per process (pid; negative ids are kernel threads), as the
textbook defines them, from the first and last events that name it:
arrival ~ first switch-in seen (the trace does not see creation), first run,
completion (its exit switch), CPU time, turnaround = completion - arrival,
response = first run - arrival, waiting = turnaround - CPU.  Times in ms.
"""

import argparse
import re
import sys

EVENT = re.compile(r"^(\d+) (\d+) (\d+) (-?\d+) (-?\d+) (\S+)\s*$")


def parse(lines):
    events = []
    for line in lines:
        m = EVENT.match(line.strip())
        if m:
            tick, ns, hart, out, inn = (int(m.group(i)) for i in range(1, 6))
            events.append((ns, tick, hart, out, inn, m.group(6)))
    events.sort()
    return events


def intervals(events):
    """[(hart, pid, start_ns, end_ns)] for every stretch a pid ran."""
    running, spans = {}, []
    for ns, _, hart, out, inn, _ in events:
        if hart in running:
            pid, start = running.pop(hart)
            if pid != 0:
                spans.append((hart, pid, start, ns))
        running[hart] = (inn, ns)
    return spans


def metrics(events, spans):
    table = {}
    for hart, pid, start, end in spans:
        row = table.setdefault(pid, {"arrival": start, "first": start, "cpu": 0, "done": None})
        row["cpu"] += end - start
        row["first"] = min(row["first"], start)
        row["arrival"] = min(row["arrival"], start)
    for ns, _, _, out, _, reason in events:
        if reason == "exit" and out in table:
            table[out]["done"] = ns
    return table


def print_table(table, t0):
    ms = lambda v: (v - t0) / 1e6
    print(f"{'pid':>6} {'first':>9} {'done':>9} {'cpu':>8} {'turnaround':>10} {'response':>8} {'waiting':>8}")
    for pid in sorted(table):
        r = table[pid]
        done = r["done"]
        turn = (done - r["arrival"]) / 1e6 if done else float("nan")
        resp = (r["first"] - r["arrival"]) / 1e6
        wait = turn - r["cpu"] / 1e6 if done else float("nan")
        print(f"{pid:>6} {ms(r['first']):>9.1f} {ms(done) if done else float('nan'):>9.1f} "
              f"{r['cpu'] / 1e6:>8.1f} {turn:>10.1f} {resp:>8.1f} {wait:>8.1f}")


def plot(spans, out, by, t0):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pids = sorted({pid for _, pid, _, _ in spans})
    colours = {pid: plt.cm.tab20(i % 20) for i, pid in enumerate(pids)}
    rows = sorted({(hart if by == "hart" else pid) for hart, pid, _, _ in spans})
    fig, ax = plt.subplots(figsize=(12, 1 + 0.5 * len(rows)))
    for hart, pid, start, end in spans:
        row = rows.index(hart if by == "hart" else pid)
        ax.broken_barh([((start - t0) / 1e6, (end - start) / 1e6)], (row - 0.4, 0.8),
                       facecolors=colours[pid])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{'hart' if by == 'hart' else 'pid'} {r}" for r in rows])
    ax.set_xlabel("time (ms)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[p]) for p in pids]
    ax.legend(handles, [f"pid {p}" for p in pids], loc="upper right", fontsize="small", ncol=4)
    fig.tight_layout()
    fig.savefig(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace")
    ap.add_argument("-o", "--output", default=None, help="write the chart to this PNG")
    ap.add_argument("--by", choices=["hart", "process"], default="hart")
    args = ap.parse_args()
    with open(args.trace, errors="replace") as f:
        events = parse(f)
    if not events:
        sys.exit(f"{args.trace}: no trace events")
    spans = intervals(events)
    t0 = events[0][0]
    print_table(metrics(events, spans), t0)
    if args.output:
        plot(spans, args.output, args.by, t0)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
