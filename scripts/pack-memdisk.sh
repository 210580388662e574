#!/bin/sh
# pack-memdisk.sh ELF OUT: write build/memdisk from the linked ELF (loader.lds.S):
# the setup part, the head as linked, then the body (.text and the driver's
# bytes, which follow it in memory) as one gzip member, which unpack.c
# unpacks to BODY_BASE at boot. Writes syssize (the protected-mode part in
# 16-byte units) into the header, and refuses a layout that cannot work:
# a head or packed body that reaches BODY_BASE, or a head that calls into
# the body (the body is not there yet when the head runs).
set -eu
elf=$1 out=$2
tmp=$out.pack
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

sym() { nm "$elf" | awk -v s="$1" '$3 == s { print $1 }'; }
pm_base=$((0x100000))
body_base=$((0x$(sym _body_start)))
blob=$((0x$(sym _blob)))

# Only these sections are carried: any other allocated one would be lost.
other=$(objdump -h "$elf" | awk '/^ *[0-9]+ / { name = $2; getline; if ($0 ~ /ALLOC/ && name !~ /^\.(setup|head|text|driver|bss)$/) print name }')
[ -z "$other" ] || { echo "pack-memdisk: sections the file would not carry: $other (loader.lds.S)" >&2; exit 1; }
objcopy -O binary -j .setup "$elf" "$tmp/setup"
objcopy -O binary -j .head "$elf" "$tmp/head"
objcopy -O binary -j .text "$elf" "$tmp/text"
objcopy -O binary -j .driver "$elf" "$tmp/driver"
# The driver sits right after .text (both end 16-byte aligned).
[ $(($(stat -c %s "$tmp/text") % 16)) -eq 0 ] || { echo "pack-memdisk: .text does not end 16-byte aligned" >&2; exit 1; }
cat "$tmp/text" "$tmp/driver" >"$tmp/body"
# zopfli finds a smaller deflate stream than gzip -9 (about 3 %), in a plain
# gzip member as gunzip_small.c reads it.
command -v zopfli >/dev/null 2>&1 ||
    { echo "pack-memdisk: zopfli is missing: install it (apt-get install zopfli, or scripts/deps.sh)" >&2; exit 1; }
zopfli --i15 -c "$tmp/body" >"$tmp/body.gz"

head=$(stat -c %s "$tmp/head")
[ $((pm_base + head)) -eq "$blob" ] || { echo "pack-memdisk: the head is $head bytes, _blob says $((blob - pm_base))" >&2; exit 1; }
packed=$(stat -c %s "$tmp/body.gz")
pm=$(( (head + packed + 15) / 16 * 16 ))
if [ $((pm_base + pm)) -gt "$body_base" ]; then
    echo "pack-memdisk: head ($head) + packed body ($packed) reach BODY_BASE ($(printf %#x "$body_base")): raise it in layout.h" >&2
    exit 1
fi
# No call or jump from the head into the body but start32.S's call of
# loader_main, after unpack_body.
objdump -d -j .head --stop-address=0x$(sym payload_start) "$elf" | sed -n 's/.*\t\(call\|j[a-z]*\) *\([0-9a-f][0-9a-f]*\) <\(.*\)>.*/\2 \3/p' | sort -u >"$tmp/targets"
while read -r addr name; do
    if [ $((0x$addr)) -ge "$body_base" ] && [ "$name" != loader_main ]; then
        echo "pack-memdisk: the head calls $name in the body: move its object into HEAD_INPUT (loader.lds.S)" >&2
        exit 1
    fi
done <"$tmp/targets"

{ cat "$tmp/setup" "$tmp/head" "$tmp/body.gz"; head -c $((pm - head - packed)) /dev/zero; } >"$tmp/out"
# syssize at 0x1f4, little-endian.
printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( pm / 16 & 255 )) $(( pm / 16 >> 8 & 255 )) $(( pm / 16 >> 16 & 255 )) 0)" |
    dd of="$tmp/out" bs=1 seek=$((0x1f4)) conv=notrunc status=none
mv "$tmp/out" "$out"
payload=$(( 0x$(sym payload_end) - 0x$(sym payload_start) ))
total=$(stat -c %s "$out")
loader=$((total - payload))
echo "  PACK    $out: setup $(stat -c %s "$tmp/setup") + head $((head - payload)) + injection payload $payload + body $(stat -c %s "$tmp/body") packed to $packed bytes"
echo "  SIZE    $out: $total bytes; the loader without the injection payload: $loader bytes (budget 32768)"
# The size budget (issue 13): the loader, everything but the payload (the
# Linux program and hooks for the initramfs, a build product of tools/).
if [ "$loader" -gt 32768 ]; then
    echo "pack-memdisk: the loader is $loader bytes, over its 32 KiB budget: make it smaller (docs/memdisk.md, Size)" >&2
    rm -f "$out"
    exit 1
fi
