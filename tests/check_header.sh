#!/usr/bin/env bash
# check_header.sh FILE: the build-time check of memdisk's boot-protocol header.
# A boot loader trusts these fields blindly, so a wrong one is a machine that
# does not boot: check each against what the protocol requires.
set -euo pipefail
f=$1
size=$(stat -c %s "$f")

# u8/u16/u32 OFFSET: the little-endian value at OFFSET of the file.
u8()  { od -An -tu1 -j "$1" -N1 "$f" | tr -d ' '; }
u16() { od -An -tu2 -j "$1" -N2 "$f" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$f" | tr -d ' '; }
bad() { echo "check_header: $f: $*" >&2; exit 1; }

sects=$(u8 $((0x1f1)))
[[ $(u16 $((0x1fe))) -eq $((0xaa55)) ]] || bad "boot_flag is not 0xAA55"
[[ $(od -An -c -j $((0x202)) -N4 "$f" | tr -d ' ') == HdrS ]] || bad "no HdrS signature"
ver=$(u16 $((0x206)))
(( ver >= 0x0203 )) || bad "protocol version $(printf %#x "$ver") is below 2.03"
(( $(u8 $((0x211))) & 1 )) || bad "LOADED_HIGH is not set"
[[ $(u32 $((0x214))) -eq $((0x100000)) ]] || bad "code32_start is not 0x100000"
[[ $(u32 $((0x22c))) -eq $((0xffffffff)) ]] || bad "initrd_addr_max is not 0xFFFFFFFF"
setup=$(( (sects + 1) * 512 ))
syssize=$(u32 $((0x1f4)))
(( syssize * 16 >= size - setup && syssize * 16 < size - setup + 16 )) ||
    bad "syssize $syssize (x16) does not match the protected-mode part ($((size - setup)) bytes)"
init=$(u32 $((0x260)))
(( init >= size - setup )) || bad "init_size $init is smaller than the protected-mode part"
echo "  CHECK   $f: protocol $(printf %d.%02d $((ver >> 8)) $((ver & 255))), $sects setup sectors, $((size - setup)) + $((init - (size - setup))) bytes"
