#!/usr/bin/python3
"""
Labs: the list of labs, their markers in the sources, and the student's
starting tree.

    scripts/lab.py list                     the labs (tests/labs.txt)
    scripts/lab.py check                    every marker well formed, every lab known
    scripts/lab.py start LAB [DEST]         write the starting tree of LAB to DEST
                                            (default ../quill-lab-LAB)
    (make lab-start LAB=name [DEST=dir] runs the last one)

A lab's reference code sits in the sources between markers; the starting
tree has it cut out and the skeleton that replaces it put in (see
docs/labs/README.md):

    /* LAB syscall BEGIN */
    ...reference code...
    /* LAB syscall SKELETON
    ...skeleton (a comment in the reference tree, code in the starting tree)...
       LAB syscall END */

Without SKELETON the block is simply removed (then END is `/* LAB x END */`).
A file whose first 10 lines say `LAB x FILE` is the student's to write: it
is left out of the starting tree.  Markers of other labs are kept, so one
tree has every solution and each lab's starting tree lacks only its own.
A marker is a whole line; whatever surrounds `LAB name WORD` on it (comment
signs) goes with it.
"""

import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABS_TXT = os.path.join(ROOT, "tests", "labs.txt")
MARK = re.compile(r"\bLAB ([a-z][a-z0-9_-]*) (BEGIN|SKELETON|END|FILE)\b")
FILE_MARK_LINES = 10


class Lab:
    def __init__(self, name, pass_mark, handout, title):
        self.name, self.pass_mark, self.handout, self.title = name, pass_mark, handout, title


class MarkerError(Exception):
    pass


def read_labs(path=LABS_TXT):
    """The labs, in course order: {name: Lab} (an ordered dict)."""
    labs = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split(None, 3)
            if len(words) < 4 or not words[1].endswith("%") or not words[1][:-1].isdigit():
                raise SystemExit(f"{path}:{n}: expected `<lab> <pass>% <handout> <title>`")
            labs[words[0]] = Lab(words[0], int(words[1][:-1]), words[2], words[3])
    return labs


def tree_files(root=ROOT):
    """The files of the tree: tracked and new (not ignored) ones, as git sees them."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    return sorted(f for f in set(out.split("\0")) if f and os.path.isfile(os.path.join(root, f)))


def read_text(path):
    """The file's text, or None for a binary file (never has markers)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError:
        return None


def file_owner(text):
    """The lab a whole file belongs to (`LAB x FILE` near its top), or None."""
    for line in text.split("\n")[:FILE_MARK_LINES]:
        m = MARK.search(line)
        if m and m.group(2) == "FILE":
            return m.group(1)
    return None


def cut(text, lab, where="?"):
    """The text with LAB's blocks replaced by their skeletons; raises MarkerError.

    Blocks of other labs are checked and kept as they are."""
    out, state, current, lineno = [], None, None, 0
    for lineno, line in enumerate(text.split("\n"), 1):
        m = MARK.search(line)
        word = m.group(2) if m else None
        if word == "FILE":
            if lineno > FILE_MARK_LINES:
                raise MarkerError(f"{where}:{lineno}: FILE marker below line {FILE_MARK_LINES}")
            out.append(line)
            continue
        if word == "BEGIN":
            if state:
                raise MarkerError(f"{where}:{lineno}: BEGIN inside the block of lab {current}")
            state, current = "ref", m.group(1)
            if current != lab:
                out.append(line)
            continue
        if word in ("SKELETON", "END"):
            if not state or m.group(1) != current:
                raise MarkerError(f"{where}:{lineno}: {word} of lab {m.group(1)} outside its block")
            if word == "SKELETON" and state != "ref":
                raise MarkerError(f"{where}:{lineno}: two SKELETON markers in one block")
            if current != lab:
                out.append(line)
            state = "skel" if word == "SKELETON" else None
            continue
        if state is None or current != lab:
            out.append(line)
        elif state == "skel":
            out.append(line)
        # else: reference code of this lab, cut out
    if state:
        raise MarkerError(f"{where}:{lineno}: block of lab {current} has no END")
    return "\n".join(out)


