#!/usr/bin/env bash
# media.sh - build the boot-test media in the cache (outside the source tree).
#
# Run it to (re)build the shared media; images.sh, bench/run.sh and the demo
# source it for its builders.  Shared media live in $MEMBOOT_CACHE/media
# (default ~/.cache/memboot/media) and are rebuilt only when their inputs
# change (each has a stamp holding the hash of its inputs: our tools, host
# files, guest scripts, the kernel version and these scripts):
#   vmlinuz        Debian's kernel (fetched by scripts/deps.sh)
#   initrd.gz      busybox initramfs: /init, /cases, our two tools,
#                  Debian's memdiskfind (+ glibc), the modules the guest needs
#   iso-tree/      ISOLINUX, kernel and initramfs for the ISO images
#   hdd.img        40 MiB MBR disk, one FAT16 partition with SYSLINUX, kernel
#                  and initramfs (syslinux.cfg is added per case)
#   floppy.img     1.44 MB floppy whose boot sector prints MEMBOOT-FLOPPY <token>
#   gpt.img        48 MiB GPT disk, one EFI system partition (FAT32) with GRUB
#                  for UEFI as \EFI\BOOT\BOOTX64.EFI, kernel and initramfs
#                  (/boot/grub/grub.cfg is added per case)
#   grub-efi-rescue.iso  GRUB's UEFI rescue CD, as grub-mkrescue makes it
# Per-case images (they carry the case name and a token) are made in the
# run's folder by images.sh from these, with make_iso, make_efi_iso,
# make_hdd, make_gpt and make_floppy.
#
# Usage: tests/boot/media.sh        build or refresh the shared media
set -euo pipefail

# shellcheck source=tests/boot/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HDD_SIZE_MIB=40
HDD_PART_START=2048            # sectors: the partition starts at 1 MiB
GPT_SIZE_MIB=48                # the GPT disk; its ESP starts at 1 MiB too
CFG_SIZE=1536                  # boot configs are padded to this many bytes
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B

# ---------------------------------------------------------------- stamps

# inputs_hash ITEM...: hash of the listed files' contents (or of the strings
# themselves when they are not files), plus these build scripts.
inputs_hash() {
    local item
    {
        for item in "$BOOT_DIR/media.sh" "$BOOT_DIR/common.sh" "$@"; do
            if [[ -f $item ]]; then
                printf '%s %s\n' "$item" "$(file_sha256 "$item")"
            else
                printf 'str %s\n' "$item"
            fi
        done
    } | sha256sum | cut -d' ' -f1
}

# is_fresh NAME HASH: true when $MEDIA/NAME exists and was built from HASH.
is_fresh() {
    [[ -e $MEDIA/$1 ]] && [[ -f $MEDIA/$1.stamp ]] && [[ $(cat "$MEDIA/$1.stamp") == "$2" ]]
}

# set_stamp NAME HASH: record that $MEDIA/NAME was built from HASH.
set_stamp() { printf '%s\n' "$2" >"$MEDIA/$1.stamp"; }

# ---------------------------------------------------------------- kernel

# kernel_tree: print the folder where deps.sh extracted the guest kernel.
kernel_tree() { printf '%s\n' "$CACHE/kernel/$(kernel_version)"; }

# build_vmlinuz: copy the guest kernel into the media folder.
build_vmlinuz() {
    local kver src hash
    kver=$(kernel_version)
    src=$(kernel_tree)/boot/vmlinuz-$kver
    hash=$(inputs_hash "$src" "kver=$kver")
    is_fresh vmlinuz "$hash" && return 0
    log "media: vmlinuz $kver"
    cp "$src" "$MEDIA/vmlinuz"
    set_stamp vmlinuz "$hash"
}

# module_closure: print the paths (relative to /lib/modules/KVER) of
# GUEST_MODULES and everything they depend on, from the kernel's modules.dep.
module_closure() {
    local dep=$1/modules.dep
    local m
    for m in "${GUEST_MODULES[@]}"; do
        # Module file names use '-' or '_' interchangeably with the names.
        grep -E "(^|/)(${m//_/[-_]})\.ko(\.[a-z]+)?:" "$dep" || die "module $m not in $dep"
    done | tr -d ':' | tr ' ' '\n' | sed '/^$/d' | sort -u
}

# ---------------------------------------------------------------- initramfs

