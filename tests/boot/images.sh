#!/usr/bin/env bash
# images.sh - per-case boot-test images and the media a real boot loader
# loads them from; the command-line entry the runner (run.py) calls.
#
# The shared media (media.sh, live.sh, mkinitcpio.sh, distro.sh) are built
# once in the cache; the images made here carry a case's name, token and
# kernel arguments and go into the case's folder.
#
# Usage:
#   images.sh media [KIND...]
#       build or refresh the shared media (the runner does this once per run);
#       with KIND (distro:FLAVOR), that kind's large shared media instead
#   images.sh image KIND DIR NAME GUEST TOKEN [KARG...]
#       build the image of KIND (below) for guest script GUEST in folder DIR;
#       print "image=PATH" (what the loader is given; empty for none),
#       "raw=PATH" (the uncompressed image, when PATH is compressed),
#       "disk=PATH" (a disk the machine has besides, if any) and "more=PATHS"
#       (further files the boot loader loads beside the image, blank-separated)
#   images.sh outer VIA OUT LOADER IMAGE OPTIONS [MORE...]
#       wrap IMAGE for a real boot loader that loads LOADER (as "memdisk")
#       with IMAGE as its initrd and OPTIONS as its command line: VIA
#       cd-isolinux or cd-grub (OUT: the outer CD), net-ipxe or net-pxelinux
#       (OUT: the TFTP folder); for memdisk.efi (LOADER keeps its name):
#       net-ipxe-efi (OUT: the TFTP folder; MORE: more files it loads),
#       cd-grub-efi (OUT: GRUB's UEFI CD), usb-stick and usb-grub-efi (OUT:
#       the stick's image)
#   images.sh outer net-ipxe-linux OUT KERNEL INITRD ARGS
#       the TFTP folder whose iPXE script boots KERNEL with INITRD and ARGS
#       itself (no memdisk)
#
# Image kinds:
#   iso:RULE         the test ISO (ISOLINUX, test kernel and initramfs), its
#                    size obeying RULE (media.sh size_rule: odd, even, 2m)
#   isogz:RULE       that ISO, gzip-compressed (raw: the ISO)
#   hdd              the 40 MiB SYSLINUX hard disk
#   floppy           the 1.44 MB floppy whose boot sector prints the token
#   isofloppy        an ISO whose El Torito image is that floppy (emulation)
#   hddoff           512 bytes, then that hard disk (for offset=512)
#   isobig:RULE      the test ISO with isolinux.bin loaded whole (El Torito
#                    load size 76 sectors: 38 KB from 0x7C00)
#   probe, probebig  an 8 MiB (500 MiB) disk whose boot sector is probe.S,
#                    and a 1 MiB disk of the machine's own ("RDSK" at 0x1B8)
#   bad:KIND         a broken image: none, garbage, tiny, catalog, gzcrc,
#                    truncated, hugegz, cutgz; efihalf (the first half of the UEFI
#                    test ISO)
#   rescue-cd, rescue-floppy   Debian's GRUB rescue images, as shipped
#   geodsp1s         SYSLINUX's one-sector geometry display, a hard disk image
#                    (syslinux-common's geodsp1s.img.xz, unpacked: neither
#                    memdisk reads xz)
#   pkg:NAME         a bootable image another Debian package ships (pkg_image)
#   efiiso:RULE      the UEFI test ISO (GRUB for x86_64-efi from grub-mkrescue,
#                    test kernel and initramfs), its size obeying RULE
#   efiisogz:RULE    that ISO, gzip-compressed (raw: the ISO)
#   mkinitcpio+efi:RULE  the UEFI test ISO with the mkinitcpio stand-in's
#                    initramfs (mkinitcpio.sh), labelled MEMBOOT_LIVE, not hybrid
#   efiiso+floppy:RULE   that ISO, and the floppy as a second file (more=)
#   efigpt           the GPT disk with an EFI system partition (GRUB for UEFI,
#                    kernel, initramfs)
#   efi-rescue       GRUB's UEFI rescue CD (grub-mkrescue, nothing added)
#   live:FLAVOR:RULE a live ISO (live.sh): FLAVOR debian or dracut
#   mkinitcpio:RULE  the test ISO booting the mkinitcpio image (mkinitcpio.sh)
#   archiso:RULE     the same with the unmodified archiso stand-in (MKI_VARIANT=archiso)
#   distro:FLAVOR    an unmodified distribution ISO (distro.sh): FLAVOR debian
#                    (Debian 12 live, made by live-build), hard-linked from
#                    the cache once its initrd was checked
#   -                none (the case boots the test kernel directly)
set -euo pipefail

