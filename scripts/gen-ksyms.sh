#!/bin/sh
# Turns `nm -n` output (on stdin, or /dev/null for an empty table) into an
# assembly file holding the kernel's function symbols, sorted by address:
#   ksyms_addrs[]  (8 bytes each), ksyms_names (NUL-separated), ksyms_count.
# kernel/lib/ksyms.c looks addresses up in it for backtraces.
in="$1"
[ "$in" = "-" ] && in=/dev/stdin
awk 'BEGIN { n = 0 }
$2 ~ /^[tT]$/ && $3 !~ /^\./ && $3 !~ /^\$/ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "\t.section .ksyms, \"a\""
    print "\t.balign 8"
    print "\t.globl ksyms_count"
    print "ksyms_count:\n\t.quad " (n + 0)
    print "\t.globl ksyms_addrs"
    print "ksyms_addrs:"
    for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
    print "\t.globl ksyms_names"
    print "ksyms_names:"
    for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}' "$in"
