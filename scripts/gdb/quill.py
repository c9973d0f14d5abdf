"""
GDB helpers for Quill, loaded by the repository's .gdbinit (`make gdb`).

They read the kernel's own structures through the GDB stub, so they work at
any stop (a breakpoint, Ctrl-C), on any hart:

    qps                 processes: pid, parent, state, name, its thread, hart
    qthreads            every kernel thread (user processes' threads too)
    qpt [PID]           walk a process's Sv39 page table (default: the process
                        on the selected hart), one line per page-table entry
                        in use; `qpt -a PID` also shows the kernel half
    uprog NAME [FUNC]   load /bin/NAME's symbols (build/user/bin/NAME) and break
                        at FUNC (default main) only when process NAME runs it
    $quill_proc()       the current process's name on the selected hart ("" in
                        a kernel thread); $quill_proc_is("p2") -> 1 or 0

Every user program is linked at 0x10000, so a plain `break main` after
add-symbol-file would stop in whichever program is running; uprog's
breakpoint has a condition on the current process's name.  The current
process of a hart: GDB thread N is QEMU's vCPU N-1, whose hart id is N-1 on
the virt machine; cpus[i] with that hartid runs cpus[i].thread, whose
proc is the process.
"""

import os

import gdb

DMAP_BASE = 0xFFFFFFC000000000
PTE_FLAGS = "VRWXUGAD"
STATE_LETTERS = {"T_EMBRYO": "E", "T_RUNNABLE": "r", "T_RUNNING": "R", "T_SLEEPING": "S",
                 "T_ZOMBIE": "Z"}
ROOT = os.getcwd()


KIMAGE_VOFFSET = 0xFFFFFFFF00000000


def kva_to_pa(va):
    return va - KIMAGE_VOFFSET if va >= KIMAGE_VOFFSET + 0x80000000 else va - DMAP_BASE


def kread(addr, size):
    """size bytes of kernel memory at virtual address addr, from any stop.

    Stopped in user mode, the hart's MMU refuses supervisor pages to the GDB
    stub; then the bytes are read by physical address (QEMU's PhyMemMode)."""
    inferior = gdb.selected_inferior()
    try:
        return bytes(inferior.read_memory(addr, size))
    except gdb.MemoryError:
        pass
    gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)
    try:
        return bytes(inferior.read_memory(kva_to_pa(addr), size))
    finally:
        gdb.execute("maintenance packet Qqemu.PhyMemMode:0", to_string=True)


def ktype(name):
    return gdb.lookup_type(name)


def kobj(addr, typ):
    """The object of type typ at kernel address addr, as a gdb.Value (read now)."""
    typ = ktype(typ) if isinstance(typ, str) else typ
    return gdb.Value(kread(addr, typ.sizeof), typ)


def addr_of(expr):
    """Address of a kernel variable, from the symbol table (no memory read)."""
    return int(gdb.parse_and_eval(f"&{expr}"))


def kint(expr):
    return int(kobj(addr_of(expr), gdb.parse_and_eval(f"&{expr}").type.target()))


def offset_of(struct, field):
    for f in ktype(struct).fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError(f"{struct} has no field {field}")


def deref(ptr):
    """*ptr, read now (ptr: a gdb.Value pointer)."""
    return kobj(int(ptr), ptr.type.target())


