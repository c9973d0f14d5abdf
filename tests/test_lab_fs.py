"""
Lab fs (docs/labs/fs.md): symbolic links are followed by path lookup.
Typed at the shell on a private copy of the disk image: absolute and
relative targets, a link in the middle of a path, chains, a dangling link
(ENOENT), a loop (ELOOP), and lstat/stat telling the link from its target.
"""


def make_links(shell):
    for line in ("mkdir /d /d/sub", "echo hello > /d/f", "echo deep > /d/sub/g",
                 "ln -s /d/f /d/abs", "ln -s f /d/rel", "ln -s /d /dl",
                 "ln -s sub/g /d/relsub", "ln -s /d/abs /d/chain1", "ln -s chain1 /d/chain2"):
        out, status = shell.status(line)
        assert status == 0, f"{line}: {out}"


def test_follow_absolute_and_relative(shell):
    make_links(shell)
    out = shell.run("cat /d/abs")
    assert "not implemented" not in out, "lookups through a link fail with ENOSYS: follow_link"
    assert out.strip() == "hello", f"cat /d/abs (-> /d/f): {out!r}"
    assert shell.run("cat /d/rel").strip() == "hello", "a relative target is relative to the link's directory"
    assert shell.run("cat /d/relsub").strip() == "deep", "relative target with a directory in it"
    assert shell.run("cd /d/sub; cat ../rel").strip() == "hello"


def test_follow_in_the_middle(shell):
    make_links(shell)
    assert shell.run("cat /dl/f").strip() == "hello", "a link to a directory in the middle of a path"
    assert shell.run("cat /dl/sub/g").strip() == "deep"
    assert shell.run("cat /dl/rel").strip() == "hello", "links through links"
    assert shell.run("cd /dl/sub; pwd").strip() in ("/d/sub", "/dl/sub")


def test_chains_dangling_loops(shell):
    make_links(shell)
    assert shell.run("cat /d/chain2").strip() == "hello", "a chain of two links"
    shell.run("ln -s /nonexistent /d/dangling")
    out, status = shell.status("cat /d/dangling")
    assert status != 0 and "No such file" in out, f"a dangling link gives ENOENT: {out!r}"
    shell.run("ln -s /d/loop2 /d/loop1; ln -s /d/loop1 /d/loop2")
    out, status = shell.status("cat /d/loop1")
    assert status != 0 and ("loop" in out.lower() or "levels" in out.lower()), (
        f"a loop of links gives ELOOP: {out!r}")


def test_lstat_and_stat(shell):
    make_links(shell)
    assert "(symbolic link)" in shell.run("stat /d/abs"), "lstat describes the link itself"
    out = shell.run("stat -L /d/chain2")
    assert "(regular file)" in out and "Size: 6 " in out, f"stat follows to the file: {out}"
    names = shell.lines("ls /dl")
    assert {"f", "sub", "abs", "rel"} <= set(names), f"ls through a link to a directory: {names}"