# shellcheck source=tests/boot/media.sh
source "$(dirname "${BASH_SOURCE[0]}")/media.sh"
# shellcheck source=tests/boot/live.sh
source "$BOOT_DIR/live.sh"
# shellcheck source=tests/boot/mkinitcpio.sh
source "$BOOT_DIR/mkinitcpio.sh"
# shellcheck source=tests/boot/distro.sh
source "$BOOT_DIR/distro.sh"

GRUB_RESCUE=/usr/lib/grub-rescue
GRUB_BIOS=/usr/lib/grub/i386-pc         # GRUB's BIOS platform (grub-pc-bin)

# ---------------------------------------------------------------- images
# Each sets IMG (and RAW, DISK when they apply).

# make_isofloppy DIR NAME TOKEN: an ISO whose El Torito boot image is the
# floppy, in floppy emulation: the memdisk must show the floppy inside the CD.
make_isofloppy() {
    local dir=$1 tree=$1/isofloppy
    mkdir -p "$tree"
    make_floppy "$tree/boot.img" "$3"
    IMG=$dir/$2.iso
    xorriso -as mkisofs -quiet -o "$IMG" -V MEMBOOT_EMU -b boot.img -c boot.cat "$tree"
    rm -rf "$tree"
}

# make_probe_media DIR NAME SIZE: a disk of SIZE whose boot code is probe.S
# (which questions the memdisk through INT 13h and INT 15h and prints the
# answers on the serial line), and a 1 MiB disk of the machine's own with
# "RDSK" at 0x1B8.
make_probe_media() {
    local dir=$1 tmp=$1/probe-build
    mkdir -p "$tmp"
    as --32 -o "$tmp/probe.o" "$BOOT_DIR/probe.S"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$tmp/probe.bin" "$tmp/probe.o"
    IMG=$dir/$2.img
    truncate -s 8M "$IMG"
    dd if="$tmp/probe.bin" of="$IMG" conv=notrunc status=none
    truncate -s "$3" "$IMG"
    DISK=$dir/bios-disk.img
    truncate -s 1M "$DISK"
    printf 'RDSK' | dd of="$DISK" bs=1 seek=$((0x1b8)) conv=notrunc status=none
    printf '\x55\xaa' | dd of="$DISK" bs=1 seek=510 conv=notrunc status=none
}

# make_bad_image KIND DIR NAME TOKEN: a broken image for the error-path cases.
make_bad_image() {
    local kind=$1 dir=$2 iso n cache
    IMG=$dir/$3.img
    case $kind in
        none) IMG= ;;
        garbage) head -c 1048576 /dev/urandom >"$IMG" ;;
        tiny) head -c 100 /dev/urandom >"$IMG" ;;
        efihalf)
            # The UEFI test ISO cut in half: its volume says it is longer.
            BOOT_CFG=grub_cfg boot_cfg efi_pmem "$4" >"$dir/grub.cfg"
            iso=$dir/base.iso
            make_efi_iso "$iso" "$dir/grub.cfg" odd
            head -c $(($(file_size "$iso") / 2)) "$iso" >"$IMG"
            rm -f "$iso" ;;
        catalog|gzcrc|truncated)
            boot_cfg find "$4" >"$dir/isolinux.cfg"
            iso=$dir/base.iso
            make_iso "$iso" "$dir/isolinux.cfg" even
            case $kind in
                catalog)
                    # The boot catalog pointer (sector 17, offset 0x47) far past the end.
                    cp "$iso" "$IMG"
                    printf '\x00\x00\x10\x00' | dd of="$IMG" bs=1 seek=$((17 * 2048 + 0x47)) conv=notrunc status=none ;;
                gzcrc)
                    # A gzip whose CRC-32 (the trailer's first 4 bytes) is wrong.
                    gzip -1 -c "$iso" >"$IMG"
                    n=$(file_size "$IMG")
                    printf '\xde\xad\xbe\xef' | dd of="$IMG" bs=1 seek=$((n - 8)) conv=notrunc status=none ;;
                truncated)
                    # The first 40 KiB of an ISO: the catalog is past the end.
                    head -c 40960 "$iso" >"$IMG" ;;
            esac
            rm -f "$iso" ;;
        hugegz)
            # 3.5 GiB of zeros, compressed: less than a 5 GiB guest's RAM,
            # more than it has below 4 GiB, where the inflated image must go.
            cache=$MEDIA/zeros-3584m.gz
            if [[ ! -s $cache ]]; then
                head -c $((3584 << 20)) /dev/zero | gzip -1 >"$cache.$$"
                mv "$cache.$$" "$cache"
            fi
            cp "$cache" "$IMG" ;;
        cutgz)
            # A download that stopped: a gzip of an ISO cut after its middle,
            # where the last 4 bytes (read as the trailer's size) say more
            # than 1 GiB (the guests have 512 MiB).
            boot_cfg find "$4" >"$dir/isolinux.cfg"
            iso=$dir/base.iso
            make_iso "$iso" "$dir/isolinux.cfg" even
            gzip -1 -n -c "$iso" >"$dir/base.gz"
            n=$(($(file_size "$dir/base.gz") / 2))
            while (( $(od -An -tu4 -j $((n - 4)) -N4 "$dir/base.gz") < (1 << 30) )); do
                n=$((n + 1))
            done
            head -c "$n" "$dir/base.gz" >"$IMG"
            rm -f "$iso" "$dir/base.gz" ;;
        *) die "unknown bad image '$kind'" ;;
    esac
}