def markers(root=ROOT):
    """{lab: [files with its markers]} over the whole tree."""
    found = {}
    for rel in tree_files(root):
        if rel == "scripts/lab.py" or rel.startswith("docs/"):
            continue  # this file and the docs show markers as examples
        text = read_text(os.path.join(root, rel))
        if text is None:
            continue
        for m in MARK.finditer(text):
            found.setdefault(m.group(1), set()).add(rel)
    return {lab: sorted(files) for lab, files in found.items()}


def check(root=ROOT):
    """Every marker parses and names a lab of tests/labs.txt; every lab has markers."""
    labs, problems = read_labs(), []
    found = markers(root)
    for lab, files in sorted(found.items()):
        if lab not in labs:
            problems.append(f"lab {lab} (in {', '.join(files)}) is not in tests/labs.txt")
        for rel in files:
            try:
                cut(read_text(os.path.join(root, rel)), lab, rel)
            except MarkerError as e:
                problems.append(str(e))
    for name, lab in labs.items():
        if name not in found:
            problems.append(f"lab {name} marks no reference code")
        if not os.path.isfile(os.path.join(root, lab.handout)):
            problems.append(f"lab {name}: handout {lab.handout} is missing")
    return problems


def start(lab, dest, root=ROOT):
    """Write LAB's starting tree to dest (which must not exist or be empty)."""
    if os.path.exists(dest) and os.listdir(dest):
        raise SystemExit(f"lab-start: {dest} exists and is not empty")
    removed, changed = [], []
    for rel in tree_files(root):
        if rel == "scripts/lab.py" or rel.startswith("docs/"):
            text = None  # copied as is
        else:
            text = read_text(os.path.join(root, rel))
        src, dst = os.path.join(root, rel), os.path.join(dest, rel)
        if text is not None and file_owner(text) == lab:
            removed.append(rel)
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        new = cut(text, lab, rel) if text is not None and "LAB " in text else text
        if new is not None and new != text:
            with open(dst, "w", encoding="utf-8") as f:
                f.write(new)
            shutil.copymode(src, dst)
            changed.append(rel)
        else:
            shutil.copy2(src, dst)
    if not removed and not changed:
        raise SystemExit(f"lab-start: lab {lab} marks no code in this tree")
    return removed, changed


def git_commit(dest, lab):
    """Make the starting tree a git repository with one commit (to diff against)."""
    if shutil.which("git") is None:
        return False
    env = dict(os.environ, GIT_AUTHOR_NAME="Quill labs", GIT_AUTHOR_EMAIL="labs@quill",
               GIT_COMMITTER_NAME="Quill labs", GIT_COMMITTER_EMAIL="labs@quill")
    for cmd in (["git", "init", "-q", "-b", f"lab-{lab}"], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", f"Starting tree of lab {lab}"]):
        if subprocess.run(cmd, cwd=dest, env=env, capture_output=True).returncode:
            return False
    return True


def main(argv):
    if not argv or argv[0] not in ("list", "check", "start"):
        raise SystemExit(__doc__.strip().split("\n\n")[1])
    labs = read_labs()
    if argv[0] == "list":
        for lab in labs.values():
            print(f"{lab.name:10} pass {lab.pass_mark:3}%  {lab.handout:26} {lab.title}")
        return 0
    if argv[0] == "check":
        problems = check()
        for p in problems:
            print(f"lab check: {p}", file=sys.stderr)
        print(f"lab check: {len(labs)} labs, {'OK' if not problems else 'FAILED'}")
        return 1 if problems else 0
    if len(argv) < 2 or argv[1] not in labs:
        raise SystemExit(f"lab-start: LAB= one of: {' '.join(labs)}")
    lab = argv[1]
    dest = os.path.abspath(argv[2] if len(argv) > 2 and argv[2] else
                           os.path.join(os.path.dirname(ROOT), f"quill-lab-{lab}"))
    try:
        removed, changed = start(lab, dest)
    except MarkerError as e:
        raise SystemExit(f"lab-start: {e}")
    committed = git_commit(dest, lab)
    print(f"Lab {lab} ({labs[lab].title}): starting tree in {dest}")
    for rel in removed:
        print(f"  left out (yours to write): {rel}")
    for rel in changed:
        print(f"  reference cut out of:      {rel}")
    print(f"Handout: {labs[lab].handout}.  Grade it with `make grade LAB={lab}` in that tree"
          + (" (git diff shows your work)." if committed else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