# initramfs_inputs: print the files the initramfs is made from.
initramfs_inputs() {
    printf '%s\n' "$BUILD/memdiskfind" "$BUILD/memdisk-attach" "$HOST_BUSYBOX" \
        "$HOST_MEMDISKFIND" "$HOST_LDSO" "$HOST_LIBC" "$BOOT_DIR/guest/init" \
        "$BOOT_DIR"/guest/cases/*.sh
}

# stage_busybox DIR: busybox with a symlink per applet, merged-/usr layout.
stage_busybox() {
    local dir=$1 applet
    mkdir -p "$dir/bin" "$dir/usr"
    ln -s bin "$dir/sbin"
    ln -s ../bin "$dir/usr/bin"
    ln -s ../bin "$dir/usr/sbin"
    cp "$HOST_BUSYBOX" "$dir/bin/busybox"
    for applet in $("$HOST_BUSYBOX" --list); do
        [[ -e $dir/bin/$applet ]] || ln -s busybox "$dir/bin/$applet"
    done
}

# stage_tools DIR: our tools, and Debian's memdiskfind with the glibc it needs.
stage_tools() {
    local dir=$1
    install -m 755 "$BUILD/memdiskfind" "$dir/bin/memdiskfind"
    install -m 755 "$BUILD/memdisk-attach" "$dir/bin/memdisk-attach"
    install -m 755 "$HOST_MEMDISKFIND" "$dir/bin/memdiskfind.syslinux"
    install -D -m 755 "$(readlink -f "$HOST_LDSO")" "$dir$HOST_LDSO"
    install -D -m 755 "$(readlink -f "$HOST_LIBC")" "$dir$HOST_LIBC"
}

# stage_modules DIR KVER: the needed modules under DIR/lib/modules/KVER, then
# depmod, so that busybox modprobe resolves names, aliases and dependencies.
stage_modules() {
    local dir=$1 kver=$2 src rel
    src=$(kernel_tree)/lib/modules/$kver
    local dst=$dir/lib/modules/$kver
    mkdir -p "$dst"
    while read -r rel; do
        install -D -m 644 "$src/$rel" "$dst/$rel"
    done < <(module_closure "$src")
    cp "$src/modules.order" "$src/modules.builtin" "$src/modules.builtin.modinfo" "$dst/"
    depmod -b "$dir" "$kver"
}

# stage_init DIR: /init and the case scripts.
stage_init() {
    local dir=$1
    install -m 755 "$BOOT_DIR/guest/init" "$dir/init"
    mkdir -p "$dir/cases" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/run"
    install -m 644 "$BOOT_DIR"/guest/cases/*.sh "$dir/cases/"
    # The kernel opens /dev/console before /init runs; /init re-opens it too,
    # so this node is only a convenience (it needs root).
    mknod -m 600 "$dir/dev/console" c 5 1 2>/dev/null || true
}

# build_initramfs: the gzip'd newc cpio archive booted by every Linux case.
build_initramfs() {
    local kver hash stage f
    kver=$(kernel_version)
    for f in "$BUILD/memdiskfind" "$BUILD/memdisk-attach"; do
        [[ -x $f ]] || die "$f is missing: build it first (make -C $REPO)"
    done
    mapfile -t inputs < <(initramfs_inputs)
    hash=$(inputs_hash "${inputs[@]}" "kver=$kver" "modules=${GUEST_MODULES[*]}")
    is_fresh initrd.gz "$hash" && return 0
    log "media: initrd.gz (kernel $kver)"
    stage=$MEDIA/initramfs.d
    rm -rf "$stage"
    mkdir -p "$stage"
    stage_busybox "$stage"
    stage_tools "$stage"
    stage_modules "$stage" "$kver"
    stage_init "$stage"
    (cd "$stage" && find . -print0 | LC_ALL=C sort -z \
        | cpio --null -o -H newc --quiet -R 0:0) | gzip -6n >"$MEDIA/initrd.gz.new"
    mv "$MEDIA/initrd.gz.new" "$MEDIA/initrd.gz"
    set_stamp initrd.gz "$hash"
}

# ---------------------------------------------------------------- ISO

# build_iso_tree: the files common to every test ISO (hard links).
build_iso_tree() {
    local hash tree=$MEDIA/iso-tree
    hash=$(inputs_hash "$MEDIA/vmlinuz" "$MEDIA/initrd.gz" "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32")
    is_fresh iso-tree "$hash" && return 0
    log "media: iso-tree"
    rm -rf "$tree"
    mkdir -p "$tree/isolinux"
    cp "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32" "$tree/isolinux/"
    ln "$MEDIA/vmlinuz" "$tree/vmlinuz"
    ln "$MEDIA/initrd.gz" "$tree/initrd.gz"
    set_stamp iso-tree "$hash"
}

# syslinux_cfg KERNEL INITRD ARGS: print a SYSLINUX/ISOLINUX configuration
# (serial console, no prompt) whose only entry boots KERNEL with INITRD and
# ARGS, padded to exactly CFG_SIZE bytes so that images made from it have the
# same size whatever the arguments.
syslinux_cfg() {
    padded_cfg "$(printf '%s\n' \
        "SERIAL 0 115200" \
        "PROMPT 0" \
        "TIMEOUT 0" \
        "DEFAULT linux" \
        "LABEL linux" \
        "  LINUX $1" \
        "  INITRD $2" \
        "  APPEND $3")"
}

# padded_cfg TEXT: print TEXT and a comment line ('#' and blanks) that
# together make exactly CFG_SIZE bytes (SYSLINUX and GRUB read both).
padded_cfg() {
    local text=$1 pad
    pad=$((CFG_SIZE - ${#text} - 2))
    [[ $pad -ge 0 ]] || die "boot configuration longer than $CFG_SIZE bytes"
    printf '%s\n#%*s\n' "$text" "$((pad > 0 ? pad : 0))" '' | head -c "$CFG_SIZE"
}

# grub_cfg KERNEL INITRD ARGS: print a GRUB configuration whose only entry
# boots KERNEL with INITRD and ARGS at once, padded as syslinux_cfg pads.
# GRUB writes on the firmware's console, which OVMF also puts on the serial
# line; the kernel's console is ttyS0 (ARGS).
grub_cfg() {
    padded_cfg "$(printf '%s\n' \
        "set timeout=0" \
        "menuentry linux {" \
        "  linux $1 $3" \
        "  initrd $2" \
        "}")"
}

# boot_cfg CASE TOKEN [KARGS...]: the configuration that boots the test
# kernel into CASE (syslinux_cfg; BOOT_CFG=grub_cfg for GRUB's).
boot_cfg() {
    local case=$1 token=$2
    shift 2
    "${BOOT_CFG:-syslinux_cfg}" /vmlinuz /initrd.gz \
        "console=ttyS0,115200 panic=-1 quiet memboot.case=$case memboot.token=$token $*"
}

# run_xorriso OUT CFG [PAD]: make a bootable ISOLINUX image from iso-tree, with
# CFG as isolinux/isolinux.cfg and, if given, PAD as /pad.bin.
# (ISO_BOOT_LOAD: the El Torito boot image's load size in 512-byte
# sectors, default 4; isolinux.bin whole is 76.)
run_xorriso() {
    local out=$1 cfg=$2 pad=${3:-}
    local graft=("isolinux/isolinux.cfg=$cfg")
    [[ -n $pad ]] && graft+=("pad.bin=$pad")
    xorriso -as mkisofs -quiet -o "$out" -V MEMBOOT_TEST -R \
        -b isolinux/isolinux.bin -c isolinux/boot.cat \
        -no-emul-boot -boot-load-size "${ISO_BOOT_LOAD:-4}" -boot-info-table \
        -graft-points "$MEDIA/iso-tree" "${graft[@]}" 2>/dev/null
}

# size_rule RULE: print "MODULUS REMAINDER" for an ISO size rule: "odd" (not
# a 4 KiB multiple: size % 4096 == 2048), "even" (a 4 KiB multiple), "2m" (a
# 2 MiB multiple) or "any".
size_rule() {
    case $1 in
        odd) echo 4096 2048 ;;
        even) echo 4096 0 ;;
        2m) echo 2097152 0 ;;
        any) echo 2048 0 ;;
        *) die "unknown ISO size rule '$1'" ;;
    esac
}

# fit_iso_size OUT RULE BUILD...: run BUILD... (a command that writes the ISO
# OUT, given an optional last argument: a padding file to add as /pad.bin),
# growing the padding (a multiple of 2048 bytes) until OUT's size obeys RULE
# (size_rule).  Returns 1, with a message, if it cannot.
fit_iso_size() {
    local out=$1 rule=$2 mod rem pad=0 short _
    shift 2
    read -r mod rem < <(size_rule "$rule")
    for _ in 1 2 3 4; do
        if [[ $pad -gt 0 ]]; then
            head -c "$pad" /dev/zero >"$out.pad"
            "$@" "$out.pad" || { rm -f "$out.pad"; return 1; }
            rm -f "$out.pad"
        else
            "$@" || return 1
        fi
        short=$(((rem - $(file_size "$out") % mod + mod) % mod))
        [[ $short -eq 0 ]] && return 0
        pad=$((pad + short))
    done
    log "could not give $out a size fitting '$rule' ($(file_size "$out") bytes)"
    return 1
}

# make_iso OUT CFG RULE: build OUT from iso-tree with boot config CFG, its
# size obeying RULE (fit_iso_size).
make_iso() {
    fit_iso_size "$1" "$3" run_xorriso "$1" "$2" || die "could not build $1"
}

# ---------------------------------------------------------------- UEFI

# GRUB modules the UEFI media's GRUB needs (grub-mkrescue and grub-mkimage
# add what these depend on); every partition map, which GRUB loads by name
# when it probes a disk (else an error line for each missing one).
GRUB_EFI_MODULES="normal configfile linux echo test iso9660 fat chain halt $(
    cd "$GRUB_EFI" 2>/dev/null && for m in part_*.mod; do printf '%s ' "${m%.mod}"; done)"

# run_grub_mkrescue_efi OUT CFG [PAD]: a CD that boots only on UEFI, made by
# grub-mkrescue from GRUB's x86_64-efi platform alone (an El Torito EFI
# image; grub-mkrescue makes it a hybrid with a GPT too), with CFG as
# /boot/grub/grub.cfg, the test kernel and initramfs and, if given, PAD as
# /pad.bin.
run_grub_mkrescue_efi() {
    local out=$1 cfg=$2 pad=${3:-} tree=$1.d
    local graft=("vmlinuz=$MEDIA/vmlinuz" "initrd.gz=$MEDIA/initrd.gz")
    [[ -n $pad ]] && graft+=("pad.bin=$pad")
    rm -rf "$tree"
    mkdir -p "$tree/boot/grub"
    cp "$cfg" "$tree/boot/grub/grub.cfg"
    grub_mkrescue_efi "$out" "$tree" "${graft[@]}" || { rm -rf "$tree"; return 1; }
    rm -rf "$tree"
}

# grub_mkrescue_efi OUT ARGS...: grub-mkrescue for x86_64-efi only, quiet
# unless it fails; ARGS are its folders and graft points.
grub_mkrescue_efi() {
    local out=$1
    shift
    grub-mkrescue -d "$GRUB_EFI" --locales= --fonts= --themes= \
        --install-modules="$GRUB_EFI_MODULES" -o "$out" "$@" >"$out.log" 2>&1 ||
        { cat "$out.log" >&2; rm -f "$out.log"; return 1; }
    rm -f "$out.log"
}

# make_efi_iso OUT CFG RULE: the UEFI test ISO (run_grub_mkrescue_efi) with
# grub.cfg CFG, its size obeying RULE (fit_iso_size).
make_efi_iso() {
    fit_iso_size "$1" "$3" run_grub_mkrescue_efi "$1" "$2" || die "could not build $1"
}

# build_efi_rescue: GRUB's UEFI rescue CD (grub-mkrescue with nothing but
# GRUB), as a user would make it.
build_efi_rescue() {
    local hash out=$MEDIA/grub-efi-rescue.iso
    hash=$(inputs_hash /usr/bin/grub-mkrescue "$GRUB_EFI/kernel.img" "$GRUB_EFI/normal.mod")
    is_fresh grub-efi-rescue.iso "$hash" && return 0
    log "media: grub-efi-rescue.iso"
    grub-mkrescue -d "$GRUB_EFI" -o "$out.new" >"$out.log" 2>&1 ||
        { cat "$out.log" >&2; die "grub-mkrescue failed"; }
    rm -f "$out.log"
    mv "$out.new" "$out"
    set_stamp grub-efi-rescue.iso "$hash"
}

# build_grub_efi: grubx64.efi, GRUB for UEFI made by grub-mkimage with its
# modules built in and the prefix /boot/grub on the partition it was started
# from (the UEFI media's \EFI\BOOT\BOOTX64.EFI when GRUB boots a disk).
build_grub_efi() {
    local hash out=$MEDIA/grubx64.efi
    hash=$(inputs_hash "$GRUB_EFI/kernel.img" "$GRUB_EFI/normal.mod" "modules=$GRUB_EFI_MODULES")
    is_fresh grubx64.efi "$hash" && return 0
    log "media: grubx64.efi"
    # shellcheck disable=SC2086
    grub-mkimage -O x86_64-efi -d "$GRUB_EFI" -p /boot/grub -o "$out.new" $GRUB_EFI_MODULES
    mv "$out.new" "$out"
    set_stamp grubx64.efi "$hash"
}

# build_gpt: the shared GPT disk (without grub.cfg): one EFI system
# partition, FAT32, with grubx64.efi as \EFI\BOOT\BOOTX64.EFI, the kernel
# and the initramfs.  sfdisk and mtools: no root, no loop device.
build_gpt() {
    local hash img=$MEDIA/gpt.img off=$((HDD_PART_START * 512)) tmp
    hash=$(inputs_hash "$MEDIA/vmlinuz" "$MEDIA/initrd.gz" "$MEDIA/grubx64.efi" \
        "size=$GPT_SIZE_MIB")
    is_fresh gpt.img "$hash" && return 0
    log "media: gpt.img"
    tmp=$(mktemp -d)
    rm -f "$img.new"
    truncate -s "${GPT_SIZE_MIB}M" "$img.new"
    # The partition runs to 1 MiB before the end (room for the backup GPT).
    printf '%s\n' "label: gpt" \
        "start=$HDD_PART_START, size=$(((GPT_SIZE_MIB - 2) * 2048)), type=$ESP_TYPE, name=ESP" |
        sfdisk --quiet "$img.new" >/dev/null
    # (It would warn that the file is longer than the file system: the GPT's
    # backup is there.)
    mkfs.fat -F 32 -s 1 -n MEMBOOT_ESP --offset "$HDD_PART_START" "$img.new" \
        $(((GPT_SIZE_MIB - 2) * 1024)) >/dev/null 2>"$tmp/mkfs.err" ||
        { cat "$tmp/mkfs.err" >&2; die "mkfs.fat failed"; }
    export MTOOLS_SKIP_CHECK=1
    mmd -i "$img.new@@$off" ::/EFI ::/EFI/BOOT ::/boot ::/boot/grub
    mcopy -i "$img.new@@$off" "$MEDIA/grubx64.efi" ::/EFI/BOOT/BOOTX64.EFI
    mcopy -i "$img.new@@$off" "$MEDIA/vmlinuz" ::/vmlinuz
    mcopy -i "$img.new@@$off" "$MEDIA/initrd.gz" ::/initrd.gz
    rm -rf "$tmp"
    mv "$img.new" "$img"
    set_stamp gpt.img "$hash"
}

# make_gpt OUT CFG: a copy of the shared GPT disk with CFG as /boot/grub/grub.cfg.
make_gpt() {
    local out=$1 cfg=$2
    cp --sparse=always "$MEDIA/gpt.img" "$out"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$out@@$((HDD_PART_START * 512))" "$cfg" ::/boot/grub/grub.cfg
}

# ---------------------------------------------------------------- hard disk

# le32 N: print N as 4 little-endian bytes (printf escapes).
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
    $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }

# chs LBA: print the 3 CHS bytes (escapes) of LBA for 64 heads x 32 sectors,
# the geometry MEMDISK also guesses for an image of this size.
chs() {
    local lba=$1 c h s
    c=$((lba / (64 * 32)))
    h=$(((lba / 32) % 64))
    s=$((lba % 32 + 1))
    printf '\\x%02x\\x%02x\\x%02x' "$h" $((s | ((c >> 8) << 6))) $((c & 255))
}

# write_mbr IMG: SYSLINUX's MBR code and one active FAT16 (LBA) partition.
write_mbr() {
    local img=$1 total start=$HDD_PART_START count entry
    total=$((HDD_SIZE_MIB * 2048))
    count=$((total - start))
    dd if="$MBR_BIN" of="$img" conv=notrunc status=none
    entry="\\x80$(chs "$start")\\x0e$(chs $((total - 1)))$(le32 "$start")$(le32 "$count")"
    # shellcheck disable=SC2059
    printf "$entry" | dd of="$img" bs=1 seek=446 conv=notrunc status=none
    printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
}

# build_hdd: the shared hard-disk image (without syslinux.cfg).
build_hdd() {
    local hash img=$MEDIA/hdd.img off
    hash=$(inputs_hash "$MEDIA/vmlinuz" "$MEDIA/initrd.gz" "$MBR_BIN" /usr/bin/syslinux \
        "size=$HDD_SIZE_MIB")
    is_fresh hdd.img "$hash" && return 0
    log "media: hdd.img"
    off=$((HDD_PART_START * 512))
    rm -f "$img.new"
    truncate -s "${HDD_SIZE_MIB}M" "$img.new"
    write_mbr "$img.new"
    mkfs.fat -F 16 -n MEMBOOT --offset "$HDD_PART_START" -h "$HDD_PART_START" \
        "$img.new" $(((HDD_SIZE_MIB * 2048 - HDD_PART_START) / 2)) >/dev/null
    syslinux --offset "$off" --install "$img.new"
    MTOOLS_SKIP_CHECK=1 mcopy -i "$img.new@@$off" "$MEDIA/vmlinuz" ::/vmlinuz
    MTOOLS_SKIP_CHECK=1 mcopy -i "$img.new@@$off" "$MEDIA/initrd.gz" ::/initrd.gz
    mv "$img.new" "$img"
    set_stamp hdd.img "$hash"
}

# make_hdd OUT CFG: a copy of the shared hard disk with CFG as syslinux.cfg.
make_hdd() {
    local out=$1 cfg=$2
    cp --sparse=always "$MEDIA/hdd.img" "$out"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$out@@$((HDD_PART_START * 512))" "$cfg" ::/syslinux.cfg
}

# ---------------------------------------------------------------- floppy

# build_floppy: the shared floppy image (token placeholder in its boot sector).
build_floppy() {
    local hash img=$MEDIA/floppy.img tmp
    hash=$(inputs_hash "$BOOT_DIR/floppy.S")
    is_fresh floppy.img "$hash" && return 0
    log "media: floppy.img"
    tmp=$(mktemp -d)
    as --32 -o "$tmp/floppy.o" "$BOOT_DIR/floppy.S"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$tmp/floppy.bin" "$tmp/floppy.o"
    [[ $(file_size "$tmp/floppy.bin") -eq 512 ]] || die "floppy boot sector is not 512 bytes"
    truncate -s 1474560 "$tmp/floppy.img"
    dd if="$tmp/floppy.bin" of="$tmp/floppy.img" conv=notrunc status=none
    mv "$tmp/floppy.img" "$img"
    rm -rf "$tmp"
    set_stamp floppy.img "$hash"
}

# make_floppy OUT TOKEN: a copy of the floppy whose boot sector prints TOKEN.
make_floppy() {
    local out=$1 token=$2 off
    [[ ${#token} -eq ${#FLOPPY_TOKEN_PLACEHOLDER} ]] || die "token must be ${#FLOPPY_TOKEN_PLACEHOLDER} characters"
    cp "$MEDIA/floppy.img" "$out"
    off=$(grep -obUa -- "$FLOPPY_TOKEN_PLACEHOLDER" "$out" | head -n1 | cut -d: -f1)
    [[ -n $off ]] || die "no token placeholder in the floppy image"
    printf '%s' "$token" | dd of="$out" bs=1 seek="$off" conv=notrunc status=none
}

# ---------------------------------------------------------------- all

# ensure_media: fetch the kernel if needed and refresh every shared medium,
# holding a lock so that concurrent runs do not build at the same time.
ensure_media() {
    mkdir -p "$MEDIA"
    (
        flock 9
        "$REPO/scripts/deps.sh" --kernel >/dev/null
        build_vmlinuz
        build_initramfs
        build_iso_tree
        build_hdd
        build_floppy
        build_grub_efi
        build_gpt
        build_efi_rescue
    ) 9>"$MEDIA/.lock"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    ensure_media
    log "media: up to date in $MEDIA"
fi