def field_string(obj_addr, struct, field):
    """A char[] field of the struct at obj_addr, as a str (up to the NUL)."""
    f = next(f for f in ktype(struct).fields() if f.name == field)
    data = kread(obj_addr + f.bitpos // 8, f.type.sizeof)
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


class Obj:
    """A kernel struct at an address: obj["field"] values, obj.addr, obj.str(field)."""

    def __init__(self, addr, struct):
        self.addr, self.struct = int(addr), struct
        self.value = kobj(self.addr, struct)

    def __getitem__(self, field):
        return self.value[field]

    def str(self, field):
        return field_string(self.addr, self.struct, field)

    def ptr(self, field, struct):
        p = int(self.value[field])
        return Obj(p, struct) if p else None


def list_entries(head_addr, struct, field):
    """The elements (Obj) of an intrusive list whose head is at head_addr."""
    off = offset_of(struct, field)
    node = int(kobj(head_addr, "struct list_head")["next"])
    n = 0
    while node != head_addr:
        yield Obj(node - off, struct)
        node = int(kobj(node, "struct list_head")["next"])
        n += 1
        if n > 100000:
            raise gdb.GdbError("list does not end: corrupted?")


def all_procs():
    return list_entries(addr_of("'proc.c'::all_procs"), "struct proc", "all")


def all_threads():
    return list_entries(addr_of("'sched.c'::all_threads"), "struct thread", "all")


def thread_letter(t):
    return STATE_LETTERS.get(str(t["state"]), "?")


def cpu(index):
    return Obj(addr_of("cpus") + index * ktype("struct cpu").sizeof, "struct cpu")


def cpu_hartid(index):
    return int(cpu(index)["hartid"])


def current_cpu_index():
    """cpus[] index of the hart GDB has selected, or None."""
    thread = gdb.selected_thread()
    if thread is None:
        return None
    hartid = thread.num - 1
    for i in range(kint("ncpu")):
        if cpu_hartid(i) == hartid:
            return i
    return None


def current_proc():
    """The process (Obj) running on the selected hart, or None (kernel thread, idle)."""
    i = current_cpu_index()
    if i is None:
        return None
    t = cpu(i).ptr("thread", "struct thread")
    return t.ptr("proc", "struct proc") if t else None


def find_proc(pid):
    for p in all_procs():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError(f"no process {pid}")


class QpsCommand(gdb.Command):
    """List Quill's processes: qps"""

    def __init__(self):
        super().__init__("qps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print(f"{'PID':>5} {'PPID':>5} S {'HART':>4} {'TID':>4} {'TICKS':>7} NAME")
        for p in all_procs():
            parent = p.ptr("parent", "struct proc")
            ppid = int(parent["pid"]) if parent else 0
            t = p.ptr("thread", "struct thread")
            letter, hart, tid, ticks = "?", "-", "-", "-"
            if str(p["state"]) == "P_ZOMBIE":
                letter = "Z"
            elif t:
                letter = thread_letter(t)
                hart = str(cpu_hartid(int(t["cpu"]))) if letter == "R" else "-"
                tid, ticks = str(int(t["tid"])), str(int(t["ticks_run"]))
            print(f"{int(p['pid']):5} {ppid:5} {letter} {hart:>4} {tid:>4} {ticks:>7} "
                  f"{p.str('name')}")


class QthreadsCommand(gdb.Command):
    """List every Quill thread (kernel threads and processes' threads): qthreads"""

    def __init__(self):
        super().__init__("qthreads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print(f"{'TID':>4} S {'HART':>4} {'TICKS':>7} {'PID':>5} NAME")
        for t in all_threads():
            letter = thread_letter(t)
            hart = str(cpu_hartid(int(t["cpu"]))) if letter == "R" else "-"
            p = t.ptr("proc", "struct proc")
            pid = str(int(p["pid"])) if p else "-"
            print(f"{int(t['tid']):4} {letter} {hart:>4} {int(t['ticks_run']):7} {pid:>5} "
                  f"{t.str('name')}")


def pte_flags(pte):
    return "".join(c if pte & (1 << i) else "-" for i, c in enumerate(PTE_FLAGS))


def read_table(pa):
    data = kread(DMAP_BASE + pa, 4096)
    return [int.from_bytes(data[i:i + 8], "little") for i in range(0, 4096, 8)]


def walk(pa, level, va_base, show_kernel, out):
    """Print the entries of the table at pa (level 2 = root) and below."""
    for i, pte in enumerate(read_table(pa)):
        if not pte & 1:
            continue
        va = va_base | (i << (12 + 9 * level))
        if level == 2 and i >= 256:
            va |= 0xFFFFFF8000000000  # sign-extend bit 38
            if not show_kernel:
                continue
        child = ((pte >> 10) & ((1 << 44) - 1)) << 12
        indent = " .." * (3 - level)
        leaf = pte & 0xE
        line = f"{indent}{i}: pte {pte:#018x} pa {child:#x} {pte_flags(pte)}"
        if leaf:
            size = 1 << (12 + 9 * level)
            line += f"  va {va:#x}-{va + size:#x}"
        out.append(line)
        if not leaf and level > 0:
            walk(child, level - 1, va, show_kernel, out)


class QptCommand(gdb.Command):
    """Walk a process's page table: qpt [-a] [PID]  (-a: the kernel half too)"""

    def __init__(self):
        super().__init__("qpt", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        words = arg.split()
        show_kernel = "-a" in words
        words = [w for w in words if w != "-a"]
        p = find_proc(int(words[0], 0)) if words else current_proc()
        if p is None:
            raise gdb.GdbError("qpt: no process runs on this hart; give a PID (see qps)")
        mm = p.ptr("mm", "struct mm")
        if mm is None:
            raise gdb.GdbError(f"qpt: process {int(p['pid'])} has no address space")
        root = int(mm["root"])
        root_pa = kva_to_pa(root) if root >= DMAP_BASE else root
        print(f"page table of pid {int(p['pid'])} ({p.str('name')}): root pa {root_pa:#x}, "
              f"asid {int(mm['asid'])}")
        out = []
        walk(root_pa, 2, 0, show_kernel, out)
        print("\n".join(out))


class QuillProc(gdb.Function):
    """$quill_proc(): the name of the process on the selected hart ("" if none)."""

    def __init__(self):
        super().__init__("quill_proc")

    def invoke(self):
        p = current_proc()
        return p.str("name") if p is not None else ""


class QuillProcIs(gdb.Function):
    """$quill_proc_is(NAME): 1 if process NAME runs on the selected hart."""

    def __init__(self):
        super().__init__("quill_proc_is")

    def invoke(self, name):
        p = current_proc()
        want = name.string()[:15]
        return 1 if p is not None and p.str("name") == want else 0


class UprogCommand(gdb.Command):
    """Debug a user program: uprog NAME [FUNCTION]

Loads the symbols of build/user/bin/NAME (the unstripped /bin/NAME) and sets
a breakpoint at FUNCTION (default main) that stops only while the process
named NAME runs it.  Then `continue` and run NAME at the Quill prompt."""

    def __init__(self):
        super().__init__("uprog", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        words = arg.split()
        if not words:
            raise gdb.GdbError("usage: uprog NAME [FUNCTION]")
        name, func = words[0], words[1] if len(words) > 1 else "main"
        build = os.environ.get("QUILL_BUILD", os.path.join(ROOT, "build"))
        path = os.path.join(build, "user", "bin", name)
        if not os.path.isfile(path):
            raise gdb.GdbError(f"uprog: {path} is missing (is there a user/bin/{name}.c? run make)")
        gdb.execute(f"add-symbol-file {path}", to_string=True)
        # The program's own FUNCTION: its address in that objfile (the kernel
        # has functions of the same names, printf for one).
        objfile = next((o for o in gdb.objfiles() if o.filename == os.path.realpath(path)
                        or o.filename == path), None)
        sym = objfile.lookup_global_symbol(func) if objfile else None
        if sym is None and objfile:
            sym = objfile.lookup_static_symbol(func)
        if sym is None:
            raise gdb.GdbError(f"uprog: {name} has no function {func}")
        bp = gdb.Breakpoint(f"*{int(sym.value().address):#x}")
        bp.condition = f'$quill_proc_is("{name}")'
        print(f"uprog: symbols of {path} loaded; breakpoint {bp.number} at {func} "
              f"when process {name} runs it")


QpsCommand()
QthreadsCommand()
QptCommand()
QuillProc()
QuillProcIs()
UprogCommand()
