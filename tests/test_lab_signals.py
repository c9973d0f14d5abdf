"""
Lab signals (docs/labs/signals.md): the handler frame and sigreturn
(sig_setup_frame and sig_return in kernel/proc/signal.c), graded by sigtest's
tests in Quill:

- handlers: a handler runs with the signal number and its siginfo, the
  sigaction flags (SA_RESETHAND, SA_NODEFER, SA_SIGINFO) hold;
- the frame and sigreturn: every register, the FP state included, is back
  after the handler; a fault handler can fix up and return or longjmp
  away; nested handlers; the mask during and after a handler; a forged frame
  kills only its process and can never block SIGKILL;
- interrupted system calls: EINTR, SA_RESTART, pause/sigsuspend and alarm.
"""

import re


def sigtest(shell, names):
    """Run sigtest's tests `names`; each must be OK.  (The kernel's own
    messages, e.g. a killed process's, may land in the middle of a line.)"""
    out = shell.run(f"sigtest {names}", timeout=120)
    assert "panic: " not in out, f"the kernel panicked:\n{out[-3000:]}"
    ran = re.findall(r"^sigtest ([a-z0-9-]+): ", out, re.M)
    missing = [n for n in names.split() if n not in ran]
    assert not missing, f"sigtest did not run {missing}:\n{out[-2000:]}"
    failed = re.findall(r"^sigtest [a-z0-9-]+: .*FAILED.*$", out, re.M)
    assert not failed and "sigtest: ALL PASSED" in out, "\n".join(failed) or out[-2000:]


def test_signal_handlers(shell):
    sigtest(shell, "handler-runs siginfo-kill action-flags")


def test_frame_and_sigreturn(shell):
    sigtest(shell, "fp-state-saved fault-handler-returns segv-siginfo-longjmp nested "
                   "mask-pending sigreturn-forged")


def test_interrupted_calls(shell):
    sigtest(shell, "eintr-pipe-read eintr-wait eintr-nanosleep pause-sigsuspend-alarm")
