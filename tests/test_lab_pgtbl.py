"""
Lab pgtbl (docs/labs/pgtbl.md): the vmprint system call prints the calling
process's Sv39 page table.  Checked through /bin/pgtbl at the shell: the
shape of the tree (levels, indices, the va of every leaf computed from its
indices), the flags of the text and stack pages, the summary line against
the lines above it and against getprocs, growth when the heap is touched,
and the errors.
"""

import re

LINE = re.compile(r"^((?: \.\.)+)(\d+): pte (0x[0-9a-f]+) pa (0x[0-9a-f]+)"
                  r"(?: va (0x[0-9a-f]+) ([r-][w-][x-][u-]) ([a-][d-]))?$")


def parse(out):
    lines = [ln.rstrip() for ln in out.split("\n")]
    assert lines and re.match(r"^page table 0x[0-9a-f]+$", lines[0]), (
        f"vmprint's first line is not `page table 0x...`:\n{out[:500]}")
    entries, summary, sizes, path = [], None, None, []
    for ln in lines[1:]:
        m = LINE.match(ln)
        if m:
            level = len(m.group(1)) // 3  # 1 = root
            assert 1 <= level <= 3 and level <= len(path) + 1, f"bad indentation: {ln!r}"
            path = path[:level - 1] + [int(m.group(2))]
            pte, pa = int(m.group(3), 16), int(m.group(4), 16)
            assert pte & 1, f"an invalid entry is printed: {ln!r}"
            assert (pte >> 10) << 12 == pa, f"pa does not match the pte: {ln!r}"
            entries.append((level, path[:], pte, m.group(5), m.group(6), m.group(7)))
            continue
        m = re.match(r"^(\d+) page-table pages, (\d+) pages mapped$", ln)
        if m:
            summary = (int(m.group(1)), int(m.group(2)))
        m = re.match(r"^getprocs: (\d+) pages$", ln)
        if m:
            sizes = int(m.group(1))
    assert entries, f"vmprint printed no entries:\n{out[:500]}"
    return entries, summary, sizes


def leaves(entries):
    out = {}
    for level, path, pte, va, perm, ad in entries:
        if level == 3:
            assert va is not None, f"a level-0 entry without va/flags: {path}"
            want = (path[0] << 30) | (path[1] << 21) | (path[2] << 12)
            assert int(va, 16) == want, f"entry {path}: va {va}, the indices give {want:#x}"
            out[int(va, 16)] = (perm, ad)
        else:
            assert va is None, f"a non-leaf entry printed as a leaf: {path}"
    return out


def test_vmprint_tree(shell):
    out, status = shell.status("pgtbl")
    assert "Function not implemented" not in out, "vmprint returns ENOSYS: write sys_vmprint"
    assert status == 0, out
    entries, summary, size = parse(out)
    pages = leaves(entries)
    assert pages.get(0x10000, ("", ""))[0] == "r-xu", f"the text page at 0x10000: {pages.get(0x10000)}"
    assert any(p == "rw-u" for va, (p, _) in pages.items() if va >= 0x3F00000000), "no stack page"
    assert pages[0x10000][1][0] == "a", "the text page has been used: its A bit is set"
    assert all(int(path[0]) < 256 for _, path, *_ in entries), "the kernel half is not shown"


def test_vmprint_summary(shell):
    out, _ = shell.status("pgtbl")
    entries, summary, size = parse(out)
    assert summary, "no summary line `N page-table pages, M pages mapped`"
    tables = 1 + sum(1 for e in entries if e[0] < 3)
    assert summary == (tables, len(leaves(entries))), (
        f"the summary says {summary}, the lines above it give {(tables, len(leaves(entries)))}")
    assert summary[1] == size, f"{summary[1]} pages mapped, getprocs counts {size}"
    # A heap of 40 more pages: at least 40 more leaves.
    out2, _ = shell.status("pgtbl -t 40")
    e2, s2, size2 = parse(out2)
    assert s2[1] >= summary[1] + 40 and s2[1] == size2, (summary, s2, size2)


def test_vmprint_errors(shell):
    out, _ = shell.status("pgtbl")
    assert "small buffer: ERANGE" in out, "a buffer too small must give ERANGE"
    assert "bad pointer: EFAULT" in out, "a bad buffer must give EFAULT"
