"""
Lab util (docs/labs/util.md): find, xargs and the pipe-based prime sieve,
run at the shell on a private copy of the disk image.
"""

import re

PRIMES_100 = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
              73, 79, 83, 89, 97]


def make_tree(shell):
    for line in ("mkdir /t /t/a /t/b /t/a/deep", "echo x > /t/one.c", "echo x > /t/a/two.c",
                 "echo x > /t/a/deep/three.h", "echo x > /t/b/four.c", "ln -s /t/one.c /t/b/link.c"):
        out, status = shell.status(line)
        assert status == 0, f"{line}: {out}"


def test_find(shell):
    make_tree(shell)
    out, status = shell.status("find /t -name '*.c'")
    assert "not found" not in out, "/bin/find is missing (user/bin/find.c)"
    got = sorted(ln.strip() for ln in out.split("\n") if ln.strip())
    assert status == 0
    assert got == ["/t/a/two.c", "/t/b/four.c", "/t/b/link.c", "/t/one.c"], (
        f"find /t -name '*.c' printed {got}")
    got = sorted(shell.lines("find /t -type d"))
    assert got == ["/t", "/t/a", "/t/a/deep", "/t/b"], f"find /t -type d printed {got}"
    assert shell.lines("find /t -name three.h") == ["/t/a/deep/three.h"]
    assert shell.lines("find /t -type l") == ["/t/b/link.c"], "find follows or misses symlinks"
    out, status = shell.status("find /nonexistent")
    assert status != 0, "find of a missing path must fail"


def test_xargs(shell):
    out, status = shell.status("echo a b c | xargs echo x")
    assert "not found" not in out, "/bin/xargs is missing (user/bin/xargs.c)"
    assert out.strip() == "x a b c" and status == 0, f"echo a b c | xargs echo x: {out!r}"
    assert shell.lines("echo 1 2 3 4 5 | xargs -n 2 echo -") == ["- 1 2", "- 3 4", "- 5"]
    make_tree(shell)
    assert shell.lines("find /t -name '*.h' | xargs cat") == ["x"]
    _, status = shell.status("echo a | xargs false")
    assert status == 123, f"a failing command gives xargs status 123, not {status}"


def test_primes(shell):
    out, status = shell.status("primes 100")
    assert "not found" not in out, "/bin/primes is missing (user/bin/primes.c)"
    got = [int(n) for n in re.findall(r"^prime (\d+)$", out, re.M)]
    assert got == PRIMES_100, f"primes 100 printed {got}"
    assert status == 0
    # Every stage has exited: nothing is left behind.
    assert "primes" not in shell.run("ps"), "primes left processes behind"
