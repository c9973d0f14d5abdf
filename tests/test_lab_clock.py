"""
Lab clock (docs/labs/clock.md): the clock (second-chance) replacement
policy's victim choice, kernel/mm/repl_clock.c.

- On the host, tests/unit/test_repl.c drives the policy with the textbook's
  reference strings (Belady's 1 2 3 4 1 2 5 1 2 3 4 5 with 3 and 4 frames,
  OSTEP's 0 1 2 0 1 3 0 3 1 2 1) and checks the fault counts, and the
  policy's handling of dirty pages and of the hand.
- In Quill, the same strings through `memlimit -p clock N refstring ...` on
  a fresh swap disk: the policy evicting real pages, with the PTE's A and D
  bits as the referenced and dirty bits.
"""

import re

import hostunit
from fsimg import disk_args
from test_shell import PROMPT, Shell
from test_usertests import private_image
from test_vm import swap_image

BELADY = "1 2 3 4 1 2 5 1 2 3 4 5"
OSTEP = "0 1 2 0 1 3 0 3 1 2 1"


test_clock_unit = hostunit.cases("repl_test", {
    "textbook": ("test_clock_textbook",
                 "clock's fault counts differ from the textbook's (Belady 3 frames: 9, "
                 "4 frames: 10; OSTEP 3 frames: 7)"),
    "dirty_and_hand": ("test_clock_prefers_clean",
                       "an unreferenced clean page must go before a dirty one, the first "
                       "dirty one when all are dirty, and the hand stops just past the victim"),
})


def test_clock_in_quill(qemu, tmp_path):
    vm = qemu(cpus=2, extra=disk_args(private_image(tmp_path), swap_image(tmp_path)))
    vm.expect(PROMPT, timeout=120)
    sh = Shell(vm)
    for frames, refs, faults in [(3, BELADY, 9), (4, BELADY, 10), (3, OSTEP, 7)]:
        out = sh.run(f"memlimit -p clock {frames} refstring {refs}", timeout=60)
        m = re.search(r"(\d+) references, (\d+) faults", out)
        assert m, f"memlimit -p clock {frames} refstring {refs}:\n{out}"
        assert int(m.group(2)) == faults, (
            f"clock with {frames} frames on {refs}: {m.group(2)} faults, the textbook "
            f"says {faults}")
    out = sh.run(f"memlimit 3 refstring {OSTEP}", timeout=60)
    assert "11 references, 7 faults" in out, f"clock is memlimit's default policy:\n{out}"
