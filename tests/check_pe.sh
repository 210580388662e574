#!/usr/bin/env bash
# check_pe.sh FILE: check that FILE is what UEFI firmware starts as an
# application: an MZ stub pointing at a PE signature, machine x86-64
# (8664h), a PE32+ optional header (magic 20Bh), subsystem 10 (EFI
# application), an entry point inside the image, and base relocations (a
# non-empty relocation directory), since firmware loads it wherever it has
# room. Run by `make` after every link.
set -euo pipefail
f=$1
fail() { echo "check_pe: $f: $*" >&2; exit 1; }
u16() { od -An -tu2 -j "$1" -N2 "$f" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$f" | tr -d ' '; }

[[ $(head -c2 "$f") == MZ ]] || fail "no MZ signature"
pe=$(u32 60)
[[ $(dd if="$f" bs=1 skip="$pe" count=4 2>/dev/null | od -An -tx1 | tr -d ' ') == 50450000 ]] ||
    fail "no PE signature at $pe"
machine=$(u16 $((pe + 4)))
[[ $machine == $((0x8664)) ]] || fail "machine $(printf %x "$machine"), not 8664 (x86-64)"
opt=$((pe + 24))
[[ $(u16 $opt) == $((0x20b)) ]] || fail "optional header magic $(printf %x "$(u16 $opt)"), not 20b (PE32+)"
entry=$(u32 $((opt + 16)))
image_size=$(u32 $((opt + 56)))
(( entry > 0 && entry < image_size )) || fail "entry point $entry outside the image ($image_size)"
subsystem=$(u16 $((opt + 68)))
[[ $subsystem == 10 ]] || fail "subsystem $subsystem, not 10 (EFI application)"
ndirs=$(u32 $((opt + 108)))
(( ndirs > 5 )) || fail "no base relocation directory"
reloc_size=$(u32 $((opt + 112 + 5 * 8 + 4)))
(( reloc_size > 0 )) || fail "no base relocations"
# shim (Secure Boot through a distribution's shim) refuses an image without
# SBAT metadata: a .sbat section (loader/efi/sbat.S).
nsec=$(u16 $((pe + 6)))
sections=$((opt + $(u16 $((pe + 20)))))
headers=$(u32 $((opt + 60)))
sbat=
for ((i = 0; i < nsec; i++)); do
    sec=$((sections + 40 * i))
    name=$(dd if="$f" bs=1 skip=$sec count=8 2>/dev/null | tr -d '\0')
    [[ $name == .sbat ]] && sbat=1
    # shim also refuses a section of initialized data whose bytes would
    # start inside the headers (a .data with no bytes in the file: offset 0)
    flags=$(u32 $((sec + 36)))
    if (( !(flags & 0x80) && !(flags & 0x02000000) && $(u32 $((sec + 20))) < headers )); then
        fail "section $name has its file data inside the headers (shim refuses it)"
    fi
done
[[ -n $sbat ]] || fail "no .sbat section (shim would refuse it)"
echo "  CHECK   $f: PE32+ x86-64 EFI application, entry $(printf %x "$entry"), $reloc_size bytes of relocations, .sbat"
