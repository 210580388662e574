#!/usr/bin/env bash
# check-freestanding.sh LIBC_H ARCH OBJ...: prove that lib/'s objects, built
# freestanding for ARCH, call nothing outside lib/ but the C library shim
# that LIBC_H declares (its MEMBOOT_FREESTANDING block) and the compiler's
# 64-bit division helpers (i386). Run by `make` (lib/lib.mk).
set -euo pipefail
libc_h=$1 arch=$2
shift 2

# The shim: the functions declared between "#ifdef MEMBOOT_FREESTANDING" and "#else".
shim=$(sed -n '/^#ifdef MEMBOOT_FREESTANDING/,/^#else/p' "$libc_h" |
    grep -oE '\b[a-z_][a-z0-9_]*\(' | tr -d '(' | sort -u)
[[ -n $shim ]] || { echo "check-freestanding: no shim declarations in $libc_h" >&2; exit 1; }
helpers="__udivdi3 __umoddi3 __divdi3 __moddi3 __udivmoddi4"

# Every symbol some object of lib/ defines.
defined=$(nm --defined-only "$@" | awk 'NF == 3 { print $3 }' | sort -u)
bad=0
for obj in "$@"; do
    while read -r sym; do
        grep -qxF "$sym" <<<"$defined"$'\n'"$shim"$'\n'"${helpers// /$'\n'}" && continue
        echo "check-freestanding: $obj ($arch) calls $sym: not in lib/, not in the shim ($libc_h)" >&2
        bad=1
    done < <(nm --undefined-only "$obj" | awk '{ print $NF }')
done
[[ $bad -eq 0 ]] || exit 1
echo "  CHECK   lib/: $# objects freestanding ($arch): only lib/, the shim ($(echo $shim)) and compiler helpers"
