# GDB setup for stepping the Quill kernel under QEMU.
#
#   terminal 1:  make qemu-gdb     QEMU starts with every hart stopped, waiting for GDB
#   terminal 2:  make gdb          GDB loads the symbols and attaches
#
# `make qemu-gdb` copies this file to build/gdbinit with the port below replaced
# by $(GDBPORT) (a per-user port), and `make gdb` runs `gdb-multiarch -x build/gdbinit`.
# GDB may also warn that it refuses to auto-load this file from the current
# directory: that is expected and harmless, `make gdb` loads it explicitly.
#
# Things to try once attached:
#   break kmain        stop at the C entry point (also: hbreak, tbreak)
#   continue           run until a breakpoint (Ctrl-C stops the machine)
#   next / step        one source line, over / into calls (stepi: one instruction)
#   info registers     all integer registers; `p/x $sstatus` reads a CSR
#   bt                 backtrace;  `frame 1`, `info locals`, `print hartid`
#   info threads       one GDB thread per hart; `thread 2` switches to hart 1
#   x/8i $pc           disassemble at the program counter
#   layout split       source + assembly (TUI); Ctrl-X A leaves it
# Breakpoints are kept by QEMU itself, so `break` works on the kernel's high
# virtual addresses even before the MMU is on.

set confirm off
set pagination off
set print pretty on
set disassemble-next-line auto
set architecture riscv:rv64
file build/kernel.elf
target remote localhost:1234

# Quill's own commands (scripts/gdb/quill.py): qps, qthreads, qpt [PID],
# uprog NAME [FUNC], $quill_proc().  `help qps` etc. say more.
source scripts/gdb/quill.py