# case_image KIND DIR NAME GUEST TOKEN [KARG...]: build the image (see the
# header) and print image=, raw=, disk= and more=.
case_image() {
    local kind=$1 dir=$2 name=$3 guest=$4 token=$5 flavor rule
    shift 5
    IMG='' RAW='' DISK='' MORE=''
    mkdir -p "$dir"
    case $kind in
        efiiso:*|efiisogz:*|efiiso+floppy:*)
            BOOT_CFG=grub_cfg boot_cfg "$guest" "$token" "$@" >"$dir/grub.cfg"
            IMG=$dir/$name.iso
            make_efi_iso "$IMG" "$dir/grub.cfg" "${kind#*:}"
            case $kind in
                efiisogz:*) RAW=$IMG IMG=$dir/$name.iso.gz; gzip -6 -c "$RAW" >"$IMG" ;;
                efiiso+floppy:*) MORE=$dir/$name.floppy.img; make_floppy "$MORE" "$token" ;;
            esac ;;
        efigpt)
            BOOT_CFG=grub_cfg boot_cfg "$guest" "$token" "$@" >"$dir/grub.cfg"
            IMG=$dir/$name.img
            make_gpt "$IMG" "$dir/grub.cfg" ;;
        efi-rescue) IMG=$MEDIA/grub-efi-rescue.iso ;;
        isobig:*|isohuge:*)
            # isolinux.bin loaded whole by the El Torito entry (38 KB):
            # from 0x7C00 it runs past 0x10000, where iPXE and QEMU put
            # memdisk's real-mode part; isohuge: 1100 sectors (550 KiB,
            # to 0x91C00: what fits below 640 KiB beside the driver).
            boot_cfg "$guest" "$token" "$@" >"$dir/isolinux.cfg"
            IMG=$dir/$name.iso
            n=$((($(file_size "$ISOLINUX_BIN") + 511) / 512))
            [[ $kind == isohuge:* ]] && n=1100
            ISO_BOOT_LOAD=$n make_iso "$IMG" "$dir/isolinux.cfg" "${kind#*:}" ;;
        iso:*|isogz:*)
            boot_cfg "$guest" "$token" "$@" >"$dir/isolinux.cfg"
            IMG=$dir/$name.iso
            make_iso "$IMG" "$dir/isolinux.cfg" "${kind#*:}"
            if [[ $kind == isogz:* ]]; then
                # The checks compare with the ISO inside.
                RAW=$IMG IMG=$dir/$name.iso.gz
                gzip -6 -c "$RAW" >"$IMG"
            fi ;;
        hdd)
            boot_cfg "$guest" "$token" "$@" >"$dir/syslinux.cfg"
            IMG=$dir/$name.img
            make_hdd "$IMG" "$dir/syslinux.cfg" ;;
        hddoff)
            # 512 bytes of something else, then the hard disk (offset=512).
            boot_cfg "$guest" "$token" "$@" >"$dir/syslinux.cfg"
            make_hdd "$dir/disk.img" "$dir/syslinux.cfg"
            IMG=$dir/$name.img
            { head -c 512 /dev/zero | tr '\0' 'P'; cat "$dir/disk.img"; } >"$IMG"
            rm -f "$dir/disk.img" ;;
        floppy) IMG=$dir/$name.img; make_floppy "$IMG" "$token" ;;
        isofloppy) make_isofloppy "$dir" "$name" "$token" ;;
        probe) make_probe_media "$dir" "$name" 8M ;;
        # In a 512 MiB guest there is no 2 MiB-aligned room for 500 MiB
        # above 16 MiB once the loader is placed.
        probebig) make_probe_media "$dir" "$name" 500M ;;
        bad:*) make_bad_image "${kind#bad:}" "$dir" "$name" "$token" ;;
        rescue-cd) IMG=$GRUB_RESCUE/grub-rescue-cdrom.iso ;;
        pkg:*) IMG=$(pkg_image "${kind#pkg:}") || die "no image ${kind#pkg:}" ;;
        rescue-floppy) IMG=$GRUB_RESCUE/grub-rescue-floppy.img ;;
        geodsp1s) IMG=$(geodsp_image) || die "no geodsp1s image" ;;
        live:*)
            IFS=: read -r _ flavor rule <<<"$kind"
            IMG=$dir/$name.iso
            make_live_iso "$IMG" "$flavor" "$token" "$rule" "$@" || die "could not build the live ISO"
            ;;
        mkinitcpio+efi:*)
            BOOT_CFG=grub_cfg boot_cfg "$guest" "$token" "$@" >"$dir/grub.cfg"
            IMG=$dir/$name.iso
            make_mkinitcpio_efi_iso "$IMG" "$dir/grub.cfg" "${kind#*:}" ||
                die "could not build the mkinitcpio initramfs" ;;
        mkinitcpio:*)
            boot_cfg "$guest" "$token" "$@" >"$dir/isolinux.cfg"
            IMG=$dir/$name.iso
            make_mkinitcpio_iso "$IMG" "$dir/isolinux.cfg" "${kind#*:}" ||
                die "could not build the mkinitcpio initramfs" ;;
        archiso:*)
            boot_cfg "$guest" "$token" "$@" >"$dir/isolinux.cfg"
            IMG=$dir/$name.iso
            MKI_VARIANT=archiso MKI_MEDIA=$MEDIA/mkinitcpio-archiso \
                make_mkinitcpio_iso "$IMG" "$dir/isolinux.cfg" "${kind#*:}" ||
                die "could not build the archiso stand-in initramfs" ;;
        distro:*)
            IMG=$dir/$name.iso
            make_distro_image "$IMG" "${kind#distro:}" ||
                die "could not build or check the ${kind#distro:} ISO" ;;
        -) ;;
        *) die "unknown image kind '$kind'" ;;
    esac
    printf 'image=%s\nraw=%s\ndisk=%s\nmore=%s\n' "$IMG" "$RAW" "$DISK" "$MORE"
}

