"""
The shell and the core utilities, driven through the console of a real boot.

The kernel starts /bin/init, which runs /bin/sh on the console: every test
boots, waits for the shell's "$ " prompt, types command lines and reads
their output.  Each test gets its own copy of build/fs.img, so what one test
writes never leaks into another.  The exit status of a command is read back
with `; echo rc=$?`.

The whole module is skipped until the user programs exist
(build/root/bin/sh, staged by user/user.mk), so the suite stays green while
the kernel side of user mode is being written.
"""

import os
import re
import shutil

import pytest

from conftest import ROOT
from fsimg import disk_args

# QUILL_FSIMG=<image> tests another root disk (QUILL_KERNEL another kernel).
FS_IMG = os.environ.get("QUILL_FSIMG", os.path.join(ROOT, "build", "fs.img"))
SH_STAGED = os.path.join(os.path.dirname(FS_IMG), "root", "bin", "sh")
README = os.path.join(ROOT, "rootfs", "README.txt")

pytestmark = pytest.mark.skipif(
    not os.path.isfile(SH_STAGED),
    reason="no /bin/sh in the image yet (build/root/bin/sh is missing)")

PROMPT = r"\$ "
BOOT_TIMEOUT = 90
CMD_TIMEOUT = 30


class Shell:
    """A booted Quill, at the shell prompt."""

    def __init__(self, vm):
        self.vm = vm

    def run(self, line, timeout=CMD_TIMEOUT):
        """Type one command line; return its output (echo and prompt removed)."""
        self.vm.sendline(line)
        # The console echoes what we type, then "\r\n" for Enter.
        self.vm.expect(re.escape(line) + r"\r\n", timeout)
        self.vm.expect(PROMPT, timeout)
        return self.vm.before()

    def lines(self, line, timeout=CMD_TIMEOUT):
        """Run; the output as a list of lines (trailing blanks stripped)."""
        out = [ln.rstrip() for ln in self.run(line, timeout).split("\n")]
        return out[:-1] if out and out[-1] == "" else out

    def sync(self):
        """Get back in step after output that may come after the prompt."""
        assert self.lines("echo sync-point") == ["sync-point"]

    def status(self, line, timeout=CMD_TIMEOUT):
        """Run `line; echo rc=$?`; return (output before the rc line, status)."""
        out = self.run(line + "; echo rc=$?", timeout)
        m = re.search(r"^rc=(\d+)$", out, re.M)
        assert m, f"no exit status in output of {line!r}:\n{out}"
        return out[:m.start()], int(m.group(1))


def boot_shell(qemu, tmp_path, cpus=2, mem="128M"):
    """Boot with a private copy of the root disk; return a Shell at the prompt."""
    if not os.path.isfile(FS_IMG):
        pytest.fail(f"{FS_IMG} is missing: run `make` (or `make test`)", pytrace=False)
    img = tmp_path / "fs.img"
    shutil.copyfile(FS_IMG, img)
    vm = qemu(cpus=cpus, mem=mem, extra=disk_args(img))
    vm.wait_boot(timeout=BOOT_TIMEOUT)
    vm.expect(PROMPT, timeout=BOOT_TIMEOUT)
    return Shell(vm)


def readme_counts():
    """(lines, words, bytes) of /README.txt, as wc must print them."""
    data = open(README, "rb").read()
    return data.count(b"\n"), len(data.split()), len(data)


def wc_line(*counts, name=None):
    """A line of wc output: each count as " %7d", then " NAME"."""
    return "".join(f" {n:7d}" for n in counts) + (f" {name}" if name else "")


# ---- the basics -------------------------------------------------------------------

@pytest.mark.parametrize("cpus", [1, 4])
def test_prompt_and_echo(qemu, tmp_path, cpus):
    """The shell prompts, runs a command, and prompts again."""
    sh = boot_shell(qemu, tmp_path, cpus)
    assert sh.lines("echo hello world") == ["hello world"]
    assert sh.lines("echo -n no; echo newline") == ["nonewline"]
    out, rc = sh.status("true")
    assert rc == 0
    out, rc = sh.status("false")
    assert rc == 1


def test_quoting_and_variables(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    assert sh.lines("echo 'a  b' \"c  d\" e\\ f") == ["a  b c  d e f"]
    assert sh.lines("echo 'single $HOME' \"q\\\"x\" 'a'\"b\"c") == ['single $HOME q"x abc']
    sh.run("export GREETING=hi")
    assert sh.lines('echo "$GREETING there" ${GREETING}x') == ["hi there hix"]
    assert sh.lines("X=42; echo $X") == ["42"]
    assert sh.lines("echo a # a comment") == ["a"]
    assert sh.lines("env | grep GREETING") == ["GREETING=hi"]


def test_lists_and_status(qemu, tmp_path):
    """; && || and $?."""
    sh = boot_shell(qemu, tmp_path)
    assert sh.lines("echo a; echo b") == ["a", "b"]
    assert sh.lines("true && echo yes") == ["yes"]
    assert sh.lines("false && echo no") == []
    assert sh.lines("false || echo alt") == ["alt"]
    assert sh.lines("true || echo no; echo after") == ["after"]
    assert sh.lines("false; echo $?") == ["1"]
    assert sh.lines("true; echo $?") == ["0"]
    assert sh.lines("false || echo $?") == ["1"]


def test_exit_status_of_failures(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    out, rc = sh.status("nosuchcommand")
    assert "sh: nosuchcommand: not found" in out and rc == 127
    out, rc = sh.status("ls /nonexistent")
    assert "ls: /nonexistent:" in out and rc == 1
    out, rc = sh.status("cat /nonexistent")
    assert "cat: /nonexistent:" in out and rc == 1
    out, rc = sh.status("sh -c 'exit 7'")
    assert rc == 7
    out, rc = sh.status("sh -c 'kill -9 $$'")
    assert "Killed" in out and rc == 128 + 9
    # A line with a syntax error runs nothing at all, and $? is 2.
    assert "unterminated quote" in sh.run("echo 'unterminated; echo no")
    assert sh.lines("echo $?") == ["2"]
    assert "syntax error" in sh.run("echo no; ls | | wc")
    assert sh.lines("echo $?") == ["2"]


# ---- pipes and redirections ------------------------------------------------------

@pytest.mark.parametrize("cpus", [1, 4])
def test_pipelines(qemu, tmp_path, cpus):
    lines, words, nbytes = readme_counts()
    quill = sum("Quill" in ln for ln in open(README).read().splitlines())
    sh = boot_shell(qemu, tmp_path, cpus)
    assert sh.lines("cat /README.txt | grep Quill | wc -l") == [wc_line(quill)]
    assert sh.lines("cat /README.txt | cat | cat | cat | cat | wc -c") == [wc_line(nbytes)]
    # The status of a pipeline is the status of its last command.
    out, rc = sh.status("false | true")
    assert rc == 0
    out, rc = sh.status("true | false")
    assert rc == 1


def test_redirections(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    sh.run("mkdir /r; cd /r")
    sh.run("echo one > f")
    sh.run("echo two >> f")
    assert sh.lines("cat < f") == ["one", "two"]
    sh.run("echo three > f")
    assert sh.lines("cat f") == ["three"]
    assert sh.lines("wc -l < f") == [wc_line(1)]
    # 2> sends only stderr to the file.
    assert sh.lines("ls /nonexistent 2> err") == []
    assert "nonexistent" in sh.run("cat err")
    # > file 2>&1: both into the file, in that order.
    assert sh.lines("ls /nonexistent > both 2>&1") == []
    assert "nonexistent" in sh.run("cat both")
    # >&2: stdout into stderr (still the console), so nothing goes into the pipe.
    # echo and wc run at the same time: either line may come first.
    assert sorted(sh.lines("echo to-stderr >&2 | wc -c")) == sorted(["to-stderr", wc_line(0)])
    out, rc = sh.status("cat < /nonexistent")
    assert rc == 1
    assert sh.lines("ls") == ["both", "err", "f"]


# ---- builtins, scripts, background jobs -----------------------------------------

def test_cd_and_relative_paths(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    sh.run("mkdir -p /d/e/f")
    sh.run("cd /d")
    assert sh.lines("ls") == ["e"]
    assert sh.lines("pwd") == ["/d"]
    sh.run("cd e")
    assert sh.lines("pwd") == ["/d/e"]
    assert sh.lines("ls ..") == ["e"]
    sh.run("cd ../..")
    assert sh.lines("pwd") == ["/"]
    out, rc = sh.status("cd /nonexistent")
    assert "cd: /nonexistent" in out and rc == 1
    sh.run("cd /d/e; cd")  # no argument: $HOME, or / without one
    home = sh.lines("echo $HOME")[0]
    assert sh.lines("pwd") == [home or "/"]


def test_script_file(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    sh.run("echo 'echo one' > /s.sh")
    sh.run("echo 'echo two | wc -c' >> /s.sh")
    sh.run("echo '# a comment' >> /s.sh")
    sh.run("echo 'false' >> /s.sh")
    out, rc = sh.status("sh /s.sh")
    assert out.split() == ["one", "4"] and rc == 1
    assert sh.lines("sh -c 'echo x; echo y'") == ["x", "y"]
    out, rc = sh.status("sh /nonexistent.sh")
    assert rc != 0
    # exit in a script ends it with that status.
    sh.run("echo 'exit 3' > /e.sh; echo 'echo unreached' >> /e.sh")
    out, rc = sh.status("sh /e.sh")
    assert "unreached" not in out and rc == 3


@pytest.mark.parametrize("cpus", [1, 4])
def test_background_job_reaped(qemu, tmp_path, cpus):
    """`cmd &` prints [job] pid; the shell reaps it later and prints [job]+  Done  cmd."""
    sh = boot_shell(qemu, tmp_path, cpus)
    out = sh.run("sleep 1 &")
    m = re.search(r"\[(\d+)\] (\d+)", out)
    assert m, f"no [job] pid after a background command:\n{out}"
    job, pid = m.group(1), m.group(2)
    # The prompt came back at once; sleep is still there.
    assert re.search(rf"^\s*{pid}\s+\d+\s+\w\b.*sleep", sh.run("ps"), re.M)
    sh.run("sleep 2")
    out = sh.run("echo next")
    assert re.search(rf"\[{job}\][+-]? +Done +sleep 1", sh.vm.log)
    assert not re.search(rf"^\s*{pid}\s", sh.run("ps"), re.M), "the job was not reaped"
    # wait: waits for every background job.
    sh.run("sleep 2 & sleep 2 &")
    assert len(re.findall(r"\][+-]? +Done +sleep 2", sh.run("wait"))) == 2


def test_ps_and_kill(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    header, *procs = sh.lines("ps")
    assert header.split()[:3] == ["PID", "PPID", "S"] and header.split()[-1] == "NAME"
    names = {ln.split()[-1] for ln in procs}
    assert {"init", "sh", "ps"} <= names, procs
    assert all(ln.split()[2] in "RrSTZE" for ln in procs), procs
    me = [ln.split() for ln in procs if ln.split()[-1] == "ps"][0]
    assert me[2] == "R", "ps itself must be running"
    m = re.search(r"\[(\d+)\] (\d+)", sh.run("sleep 100 &"))
    job, pid = m.group(1), m.group(2)
    for _ in range(20):  # until the child has exec'd sleep and gone to sleep
        row = [ln.split() for ln in sh.lines("ps") if ln.split()[0] == pid]
        if row and row[0][-1] == "sleep" and row[0][2] == "S":
            break
    assert row and row[0][2] == "S", "a sleeping process shows S"
    out, rc = sh.status(f"kill -9 {pid}")
    assert rc == 0
    sh.run("wait")  # reaps it (the builtin waits for all background jobs)
    assert re.search(rf"\[{job}\][+-]? +Killed +sleep 100", sh.vm.log)
    out, rc = sh.status("kill 99999")
    assert rc == 1 and "kill: 99999" in out
    m = re.search(r"\[(\d+)\] (\d+)", sh.run("sleep 100 &"))
    sh.run(f"kill {m.group(2)}")
    sh.run("wait")
    assert re.search(rf"\[{m.group(1)}\][+-]? +Terminated +sleep 100", sh.vm.log)


# ---- the utilities --------------------------------------------------------------

def test_file_utilities(qemu, tmp_path):
    """mkdir rmdir rm ln mv cp touch ls, on files made through the shell."""
    sh = boot_shell(qemu, tmp_path)
    sh.run("mkdir /w; cd /w")
    assert sh.status("mkdir a/b")[1] == 1
    assert sh.status("mkdir -p a/b/c")[1] == 0
    assert sh.lines("ls a a/b") == ["a:", "b", "", "a/b:", "c"]
    assert sh.status("rmdir a")[1] == 1  # not empty
    assert sh.status("rmdir a/b/c")[1] == 0
    sh.run("echo hello > f")
    assert re.fullmatch(r"-[rwx-]{9}\s+1\s+6 f", sh.lines("ls -l f")[0])
    # Hard link: one inode, two names, link count 2.
    sh.run("ln f g")
    assert re.fullmatch(r"-[rwx-]{9}\s+2\s+6 g", sh.lines("ls -l g")[0])
    # Symbolic link.
    sh.run("ln -s f s")
    assert re.fullmatch(r"l[rwx-]{9}\s+1\s+\d+ s -> f", sh.lines("ls -l s")[0])
    assert sh.lines("cat s") == ["hello"]
    sh.run("mv g h")
    assert sh.lines("ls") == ["a", "f", "h", "s"]
    sh.run("mv h a")
    assert sh.lines("ls a") == ["b", "h"]
    sh.run("cp f c")
    assert sh.lines("cat c") == ["hello"]
    sh.run("echo changed > c")
    assert sh.lines("cat f") == ["hello"], "cp must make a new file"
    sh.run("cp -r a a2")
    assert sh.lines("ls a2") == ["b", "h"]
    sh.run("touch t")
    assert re.fullmatch(r"-[rwx-]{9}\s+1\s+0 t", sh.lines("ls -l t")[0])
    sh.run("touch f")
    assert sh.lines("cat f") == ["hello"], "touch must not change contents"
    assert sh.status("rm a")[1] == 1  # a directory
    assert sh.status("rm -r a a2")[1] == 0
    assert sh.status("rm nope")[1] == 1
    assert sh.status("rm -f nope")[1] == 0
    sh.run("rm f c s t")
    assert sh.lines("ls") == []
    assert sh.lines("ls -a") == [".", ".."]


def test_text_utilities(qemu, tmp_path):
    """cat grep wc head tail echo."""
    lines, words, nbytes = readme_counts()
    text = open(README).read().splitlines()
    sh = boot_shell(qemu, tmp_path)
    assert sh.lines("cat /README.txt") == [ln.rstrip() for ln in text]
    assert sh.lines("wc /README.txt") == [wc_line(lines, words, nbytes, name="/README.txt")]
    assert sh.lines("head -n 2 /README.txt") == [ln.rstrip() for ln in text[:2]]
    assert sh.lines("tail -n 1 /README.txt") == [text[-1].rstrip()]
    sh.run("echo apple > /g; echo Banana >> /g; echo cherry pie >> /g; echo banana >> /g")
    assert sh.lines("grep an /g") == ["Banana", "banana"]
    assert sh.lines("grep -i BANANA /g") == ["Banana", "banana"]
    assert sh.lines("grep -c an /g") == ["2"]
    assert sh.lines("grep -v an /g") == ["apple", "cherry pie"]
    assert sh.lines("grep -n pie /g") == ["3:cherry pie"]
    assert sh.lines("grep '^b' /g") == ["banana"]
    assert sh.lines("grep 'e$' /g") == ["apple", "cherry pie"]
    assert sh.lines("grep 'a.a' /g") == ["Banana", "banana"]
    assert sh.lines("grep 'ch*e' /g") == ["cherry pie"]
    out, rc = sh.status("grep zebra /g")
    assert rc == 1
    assert sh.lines("head -n 1 /g; tail -n 2 /g") == ["apple", "cherry pie", "banana"]
    assert sh.lines("wc -w /g") == [wc_line(5, name="/g")]


@pytest.mark.parametrize("cpus", [1, 4])
def test_stressfs(qemu, tmp_path, cpus):
    sh = boot_shell(qemu, tmp_path, cpus)
    out, rc = sh.status("stressfs -p 4 -n 10", timeout=300)
    assert "stressfs: 4 procs x 10 rounds" in out and ": ok" in out, out
    assert rc == 0
    assert "stressfs." not in sh.run("ls /"), "stressfs left files behind"


# ---- the OSTEP examples -------------------------------------------------------------

@pytest.mark.parametrize("cpus", [1, 4])
def test_ostep_p1(qemu, tmp_path, cpus):
    """Parent and child both print; their order is up to the scheduler.

    The shell waits only for p1 (the parent), so the child's line may even
    come after the next prompt: read the lines as they come, then resync.
    """
    sh = boot_shell(qemu, tmp_path, cpus)
    sh.vm.sendline("p1")
    parent = sh.vm.expect(r"hello world \(pid:(\d+)\)\r?\n").group(1)
    seen = {}
    for _ in range(2):
        m = sh.vm.expect([r"hello, I am child \(pid:(\d+)\)\r?\n",
                          r"hello, I am parent of (\d+) \(pid:(\d+)\)\r?\n"])
        seen[sh.vm.last_index] = m.groups()
    assert set(seen) == {0, 1}, "one of the two processes printed twice"
    (child,), (child_of_parent, parent_pid) = seen[0], seen[1]
    assert parent_pid == parent and child_of_parent == child != parent
    sh.sync()


@pytest.mark.parametrize("cpus", [1, 4])
def test_ostep_p2(qemu, tmp_path, cpus):
    """With wait(), the child's line always comes first."""
    sh = boot_shell(qemu, tmp_path, cpus)
    for _ in range(3):
        out = sh.lines("p2")
        assert len(out) == 3, out
        parent = re.fullmatch(r"hello world \(pid:(\d+)\)", out[0]).group(1)
        child = re.fullmatch(r"hello, I am child \(pid:(\d+)\)", out[1]).group(1)
        m = re.fullmatch(r"hello, I am parent of (\d+) \(rc_wait:(\d+)\) \(pid:(\d+)\)", out[2])
        assert m and m.groups() == (child, child, parent), out


def test_ostep_p3(qemu, tmp_path):
    """The child becomes wc (exec); its output comes before the parent's line."""
    lines, words, nbytes = readme_counts()
    sh = boot_shell(qemu, tmp_path)
    out = sh.lines("p3")
    assert len(out) == 4, out
    assert re.fullmatch(r"hello world \(pid:\d+\)", out[0])
    assert re.fullmatch(r"hello, I am child \(pid:\d+\)", out[1])
    assert out[2].split() == [str(lines), str(words), str(nbytes), "/README.txt"]
    assert re.fullmatch(r"hello, I am parent of \d+ \(rc_wait:\d+\) \(pid:\d+\)", out[3])
    assert "shouldn't" not in sh.vm.log


def test_ostep_p4(qemu, tmp_path):
    """The child's stdout goes to ./p4.output (close(1) + open)."""
    lines, words, nbytes = readme_counts()
    sh = boot_shell(qemu, tmp_path)
    sh.run("cd /")
    assert sh.lines("p4") == []
    assert sh.lines("cat p4.output")[0].split() == [str(lines), str(words), str(nbytes),
                                                    "/README.txt"]


# ---- console line editing ----------------------------------------------------------

def test_backspace(qemu, tmp_path):
    """DEL erases the last character typed: "ecx<DEL>ho hi" runs `echo hi`."""
    sh = boot_shell(qemu, tmp_path)
    sh.vm.send("ecx\x7fho hi\r")
    sh.vm.expect(r"\r\nhi\r?\n", timeout=CMD_TIMEOUT)
    sh.vm.expect(PROMPT, timeout=CMD_TIMEOUT)
    assert "not found" not in sh.vm.before()


def test_ctrl_u(qemu, tmp_path):
    """Ctrl-U erases the whole line typed so far."""
    sh = boot_shell(qemu, tmp_path)
    sh.vm.send("echo bad\x15echo good\r")
    sh.vm.expect(r"\r\ngood\r?\n", timeout=CMD_TIMEOUT)
    sh.vm.expect(PROMPT, timeout=CMD_TIMEOUT)
    assert "bad" not in [ln.strip() for ln in sh.vm.log.split("\n")]


# ---- the shell's line editor, history and completion (user/bin/sh/lineedit.c) ----
#
# Keys are typed as a terminal sends them: arrows ESC [ A/B/C/D, Home ESC [ H,
# End ESC [ F, Delete ESC [ 3 ~.  QEMU's console takes Ctrl-A as its own
# escape key: Ctrl-A Ctrl-A sends one Ctrl-A to Quill.

LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
CTRL_A = "\x01\x01"


def typed(sh, keys, want):
    """Type keys and Enter; the command's output must be the line `want`."""
    sh.vm.send(keys + "\r")
    sh.vm.expect(r"\r\n" + re.escape(want) + r"\r\n", timeout=CMD_TIMEOUT)
    sh.vm.expect(PROMPT, timeout=CMD_TIMEOUT)
    assert "not found" not in sh.vm.before(), f"{keys!r} ran something else"


def test_line_editing_keys(qemu, tmp_path):
    """Left/right and insertion in the middle, backspace and Delete in the middle,
    Home/End and Ctrl-A/E, Ctrl-U (to the start) and Ctrl-K (to the end)."""
    sh = boot_shell(qemu, tmp_path)
    typed(sh, "eho wrld" + LEFT * 3 + "o" + HOME + RIGHT + "c", "world")
    typed(sh, "echo abXcd" + LEFT * 2 + "\x7f", "abcd")
    typed(sh, "echo axb" + LEFT * 2 + DELETE, "ab")
    typed(sh, "cho mid" + CTRL_A + "e" + "\x05" + "dle", "middle")
    typed(sh, "echo fi" + HOME + END + "ne", "fine")
    # three junk characters first, then ^U with the cursor after them erases them
    typed(sh, "zzzecho kept" + HOME + RIGHT * 3 + "\x15", "kept")
    typed(sh, "echo cut here" + LEFT * 5 + "\x0b", "cut")
    typed(sh, "echo two words" + "\x17" + "one", "two one")
    assert sh.lines("echo ok") == ["ok"]


def test_history_keys(qemu, tmp_path):
    """Up recalls earlier lines, Down comes back (to the line being typed), a
    recalled line can be edited; `history` lists what was typed."""
    sh = boot_shell(qemu, tmp_path)
    assert sh.lines("echo first") == ["first"]
    assert sh.lines("echo second") == ["second"]
    typed(sh, UP + UP, "first")                      # first, second, first
    typed(sh, UP + UP + DOWN, "first")
    typed(sh, UP + " again", "first again")
    typed(sh, "echo typed" + UP + UP + DOWN + DOWN, "typed")
    typed(sh, DOWN + "echo nothing newer", "nothing newer")
    hist = [ln.split(None, 1)[1] for ln in sh.lines("history")]
    assert hist == ["echo first", "echo second", "echo first", "echo first again",
                    "echo typed", "echo nothing newer", "history"], hist


def test_tab_completion(qemu, tmp_path):
    """Tab completes a command from /bin and a path (a directory gets '/'); when
    several names match it inserts what they share and lists them."""
    sh = boot_shell(qemu, tmp_path)
    sh.run("mkdir /tmp; mkdir /tmp/dd; echo x > /tmp/dd/alpha.txt")
    sh.run("echo 1 > /tmp/dd/beta1; echo 2 > /tmp/dd/beta2")
    typed(sh, "ech\thi", "hi")                        # echo + space
    typed(sh, "cat /tmp/dd/al\t", "x")
    typed(sh, "ls /tm\tdd/al\t", "/tmp/dd/alpha.txt")
    sh.vm.send("cat /tmp/dd/b\t")                     # -> beta, no more in common
    sh.vm.expect(r"cat /tmp/dd/beta", timeout=CMD_TIMEOUT)
    sh.vm.send("\t")
    sh.vm.expect(r"beta1  beta2", timeout=CMD_TIMEOUT)
    sh.vm.expect(re.escape("$ cat /tmp/dd/beta"), timeout=CMD_TIMEOUT)  # line drawn again
    typed(sh, "2", "2")
    assert sh.lines("echo ok") == ["ok"]


def test_env_for_one_command(qemu, tmp_path):
    """NAME=value before a command sets it for that command only; export and
    unset change the shell's own environment."""
    sh = boot_shell(qemu, tmp_path)
    assert sh.lines("FOO=bar env | grep FOO") == ["FOO=bar"]
    assert sh.lines("echo [$FOO]") == ["[]"]
    assert sh.lines("A=1 B=2 sh -c 'echo $A$B'") == ["12"]
    assert sh.lines("export FOO=kept; sh -c 'echo $FOO'") == ["kept"]
    assert sh.lines("FOO=temp cd /; echo $FOO") == ["kept"], "a builtin's NAME=value stays"
    assert "export FOO=kept" in sh.lines("export")
    assert sh.lines("FOO=other; echo $FOO") == ["other"]
    assert sh.lines("unset FOO; echo [$FOO]") == ["[]"]


# ---- power ------------------------------------------------------------------------

def test_poweroff_command(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    sh.vm.sendline("poweroff")
    assert sh.vm.wait_exit(timeout=30) == 0


def test_reboot_command(qemu, tmp_path):
    sh = boot_shell(qemu, tmp_path)
    sh.vm.sendline("reboot")
    sh.vm.expect(r"Quill kernel: booting", timeout=BOOT_TIMEOUT)
    sh.vm.expect(PROMPT, timeout=BOOT_TIMEOUT)
    assert Shell(sh.vm).lines("echo back") == ["back"]