# ---------------------------------------------------------------- real boot loaders
# Outer media through which a real boot loader loads MEMDISK (LOADER, the
# loader binary, always named "memdisk" there) with the inner image as its
# initrd and OPTIONS as its command line.  The inner image is the one the
# checks hash; these only wrap it.

# make_pxe_dir DIR LOADER INNER OPTIONS: the TFTP root for QEMU's user-mode
# network (bootfile=boot.ipxe): an iPXE script, the loader and the inner ISO
# (hard-linked, as test.iso).  The NIC's iPXE ROM fetches the script, and the
# names in it are relative to it.
make_pxe_dir() {
    local dir=$1 loader=$2 inner=$3 options=$4
    mkdir -p "$dir" && cp "$loader" "$dir/memdisk" && ln -f "$inner" "$dir/test.iso" &&
        printf '%s\n' '#!ipxe' "kernel memdisk $options" 'initrd test.iso' 'boot' >"$dir/boot.ipxe"
}

# make_http_dirs TFTP WWW INNER OPTIONS: network boot over HTTP with the
# iPXE script memboot ships (examples/memboot.ipxe, unchanged): TFTP holds
# only boot.ipxe, which sets memboot-iso (and memboot-args: OPTIONS without
# "iso", which the script says itself) and chains the script from the web
# server; WWW (served by the harness's nginx, http://10.0.2.100/ in the
# guest) holds the script, both loaders and the ISO.  The same files boot on
# SeaBIOS and on OVMF: iPXE's ${platform} picks memdisk or memdisk.efi.
make_http_dirs() {
    local tftp=$1 www=$2 inner=$3 options=$4 w args=()
    for w in $options; do [[ $w == iso ]] || args+=("$w"); done
    mkdir -p "$tftp" "$www" &&
        cp "$REPO/examples/memboot.ipxe" "$BUILD/memdisk" "$BUILD/memdisk.efi" "$www/" &&
        link_or_copy "$inner" "$www/test.iso" || return 1
    {
        printf '%s\n' '#!ipxe' 'set memboot-iso test.iso'
        [[ ${#args[@]} -eq 0 ]] || printf 'set memboot-args %s\n' "${args[*]}"
        printf '%s\n' 'chain http://10.0.2.100/memboot.ipxe || echo MEMBOOT-IPXE-WENT-ON'
    } >"$tftp/boot.ipxe"
}

# make_pxelinux_dir DIR LOADER INNER OPTIONS: the TFTP root for PXELINUX as
# the network boot loader (bootfile=pxelinux.0): Debian's pxelinux.0 and
# ldlinux.c32, and pxelinux.cfg/default whose only entry is KERNEL memdisk,
# INITRD test.iso, APPEND OPTIONS (serial console).  The NIC's iPXE ROM
# fetches pxelinux.0; PXELINUX then fetches the rest through the ROM's PXE API.
make_pxelinux_dir() {
    local dir=$1 loader=$2 inner=$3 options=$4
    mkdir -p "$dir/pxelinux.cfg" && cp "$loader" "$dir/memdisk" && ln -f "$inner" "$dir/test.iso" &&
        cp "$PXELINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32" "$dir/" &&
        printf '%s\n' "SERIAL 0 115200" "PROMPT 0" "TIMEOUT 0" "DEFAULT x" "LABEL x" \
            "  KERNEL memdisk" "  INITRD test.iso" "  APPEND $options" >"$dir/pxelinux.cfg/default"
}

# make_isolinux_outer OUT LOADER INNER OPTIONS: an ISOLINUX CD (serial
# console) whose only entry is LINUX /memdisk, INITRD /inner.iso, APPEND
# OPTIONS.  PXELINUX runs the same code to load a kernel and initrd.
make_isolinux_outer() {
    local out=$1 loader=$2 inner=$3 options=$4 cfg=$1.cfg
    printf '%s\n' "SERIAL 0 115200" "PROMPT 0" "TIMEOUT 0" "DEFAULT x" "LABEL x" \
        "  LINUX /memdisk" "  INITRD /inner.iso" "  APPEND $options" >"$cfg"
    xorriso -as mkisofs -quiet -o "$out" -V MEMBOOT_OUTER -R \
        -b isolinux/isolinux.bin -c isolinux/boot.cat \
        -no-emul-boot -boot-load-size 4 -boot-info-table -graft-points \
        "isolinux/isolinux.bin=$ISOLINUX_BIN" "isolinux/ldlinux.c32=$SYSLINUX_BIOS/ldlinux.c32" \
        "isolinux/isolinux.cfg=$cfg" "memdisk=$loader" "inner.iso=$inner" ||
        { rm -f "$cfg"; return 1; }
    rm -f "$cfg"
}

# make_grub_outer OUT LOADER INNER OPTIONS: a GRUB 2 CD for BIOS only, made
# by grub-mkrescue from GRUB's i386-pc platform alone (-d: without it,
# grub-mkrescue also builds every other platform installed, and the EFI ones
# have no biosdisk module), whose only entry is linux16 /memdisk OPTIONS,
# initrd16 /inner.iso, on the serial console.  Only the modules the entry
# needs (and their dependencies) go in, no locales, fonts or themes: it stays
# small and quick to build.
make_grub_outer() {
    local out=$1 loader=$2 inner=$3 options=$4 tree=$1.d
    rm -rf "$tree"
    mkdir -p "$tree/boot/grub"
    printf '%s\n' "serial --unit=0 --speed=115200" "terminal_output serial console" \
        "set timeout=0" "menuentry x {" "  linux16 /memdisk $options" "  initrd16 /inner.iso" "}" \
        >"$tree/boot/grub/grub.cfg"
    grub-mkrescue -d "$GRUB_BIOS" --locales= --fonts= --themes= \
        --install-modules="normal configfile serial terminal linux16 iso9660 biosdisk" \
        -o "$out" "$tree" "memdisk=$loader" "inner.iso=$inner" >"$out.log" 2>&1 ||
        { cat "$out.log" >&2; rm -rf "$tree"; return 1; }
    rm -rf "$tree" "$out.log"
}

# make_ipxe_linux_dir DIR KERNEL INITRD ARGS: the TFTP root whose boot.ipxe
# boots KERNEL with INITRD and ARGS itself, no memdisk.  "initrd=initrd.gz"
# is for an EFI iPXE: the kernel's EFI stub loads the initrd named there from
# the file system iPXE gives it; a BIOS iPXE hands the initrd over itself.
make_ipxe_linux_dir() {
    local dir=$1 kernel=$2 initrd=$3 args=$4
    mkdir -p "$dir" && cp "$kernel" "$dir/vmlinuz" && cp "$initrd" "$dir/initrd.gz" &&
        printf '%s\n' '#!ipxe' "kernel vmlinuz initrd=initrd.gz $args" 'initrd initrd.gz' 'boot' \
            >"$dir/boot.ipxe"
}

# ---------------------------------------------------------------- memdisk.efi
# Outer media through which memdisk.efi (LOADER, keeping its name) is
# started and reads the image: iPXE's file system of downloaded images,
# GRUB's chainload volume, a USB stick.

# link_or_copy SRC DST: hard-link SRC as DST (a copy across file systems).
link_or_copy() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }

# make_pxe_efi_dir DIR LOADER INNER OPTIONS [MORE...]: the TFTP root whose
# iPXE script starts memdisk.efi with OPTIONS after loading INNER (and each
# MORE) with "initrd" (none when INNER is empty), each under its own name:
# memdisk.efi reads them from the file system iPXE gives it.  When the boot
# fails, iPXE goes on to the script's next command, which says so.
make_pxe_efi_dir() {
    local dir=$1 loader=$2 inner=$3 options=$4 f lines=()
    shift 4
    mkdir -p "$dir" && cp "$loader" "$dir/" || return 1
    lines=('#!ipxe' "kernel $(basename "$loader")${options:+ $options}")
    for f in ${inner:+"$inner"} "$@"; do
        link_or_copy "$f" "$dir/$(basename "$f")" || return 1
        lines+=("initrd $(basename "$f")")
    done
    lines+=('boot || echo MEMBOOT-IPXE-WENT-ON')
    printf '%s\n' "${lines[@]}" >"$dir/boot.ipxe"
}

# chain_cfg OPTIONS: a grub.cfg that chainloads /memdisk.efi with OPTIONS;
# should memdisk.efi return, its fallback entry says so and powers off.
chain_cfg() {
    printf '%s\n' "set timeout=0" "set default=0" "set fallback=1" \
        "menuentry memdisk.efi {" "  chainloader /memdisk.efi $1" "  boot" "}" \
        "menuentry fallback {" "  echo MEMBOOT-GRUB-WENT-ON" "  halt" "}"
}

# make_grub_efi_outer OUT LOADER INNER OPTIONS: GRUB's UEFI CD
# (grub-mkrescue, x86_64-efi only) whose grub.cfg chainloads /memdisk.efi
# with OPTIONS (chain_cfg); INNER is /isos/test.iso on it (OPTIONS name it:
# image=...).  The volume GRUB chainloads from is the CD's ISO 9660.
make_grub_efi_outer() {
    local out=$1 loader=$2 inner=$3 options=$4 tree=$1.d
    rm -rf "$tree"
    mkdir -p "$tree/boot/grub"
    chain_cfg "$options" >"$tree/boot/grub/grub.cfg"
    grub_mkrescue_efi "$out" "$tree" "memdisk.efi=$loader" "isos/test.iso=$inner" ||
        { rm -rf "$tree"; return 1; }
    rm -rf "$tree"
}

# new_stick OUT ROOM: an empty USB stick with room for ROOM bytes and more:
# one FAT32 partition (MBR, type 0Ch) from 1 MiB to the end.
new_stick() {
    local out=$1 mib
    mib=$(($2 / 1048576 + 40))
    rm -f "$out"
    truncate -s "${mib}M" "$out"
    printf '%s\n' "label: dos" "start=$HDD_PART_START, type=c, bootable" |
        sfdisk --quiet "$out" >/dev/null || return 1
    mkfs.fat -F 32 -s 1 -n MEMBOOT_USB --offset "$HDD_PART_START" "$out" \
        $(((mib - 1) * 1024)) >/dev/null
}

# stick_put OUT FILE PATH...: copy FILE to PATH on the stick OUT, then the
# next FILE PATH pair (folders are made as needed).
stick_put() {
    local out=$1 off=$((HDD_PART_START * 512)) dir part parts
    shift
    export MTOOLS_SKIP_CHECK=1
    while [[ $# -ge 2 ]]; do
        IFS=/ read -ra parts <<<"${2#/}"
        dir=
        for part in "${parts[@]:0:${#parts[@]}-1}"; do
            dir=$dir/$part
            mmd -i "$out@@$off" "::$dir" 2>/dev/null || true    # there already
        done
        mcopy -D o -i "$out@@$off" "$1" "::$2" || return 1
        shift 2
    done
}

# make_stick OUT LOADER INNER OPTIONS: a USB stick (new_stick) with LOADER as
# \EFI\BOOT\BOOTX64.EFI (what UEFI firmware starts from removable media),
# \EFI\BOOT\memdisk.cfg holding OPTIONS (memdisk.efi reads it when started
# with no options) and INNER as /test.iso.
make_stick() {
    local out=$1 loader=$2 inner=$3 options=$4
    new_stick "$out" "$(file_size "$inner")" || return 1
    printf '%s\n' "# memdisk.efi options (tests/boot/images.sh make_stick)" "$options" \
        >"$out.cfg"
    stick_put "$out" "$loader" /EFI/BOOT/BOOTX64.EFI "$out.cfg" /EFI/BOOT/memdisk.cfg \
        "$inner" /test.iso || { rm -f "$out.cfg"; return 1; }
    rm -f "$out.cfg"
}

# make_grub_stick OUT LOADER INNER OPTIONS: a USB stick (new_stick) whose
# \EFI\BOOT\BOOTX64.EFI is GRUB (grubx64.efi), whose grub.cfg chainloads
# /memdisk.efi (LOADER) with OPTIONS (chain_cfg), and INNER as
# /isos/test.iso: GRUB chainloads from a FAT volume.
make_grub_stick() {
    local out=$1 loader=$2 inner=$3 options=$4
    new_stick "$out" "$(file_size "$inner")" || return 1
    chain_cfg "$options" >"$out.cfg"
    stick_put "$out" "$MEDIA/grubx64.efi" /EFI/BOOT/BOOTX64.EFI "$out.cfg" /boot/grub/grub.cfg \
        "$loader" /memdisk.efi "$inner" /isos/test.iso || { rm -f "$out.cfg"; return 1; }
    rm -f "$out.cfg"
}

# geodsp_image: the path of SYSLINUX's geometry display, unpacked once from
# the xz file syslinux-common installs (a package the tests need anyway).
geodsp_image() {
    local xz=/usr/lib/syslinux/mbr/diag/geodsp/geodsp1s.img.xz out=$MEDIA/geodsp1s.img
    [[ -f $xz ]] || die "syslinux-common has no $xz (scripts/deps.sh installs it)"
    if [[ ! -f $out || $xz -nt $out ]]; then
        mkdir -p "$MEDIA"
        xz -dc "$xz" >"$out.$$" && mv "$out.$$" "$out" || die "could not unpack $xz"
    fi
    printf '%s\n' "$out"
}

# pkg_image NAME: the path of a bootable image that a Debian package ships,
# from the package's .deb (apt-get download into $CACHE/debs, unpacked with
# dpkg-deb -x into $MEDIA/pkg/PACKAGE: nothing is installed on the host,
# whose boot configuration such packages' scripts would touch). NAME:
#   ipxe.iso       /usr/lib/ipxe/ipxe.iso of ipxe (iPXE's own boot CD)
#   memtest.iso    /usr/lib/memtest86+/memtest86+x64.iso of memtest86+
#   memtest32.iso  /usr/lib/memtest86+/memtest86+ia32.iso of memtest86+ (32-bit build)
pkg_image() {
    local pkg path deb debs=$CACHE/debs
    case $1 in
        ipxe.iso) pkg=ipxe path=usr/lib/ipxe/ipxe.iso ;;
        memtest.iso) pkg=memtest86+ path=usr/lib/memtest86+/memtest86+x64.iso ;;
        memtest32.iso) pkg=memtest86+ path=usr/lib/memtest86+/memtest86+ia32.iso ;;
        *) die "unknown package image '$1'" ;;
    esac
    mkdir -p "$debs"
    (
        flock 9
        deb=$(ls "$debs/${pkg}_"*.deb 2>/dev/null | head -n1)
        if [[ -z $deb ]]; then
            log "media: apt-get download $pkg"
            (cd "$debs" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
                { apt-get update -qq >/dev/null 2>&1; (cd "$debs" && apt-get download -qq "$pkg" >/dev/null); } ||
                die "could not download $pkg"
            deb=$(ls "$debs/${pkg}_"*.deb | head -n1)
        fi
        if [[ ! -f $MEDIA/pkg/$pkg/$path ]] || [[ $(cat "$MEDIA/pkg/$pkg/.deb" 2>/dev/null) != "${deb##*/}" ]]; then
            rm -rf "$MEDIA/pkg/$pkg"
            mkdir -p "$MEDIA/pkg/$pkg"
            dpkg-deb -x "$deb" "$MEDIA/pkg/$pkg" || die "could not unpack $deb"
            printf '%s\n' "${deb##*/}" >"$MEDIA/pkg/$pkg/.deb"
        fi
    ) 9>"$debs/.lock" || return 1
    [[ -f $MEDIA/pkg/$pkg/$path ]] || die "$pkg has no $path"
    printf '%s\n' "$MEDIA/pkg/$pkg/$path"
}

# make_shim_stick OUT LOADER INNER OPTIONS: make_stick's stick, but
# \EFI\BOOT\BOOTX64.EFI is Debian's shim signed with OVMF's test key
# (live.sh), which starts LOADER as \EFI\BOOT\grubx64.efi (its default
# second stage), as a distribution's shim starts what its key signed.
make_shim_stick() {
    local out=$1 loader=$2 inner=$3 options=$4
    (flock 9 && build_live_efi_sb) 9>"$MEDIA/.lock" || return 1
    new_stick "$out" "$(file_size "$inner")" || return 1
    printf '%s\n' "# memdisk.efi options (tests/boot/images.sh make_shim_stick)" "$options" \
        >"$out.cfg"
    stick_put "$out" "$MEDIA/shimx64-sb.efi" /EFI/BOOT/BOOTX64.EFI "$loader" /EFI/BOOT/grubx64.efi \
        "$out.cfg" /EFI/BOOT/memdisk.cfg "$inner" /test.iso || { rm -f "$out.cfg"; return 1; }
    rm -f "$out.cfg"
}

# case_outer VIA OUT LOADER IMAGE OPTIONS [MORE...]: the outer medium of VIA.
case_outer() {
    local via=$1
    shift
    case $via in
        cd-isolinux) make_isolinux_outer "$@" ;;
        cd-grub) make_grub_outer "$@" ;;
        cd-grub-efi) make_grub_efi_outer "$@" ;;
        usb-stick) make_stick "$@" ;;
        usb-shim) make_shim_stick "$@" ;;
        usb-grub-efi) make_grub_stick "$@" ;;
        net-ipxe-efi) make_pxe_efi_dir "$@" ;;
        net-ipxe) make_pxe_dir "$@" ;;
        net-http) make_http_dirs "$@" ;;
        net-pxelinux) make_pxelinux_dir "$@" ;;
        net-ipxe-linux) make_ipxe_linux_dir "$@" ;;
        *) die "unknown delivery '$via'" ;;
    esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    case ${1:-} in
        media)
            shift
            [[ $# -gt 0 ]] || ensure_media
            for kind in "$@"; do
                case $kind in
                    distro:*) ensure_distro_media "${kind#distro:}" ;;
                    *) die "no shared media of their own for '$kind'" ;;
                esac
            done ;;
        image) shift; case_image "$@" ;;
        outer) shift; case_outer "$@" ;;
        *) die "usage: images.sh media [KIND...] | image KIND DIR NAME GUEST TOKEN [KARG...] | outer VIA OUT ..." ;;
    esac
fi
