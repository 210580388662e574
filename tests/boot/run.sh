#!/usr/bin/env bash
# run.sh - memboot's QEMU boot tests.
#
# Boots test media in QEMU (TCG only) through a MEMDISK loader and checks what
# the guest itself reports: each Linux guest runs a case script from the test
# initramfs and prints "MEMBOOT <token> key=value" lines on the serial console;
# screen-only guests are read from the VGA text buffer through the monitor.
# Every case gets a fresh random token, so stale output can never pass.
#
# Usage: tests/boot/run.sh [--list] [CASE...]     (no CASE: run them all)
# Prints "PASS name (Ns)" or "FAIL name: reason" (with the serial log's tail)
# per case, then one line "N passed, N failed"; exits 1 if any case failed.
#
# Environment (see also common.sh):
#   MEMDISK          loader of "memdisk" cases (default Debian's SYSLINUX MEMDISK)
#   MEMBOOT_MEMDISK  loader of "memboot" cases (default $MEMBOOT_BUILD/memdisk)
#   MEMBOOT_JOBS     QEMUs run at the same time (default 2)
#   MEMBOOT_TIMEOUT  hard limit per QEMU boot in seconds (default 90)
#   MEMBOOT_LIVE_TIMEOUT  the same for live-system boots (default 240)
#   MEMBOOT_KEEP     number of old run folders kept in the cache (default 3)
#   MEMBOOT_FORCE_OPTION  WORD: append ",WORD" to the option of every case
#                    whose loader is memboot and whose option starts with
#                    "iso" (unless WORD is already one of its words), e.g.
#                    MEMBOOT_FORCE_OPTION=pmem to see which cases survive the
#                    pmem layout; expectations are not changed (default none)
set -euo pipefail

# shellcheck source=tests/boot/media.sh
source "$(dirname "${BASH_SOURCE[0]}")/media.sh"
# shellcheck source=tests/boot/live.sh
source "$(dirname "${BASH_SOURCE[0]}")/live.sh"
# shellcheck source=tests/boot/mkinitcpio.sh
source "$(dirname "${BASH_SOURCE[0]}")/mkinitcpio.sh"

JOBS=${MEMBOOT_JOBS:-2}
BOOT_TIMEOUT=${MEMBOOT_TIMEOUT:-90}
LIVE_TIMEOUT=${MEMBOOT_LIVE_TIMEOUT:-240}
KEEP_RUNS=${MEMBOOT_KEEP:-3}
QEMU=${QEMU:-qemu-system-x86_64}
GUEST_RAM_MIB=512
MIB2=$((2 * 1024 * 1024))

# ---------------------------------------------------------------- case table
# One case per line; "-" means none.
#   name      the case's name
#   medium    iso:RULE (RULE: odd = size % 4 KiB == 2 KiB, even = 4 KiB multiple,
#             2m = 2 MiB multiple), hdd, floppy, or direct (kernel + initramfs
#             booted by QEMU itself, no MEMDISK); pxe:RULE, isolinux:RULE,
#             grub:RULE: the same ISO, but MEMDISK is loaded by a real boot
#             loader (iPXE over QEMU's TFTP, ISOLINUX or GRUB 2 linux16 from an
#             outer CD) instead of QEMU's -kernel
#   loader    memdisk ($MEMDISK), memboot ($MEMBOOT_MEMDISK), or - for direct
#   option    MEMDISK's command line: iso, harddisk, floppy
#   guest     the case script run in the guest (guest/cases/NAME.sh)
#   kargs     extra kernel arguments (comma-separated; memboot.NAME=VALUE is
#             seen by the guest script as $ARG_NAME)
#   check     host-side check: check_NAME[:ARG]
#   prep      - or prep_NAME: runs before the image is built (may boot a probe)
# attach-pmem boots twice, so it comes first to keep the parallel run short.
CASES=(
    #name          medium    loader   option    guest   kargs                  check                      prep
    "attach-pmem    iso:2m    memdisk  iso       attach  memboot.backend=pmem   check_attach:/dev/pmem     prep_pmem"
    "find-iso       iso:odd   memdisk  iso       find    -                      check_find                 -"
    "find-hdd       hdd       memdisk  harddisk  find    -                      check_find                 -"
    "attach-rw-hdd  hdd       memdisk  harddisk  attach_rw -                    check_rw                   -"
    "attach-default iso:odd   memdisk  iso       attach  -                      check_attach:/dev/         -"
    "attach-phram   iso:odd   memdisk  iso       attach  memboot.backend=phram  check_attach:/dev/mtdblock -"
    "attach-nbd     iso:even  memdisk  iso       attach  memboot.backend=nbd    check_attach:/dev/nbd      -"
    "nbd-odd-tail   iso:odd   memdisk  iso       attach  memboot.backend=nbd    check_tail_refused         -"
    "attach-copy    iso:even  memdisk  iso       attach  memboot.backend=copy   check_attach:/dev/loop     -"
    "none           direct    -        -         none    -                      check_none                 -"
    "floppy-vga     floppy    memdisk  floppy    -       -                      check_vga                  -"
    "phram-plain-syslinux iso:odd memdisk iso    phram_plain -                  check_phram_plain:fails    -"
    # Debian's GRUB rescue images reach GRUB (it draws only on the screen)
    "grub-cd        file=/usr/lib/grub-rescue/grub-rescue-cdrom.iso memdisk iso - - check_screen:GNU_GRUB -"
    "mb-grub-cd     file=/usr/lib/grub-rescue/grub-rescue-cdrom.iso memboot iso - - check_screen:GNU_GRUB -"
    "grub-floppy    file=/usr/lib/grub-rescue/grub-rescue-floppy.img memdisk floppy - - check_screen:GNU_GRUB -"
    "mb-grub-floppy file=/usr/lib/grub-rescue/grub-rescue-floppy.img memboot floppy - - check_screen:GNU_GRUB -"
    # memboot's own memdisk (build/memdisk)
    "mb-find-iso    iso:odd   memboot  iso       find    -                      check_find                 -"
    "mb-attach-default iso:odd memboot iso       attach  -                      check_attach:/dev/mtdblock -"
    "mb-attach-nbd-odd iso:odd memboot iso       attach  memboot.backend=nbd    check_attach:/dev/nbd      -"
    "mb-phram-plain iso:odd   memboot  iso       phram_plain -                  check_phram_plain:works    -"
    "mb-find-hdd    hdd       memboot  harddisk  find    -                      check_find                 -"
    "probe-hdd      probe     memdisk  harddisk  -       -                      check_probe                -"
    "mb-probe-hdd   probe     memboot  harddisk  -       -                      check_probe                -"
    "mb-pmem-iso    iso:odd   memboot  iso,pmem  pmem_udev -                    check_pmem                 -"
    "mb-pmem-attach iso:odd   memboot  iso,pmem  attach  memboot.backend=pmem   check_attach:/dev/pmem     -"
    "mb-pmem-noroom probebig  memboot  harddisk,pmem - -                        check_probe_msg:pmem:_no_2_MiB-aligned_room -"
    "mb-pmem-grub-cd file=/usr/lib/grub-rescue/grub-rescue-cdrom.iso memboot iso,pmem - - check_screen:GNU_GRUB -"
    "mb-pmem-grub-floppy file=/usr/lib/grub-rescue/grub-rescue-floppy.img memboot floppy,pmem - - check_screen:GNU_GRUB -"
    "mb-probe-safeint probe   memboot  harddisk,safeint - -                     check_probe                -"
    "mb-probe-bigraw probe    memboot  harddisk,bigraw - -                      check_probe                -"
    "mb-probe-mem   probe     memboot  harddisk,mem=128M - -                    check_probe_mem:134217728  -"
    "mb-find-iso-safeint iso:odd memboot iso,safeint find -                     check_find                 -"
    "mb-unknown-option iso:odd memboot iso,frobnicate=1 find -                  check_find_msg:unknown_option_\"frobnicate=1\"_ignored -"
    "mb-gz-iso      isogz:odd memboot  iso       attach  -                      check_attach:/dev/mtdblock -"
    "gz-iso         isogz:even memdisk iso       find    -                      check_find                 -"
    "mb-attach-rw-hdd hdd     memboot  harddisk  attach_rw -                    check_rw                   -"
    "mb-floppy-vga  floppy    memboot  floppy    -       -                      check_vga                  -"
    "eltorito-floppy isofloppy memdisk iso       -       -                      check_vga                  -"
    "mb-eltorito-floppy isofloppy memboot iso    -       -                      check_vga                  -"
    # bad input: a message, then INT 18h
    "mb-bad-noinitrd bad:none memboot  iso       -       -   check_error:no_disk_image       -"
    "mb-bad-garbage bad:garbage memboot iso      -       -   check_error:no_El_Torito        -"
    "mb-bad-catalog bad:catalog memboot iso      -       -   check_error:catalog             -"
    "mb-bad-truncated bad:truncated memboot iso  -       -   check_error:catalog             -"
    "mb-bad-gzcrc   bad:gzcrc memboot  iso       -       -   check_error:CRC                 -"
    "mb-bad-hugegz  bad:hugegz memboot harddisk  -       -   check_error:not_enough_memory   -"
    "mb-bad-tiny    bad:tiny  memboot  harddisk  -       -   check_error:smaller_than_one_sector -"
    # real boot loaders load MEMDISK: iPXE (PXE ROM, QEMU's TFTP), ISOLINUX, GRUB 2
    "ipxe-find      pxe:odd   memdisk  iso,raw   find    -                      check_find                 -"
    "mb-ipxe-find   pxe:odd   memboot  iso,raw   find    -                      check_find                 -"
    "isolinux-find  isolinux:odd memdisk iso     find    -                      check_find                 -"
    "mb-isolinux-find isolinux:odd memboot iso   find    -                      check_find                 -"
    "grub-find      grub:odd  memdisk  iso       find    -                      check_find                 -"
    "mb-grub-find   grub:odd  memboot  iso       find    -                      check_find                 -"
    # live systems reach their squashfs root through the real distribution
    # initramfs with memboot's integration (live.sh); the root names its medium
    "live-debian    live:debian:odd memboot iso  -       -                      check_live:/dev/mtdblock   -"
    "live-debian-pmem live:debian:odd memboot iso,pmem - -                      check_live:/dev/pmem       -"
    "live-debian-syslinux live:debian:odd memdisk iso - -                       check_live:/dev/mtdblock   -"
    # network boot end to end: QEMU's DHCP and TFTP (restrict=on), the NIC's
    # iPXE ROM, then iPXE's script or PXELINUX loads memdisk and the live ISO
    "net-ipxe-live  live:debian:odd:ipxe memboot iso - -                       check_live:/dev/mtdblock   -"
    "net-pxelinux-live live:debian:odd:pxelinux memboot iso - -                check_live:/dev/mtdblock   -"
    "live-dracut    live:dracut:odd memboot iso  -       -                      check_live:/dev/mtdblock   -"
    "live-dracut-pmem live:dracut:odd memboot iso,pmem - -                      check_live:/dev/pmem       -"
    # a Fedora-like kernel (no phram): memdisk-attach's own order falls to nbd,
    # which must survive systemd's switch-root
    "live-dracut-nophram live:dracut:odd memboot iso - module_blacklist=phram check_live:/dev/nbd      -"
    # memboot's mkinitcpio hooks in an image built as mkinitcpio builds it
    # (mkinitcpio.sh): udev + memboot, then archiso's by-label lookup
    "mkinitcpio-phram mkinitcpio:odd memboot iso mkinitcpio archisolabel=MEMBOOT_TEST check_mkinitcpio:/dev/mtdblock -"
    "mkinitcpio-pmem mkinitcpio:odd memboot iso,pmem mkinitcpio archisolabel=MEMBOOT_TEST check_mkinitcpio:/dev/pmem -"
)

# case_row NAME: print the table row of case NAME (fails if there is none).
case_row() {
    local row
    for row in "${CASES[@]}"; do
        [[ ${row%% *} == "$1" ]] && { printf '%s\n' "$row"; return 0; }
    done
    return 1
}

# case_names: print every case name, in table order.
case_names() {
    local row
    for row in "${CASES[@]}"; do printf '%s\n' "${row%% *}"; done
}

# ---------------------------------------------------------------- per-case state
# Set by load_case and the prep functions, read by the steps below.
C_NAME='' C_MEDIUM='' C_LOADER='' C_OPTION='' C_GUEST='' C_CHECK='' C_PREP=
C_KARGS=()          # extra kernel arguments
C_DIR=              # the case's folder in the run folder
C_TOKEN=            # random token of this boot
C_IMAGE=            # the image handed to MEMDISK
C_RAW=              # the uncompressed image, when C_IMAGE is compressed
C_LOADER_BIN=       # the MEMDISK binary booted by QEMU
C_NOTE=             # extra information for the PASS line
C_REASON=           # why the case failed
C_EXPECT_ADDR=      # image address the case requires (pmem), if any
declare -A R=()     # the guest's results: key -> value

# load_case NAME: fill the C_* variables from the case table.
load_case() {
    local row kargs
    row=$(case_row "$1") || die "no case named '$1'"
    read -r C_NAME C_MEDIUM C_LOADER C_OPTION C_GUEST kargs C_CHECK C_PREP <<<"$row"
    if [[ -n ${MEMBOOT_FORCE_OPTION:-} && $C_LOADER == memboot && $C_OPTION == iso* &&
          ,$C_OPTION, != *",$MEMBOOT_FORCE_OPTION,"* ]]; then
        C_OPTION+=",$MEMBOOT_FORCE_OPTION"
    fi
    C_KARGS=()
    [[ $kargs != - ]] && IFS=, read -r -a C_KARGS <<<"$kargs"
    case $C_LOADER in
        memdisk) C_LOADER_BIN=$MEMDISK ;;
        memboot) C_LOADER_BIN=$MEMBOOT_MEMDISK ;;
        -) C_LOADER_BIN= ;;
        *) die "case $1: unknown loader '$C_LOADER'" ;;
    esac
    C_DIR=$RUN_DIR/$C_NAME
    C_TOKEN=$(new_token)
    C_RAW=
}

# fail REASON: record why the case failed; returns 1.
fail() { C_REASON=$*; return 1; }

# ---------------------------------------------------------------- images

# build_case_image: make the image of the current case (with its name, token
# and kernel arguments) in its folder and set C_IMAGE.
build_case_image() {
    case $C_MEDIUM in
        iso:*)
            boot_cfg "$C_GUEST" "$C_TOKEN" "${C_KARGS[@]}" >"$C_DIR/isolinux.cfg"
            C_IMAGE=$C_DIR/$C_NAME.iso
            make_iso "$C_IMAGE" "$C_DIR/isolinux.cfg" "${C_MEDIUM#iso:}"
            ;;
        isogz:*)
            # A gzip-compressed ISO: the checks compare with the ISO inside.
            boot_cfg "$C_GUEST" "$C_TOKEN" "${C_KARGS[@]}" >"$C_DIR/isolinux.cfg"
            C_RAW=$C_DIR/$C_NAME.iso
            make_iso "$C_RAW" "$C_DIR/isolinux.cfg" "${C_MEDIUM#isogz:}"
            C_IMAGE=$C_DIR/$C_NAME.iso.gz
            gzip -6 -c "$C_RAW" >"$C_IMAGE"
            ;;
        hdd)
            boot_cfg "$C_GUEST" "$C_TOKEN" "${C_KARGS[@]}" >"$C_DIR/syslinux.cfg"
            C_IMAGE=$C_DIR/$C_NAME.img
            make_hdd "$C_IMAGE" "$C_DIR/syslinux.cfg"
            ;;
        floppy)
            C_IMAGE=$C_DIR/$C_NAME.img
            make_floppy "$C_IMAGE" "$C_TOKEN"
            ;;
        pxe:*|isolinux:*|grub:*)
            # The test ISO (C_IMAGE, what the checks hash) wrapped in the medium
            # a real boot loader loads MEMDISK and the ISO from: the loader
            # binary goes in there, not on QEMU's command line (qemu_args).
            boot_cfg "$C_GUEST" "$C_TOKEN" "${C_KARGS[@]}" >"$C_DIR/isolinux.cfg"
            C_IMAGE=$C_DIR/$C_NAME.iso
            make_iso "$C_IMAGE" "$C_DIR/isolinux.cfg" "${C_MEDIUM#*:}"
            case $C_MEDIUM in
                pxe:*) make_pxe_dir "$C_DIR/tftp" "$C_LOADER_BIN" "$C_IMAGE" "${C_OPTION//,/ }" ;;
                isolinux:*) make_isolinux_outer "$C_DIR/outer.iso" "$C_LOADER_BIN" "$C_IMAGE" "${C_OPTION//,/ }" ;;
                grub:*) make_grub_outer "$C_DIR/outer.iso" "$C_LOADER_BIN" "$C_IMAGE" "${C_OPTION//,/ }" ;;
            esac || fail "could not build the outer medium" ;;
        live:*)
            # A live ISO (live.sh): live:FLAVOR:RULE[:VIA], FLAVOR debian or
            # dracut; VIA ipxe or pxelinux: loaded over the network (QEMU's
            # TFTP) by that boot loader instead of QEMU's -kernel.
            local flavor rule via
            IFS=: read -r _ flavor rule via <<<"$C_MEDIUM"
            C_IMAGE=$C_DIR/$C_NAME.iso
            make_live_iso "$C_IMAGE" "$flavor" "$C_TOKEN" "$rule" "${C_KARGS[@]}" ||
                fail "could not build the live ISO" || return 1
            case $via in
                "") ;;
                ipxe) make_pxe_dir "$C_DIR/tftp" "$C_LOADER_BIN" "$C_IMAGE" "${C_OPTION//,/ }" ;;
                pxelinux) make_pxelinux_dir "$C_DIR/tftp" "$C_LOADER_BIN" "$C_IMAGE" "${C_OPTION//,/ }" ;;
                *) die "case $C_NAME: unknown network boot loader '$via'" ;;
            esac || fail "could not build the TFTP folder" ;;
        mkinitcpio:*) make_mkinitcpio_iso "${C_MEDIUM#mkinitcpio:}" ;;  # mkinitcpio.sh
        direct) C_IMAGE= ;;
        file=*) C_IMAGE=${C_MEDIUM#file=} ;;
        bad:*) make_bad_image "${C_MEDIUM#bad:}" ;;
        probe) make_probe_media ;;
        probebig)
            # The probe on a 500 MiB disk: in a 512 MiB guest there is no
            # 2 MiB-aligned room for it above 16 MiB once the loader is placed.
            make_probe_media
            truncate -s 500M "$C_IMAGE" ;;
        isofloppy)
            # An ISO whose El Torito boot image is the floppy, in floppy
            # emulation: the memdisk must show the floppy inside the CD.
            make_floppy "$C_DIR/boot.img" "$C_TOKEN"
            mkdir -p "$C_DIR/isofloppy"
            cp "$C_DIR/boot.img" "$C_DIR/isofloppy/boot.img"
            C_IMAGE=$C_DIR/$C_NAME.iso
            xorriso -as mkisofs -quiet -o "$C_IMAGE" -V MEMBOOT_EMU -b boot.img \
                -c boot.cat "$C_DIR/isofloppy" 2>>"$C_DIR/harness.log"
            rm -rf "$C_DIR/isofloppy" "$C_DIR/boot.img" ;;
        *) die "case $C_NAME: unknown medium '$C_MEDIUM'" ;;
    esac
}

# make_probe_media: an 8 MiB disk whose boot code is probe.S (which questions
# the memdisk through INT 13h and INT 15h and prints the answers on the serial
# line), and a 1 MiB disk of the machine's own with "RDSK" at 0x1B8.
make_probe_media() {
    local tmp=$C_DIR/probe-build
    mkdir -p "$tmp"
    as --32 -o "$tmp/probe.o" "$BOOT_DIR/probe.S"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$tmp/probe.bin" "$tmp/probe.o"
    C_IMAGE=$C_DIR/$C_NAME.img
    truncate -s 8M "$C_IMAGE"
    dd if="$tmp/probe.bin" of="$C_IMAGE" conv=notrunc 2>/dev/null
    truncate -s 1M "$C_DIR/bios-disk.img"
    printf 'RDSK' | dd of="$C_DIR/bios-disk.img" bs=1 seek=$((0x1b8)) conv=notrunc 2>/dev/null
    printf '\x55\xaa' | dd of="$C_DIR/bios-disk.img" bs=1 seek=510 conv=notrunc 2>/dev/null
}

# make_bad_image KIND: a broken image for the error-path cases (sets C_IMAGE).
make_bad_image() {
    local iso
    C_IMAGE=$C_DIR/$C_NAME.img
    case $1 in
        none) C_IMAGE= ;;
        garbage) head -c 1048576 /dev/urandom >"$C_IMAGE" ;;
        tiny) head -c 100 /dev/urandom >"$C_IMAGE" ;;
        catalog|gzcrc|truncated)
            boot_cfg find "$C_TOKEN" >"$C_DIR/isolinux.cfg"
            iso=$C_DIR/base.iso
            make_iso "$iso" "$C_DIR/isolinux.cfg" even
            case $1 in
                catalog)
                    # The boot catalog pointer (sector 17, offset 0x47) far past the end.
                    cp "$iso" "$C_IMAGE"
                    printf '\x00\x00\x10\x00' | dd of="$C_IMAGE" bs=1 seek=$((17 * 2048 + 0x47)) conv=notrunc 2>/dev/null ;;
                gzcrc)
                    # A gzip whose CRC-32 (the trailer's first 4 bytes) is wrong.
                    gzip -1 -c "$iso" >"$C_IMAGE"
                    local n
                    n=$(file_size "$C_IMAGE")
                    printf '\xde\xad\xbe\xef' | dd of="$C_IMAGE" bs=1 seek=$((n - 8)) conv=notrunc 2>/dev/null ;;
                truncated)
                    # The first 40 KiB of an ISO: the catalog is past the end.
                    head -c 40960 "$iso" >"$C_IMAGE" ;;
            esac
            rm -f "$iso" ;;
        hugegz)
            # 600 MiB of zeros, compressed: more than the guest's RAM once inflated.
            local cache=$MEDIA/zeros-600m.gz
            [[ -s $cache ]] || head -c $((600 << 20)) /dev/zero | gzip -1 >"$cache"
            cp "$cache" "$C_IMAGE" ;;
        *) die "unknown bad image '$1'" ;;
    esac
}

# ---------------------------------------------------------------- QEMU

# qemu_args LOG [MONITOR_SOCKET]: print (NUL-separated) the QEMU command line
# booting the current case, serial console to LOG.
qemu_args() {
    local log=$1 mon=${2:-}
    local args=("$QEMU" -accel tcg -m "$GUEST_RAM_MIB" -display none -no-reboot -nic none
        -serial "file:$log")
    if [[ -n $mon ]]; then
        args+=(-monitor "unix:$mon,server,nowait")
    else
        args+=(-monitor none)
    fi
    if [[ $C_MEDIUM == direct ]]; then
        args+=(-kernel "$MEDIA/vmlinuz" -initrd "$MEDIA/initrd.gz" -append
            "console=ttyS0,115200 panic=-1 quiet memboot.case=$C_GUEST memboot.token=$C_TOKEN ${C_KARGS[*]}")
    elif [[ $C_MEDIUM == live:*:pxelinux ]]; then
        # PXELINUX as the network boot loader, fetched by the NIC's iPXE ROM.
        args+=(-netdev "user,id=n0,restrict=on,tftp=$C_DIR/tftp,bootfile=pxelinux.0"
            -device "virtio-net-pci,netdev=n0" -boot n)
    elif [[ $C_MEDIUM == pxe:* || $C_MEDIUM == live:*:ipxe ]]; then
        # The NIC's iPXE ROM (Debian's ipxe-qemu) gets boot.ipxe from QEMU's
        # own DHCP and TFTP; restrict=on: no way out of the QEMU process.
        args+=(-netdev "user,id=n0,restrict=on,tftp=$C_DIR/tftp,bootfile=boot.ipxe"
            -device "virtio-net-pci,netdev=n0" -boot n)
    elif [[ $C_MEDIUM == isolinux:* || $C_MEDIUM == grub:* ]]; then
        args+=(-cdrom "$C_DIR/outer.iso" -boot d)
    else
        # The probe's machine also has a disk of its own (the BIOS's 80h).
        [[ $C_MEDIUM == probe* ]] && args+=(-drive "file=$C_DIR/bios-disk.img,format=raw,if=ide")
        args+=(-kernel "$C_LOADER_BIN")
        [[ -n $C_IMAGE ]] && args+=(-initrd "$C_IMAGE")
        args+=(-append "${C_OPTION//,/ }")
    fi
    printf '%s\0' "${args[@]}"
}

# boot_serial LOG TOKEN: boot the current case and wait until QEMU exits, the
# guest has printed "MEMBOOT TOKEN done" (QEMU then gets 5 s to power off), or
# BOOT_TIMEOUT has passed.  Returns 0 if the guest said done.
boot_serial() {
    boot_wait "$1" "MEMBOOT $2 done" 5
}

# boot_until LOG TEXT: boot the current case until TEXT shows on the serial
# line (QEMU then gets 1 s more), QEMU exits, or BOOT_TIMEOUT passes.
boot_until() {
    boot_wait "$1" "$2" 1
}

# boot_wait LOG TEXT GRACE: boot the current case with its serial line in LOG;
# once TEXT appears QEMU gets GRACE more seconds (to power off), then is
# stopped; BOOT_TIMEOUT bounds the whole boot. Returns 0 if TEXT appeared,
# and sets BOOT_SECS to the seconds from QEMU's start to TEXT (0.25 s steps).
boot_wait() {
    local log=$1 text=$2 grace=$3 pid start=$SECONDS seen= t0 limit=$BOOT_TIMEOUT
    local -a cmd
    mapfile -d '' -t cmd < <(qemu_args "$log")
    # Live systems unpack a real distribution initrd and hash their medium
    # from the live root: they get LIVE_TIMEOUT.
    [[ $C_MEDIUM == live:* && $LIVE_TIMEOUT -gt $limit ]] && limit=$LIVE_TIMEOUT
    : >"$log"
    t0=$(date +%s%N)
    BOOT_SECS=
    timeout -k 5 "$((limit + 10))" "${cmd[@]}" </dev/null >>"$C_DIR/qemu.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [[ -z $seen ]] && grep -aqF "$text" "$log"; then
            seen=$SECONDS
            BOOT_SECS=$(awk -v a="$(date +%s%N)" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
        fi
        if [[ -n $seen && $((SECONDS - seen)) -ge $grace ]] ||
            [[ $((SECONDS - start)) -ge $limit ]]; then
            kill "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.25
    done
    wait "$pid" 2>/dev/null || true
    # The guest may have said TEXT and powered off between two polls: then
    # the log's last write is when it said it, to within the power-off.
    if [[ -z $BOOT_SECS ]] && grep -aqF "$text" "$log"; then
        BOOT_SECS=$(awk -v a="$(date -r "$log" +%s%N)" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) / 1e9 }')
    fi
    grep -aqF "$text" "$log"
}

# boot_vga NEEDLE: boot the current case and poll its VGA text screen until
# NEEDLE appears (vga.py stops QEMU then) or BOOT_TIMEOUT passes.
boot_vga() {
    local needle=$1 mon pid rc=0
    local -a cmd
    # A short path: unix socket names are limited to 107 bytes.
    mon=$(mktemp -u "${TMPDIR:-/tmp}/memboot-mon.XXXXXX")
    mapfile -d '' -t cmd < <(qemu_args "$C_DIR/serial.log" "$mon")
    timeout -k 5 "$((BOOT_TIMEOUT + 10))" "${cmd[@]}" </dev/null >>"$C_DIR/qemu.out" 2>&1 &
    pid=$!
    python3 "$BOOT_DIR/vga.py" --quit --basemem "$C_DIR/basemem.bin" "$mon" "$needle" \
        "$BOOT_TIMEOUT" "$C_DIR/screen.txt" \
        2>>"$C_DIR/qemu.out" || rc=$?
    sleep 0.2
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$mon"
    return "$rc"
}

# read_results LOG TOKEN: load the guest's "MEMBOOT TOKEN key=value" lines
# into R (and R[done]=1 once the guest said done).
read_results() {
    local log=$1 token=$2 line kv
    R=()
    while IFS= read -r line; do
        line=${line%$'\r'}
        kv=${line#"MEMBOOT $token "}
        if [[ $kv == "done" ]]; then
            R[done]=1
        elif [[ $kv == *=* ]]; then
            R[${kv%%=*}]=${kv#*=}
        fi
    done < <(grep -a "^MEMBOOT $token " "$log" || true)
}

# ---------------------------------------------------------------- checks

# image_len: the image length the loader should report. memboot's memdisk
# reserves and reports whole 4 KiB pages (the tail is zeros), so that
# phram=memdisk,$(memdiskfind) works on current kernels; SYSLINUX's reports
# the file's size.
image_len() {
    local size
    size=$(file_size "${C_RAW:-$C_IMAGE}")
    if [[ $C_LOADER == memboot ]]; then
        echo $(( (size + 4095) / 4096 * 4096 ))
    else
        echo "$size"
    fi
}

# image_sha256: the sha256 of the first image_len bytes the guest should see:
# the file, then zeros up to image_len.
image_sha256() {
    local size len
    size=$(file_size "${C_RAW:-$C_IMAGE}")
    len=$(image_len)
    { cat "${C_RAW:-$C_IMAGE}"; head -c $((len - size)) /dev/zero; } | sha256sum | cut -d' ' -f1
}

# check_guest_ran: the guest reported completion and its case script exited 0.
check_guest_ran() {
    [[ -n ${R[done]:-} ]] || fail "guest never printed 'done' (boot failed or timed out)" || return 1
    [[ -n ${R[error]:-} ]] && { fail "guest: ${R[error]}"; return 1; }
    [[ ${R[case_rc]:-} == 0 ]] || fail "guest case script exited ${R[case_rc]:-?}"
}

# check_find: our memdiskfind and Debian's agree byte for byte, and found an
# image as long as the one on the host.
check_find() {
    local size len
    check_guest_ran || return 1
    [[ ${R[ref_rc]:-} == 0 ]] || fail "Debian memdiskfind exited ${R[ref_rc]:-?}: ${R[ref_err]:-}" || return 1
    [[ ${R[ours_rc]:-} == 0 ]] || fail "memdiskfind exited ${R[ours_rc]:-?}: ${R[ours_err]:-}" || return 1
    [[ ${R[ours_out_hex]:-} == "${R[ref_out_hex]:-}" ]] ||
        fail "outputs differ: ours '${R[ours_out]:-}' vs Debian '${R[ref_out]:-}'" || return 1
    size=$(image_len)
    len=$((${R[ref_out]#*,}))
    [[ $len -eq $size ]] || fail "found length $len, expected $size bytes" || return 1
    check_phram_json "$len" || return 1
    [[ ${R[nomem_rc]:-} == 2 && ${R[ref_nomem_rc]:-} == 2 ]] ||
        fail "without /dev/mem: exit ${R[nomem_rc]:-?} (Debian's ${R[ref_nomem_rc]:-?}), expected 2" || return 1
    grep -q "cannot open /dev/mem" <<<"${R[nomem_err]:-}" ||
        fail "without /dev/mem the message is: ${R[nomem_err]:-}" || return 1
    C_NOTE="${R[ours_out]}"
}

# check_find_msg:TEXT: check_find, and the loader said TEXT (underscores for
# spaces) on the serial line.
check_find_msg() {
    check_find || return 1
    grep -aqF "${1//_/ }" "$C_DIR/serial.log" || fail "the loader never said '${1//_/ }'" || return 1
    C_NOTE+="; said: ${1//_/ }"
}

# check_phram_json LEN: --phram names the same range with an erase size that
# divides LEN (when one is given); --json carries the address and length.
check_phram_json() {
    local len=$1 addr=${R[ref_out]%,*} p es
    p=${R[ours_phram_out]:-}
    [[ ${R[ours_phram_rc]:-} == 0 && $p == memdisk,* ]] || fail "memdiskfind --phram: '$p'" || return 1
    IFS=, read -r _ pa pl es <<<"$p"
    [[ $((pa)) -eq $((addr)) && $((pl)) -eq $len ]] || fail "--phram range '$p' differs from '${R[ref_out]}'" || return 1
    if [[ -n $es ]]; then
        (( len % es == 0 && es < 4096 )) || fail "--phram erase size $es does not fit $len" || return 1
    else
        (( len % 4096 == 0 )) || fail "--phram gives no erase size for a length of $len" || return 1
    fi
    [[ ${R[ours_json_rc]:-} == 0 ]] || fail "memdiskfind --json exited ${R[ours_json_rc]:-?}" || return 1
    grep -q "\"address\": $((addr))," <<<"${R[ours_json_out]:-}" &&
        grep -q "\"length\": $len," <<<"${R[ours_json_out]:-}" ||
        fail "--json lacks address/length: ${R[ours_json_out]:-}"
}

# check_attach[:PREFIX]: memdisk-attach made a device (named PREFIX...) whose
# first LEN bytes hash like the image on the host.
check_attach() {
    local prefix=${1:-} size sha guest
    check_guest_ran || return 1
    [[ ${R[attach_rc]:-} == 0 ]] ||
        fail "memdisk-attach exited ${R[attach_rc]:-?}: ${R[attach_err]:-}" || return 1
    [[ -n ${R[dev]:-} && ${R[dev]} == "$prefix"* ]] ||
        fail "device '${R[dev]:-}' is not ${prefix}*" || return 1
    size=$(image_len)
    [[ ${R[len]:-} == "$size" ]] || fail "guest image length ${R[len]:-?}, expected $size" || return 1
    sha=$(image_sha256)
    guest=${R[sha256]:-none}
    [[ $guest == "$sha" ]] ||
        fail "sha256 of ${R[dev]} differs from the image's (guest ${guest:0:12}, host ${sha:0:12})${R[read_err]:+; read error: ${R[read_err]}}" ||
        return 1
    [[ ${R[again_rc]:-} == 0 && ${R[again_out]:-} == "${R[dev]}" ]] ||
        fail "a second memdisk-attach gave '${R[again_out]:-}' (exit ${R[again_rc]:-?}), not ${R[dev]}" ||
        return 1
    [[ ${R[detach_rc]:-} == 0 ]] || fail "memdisk-attach --detach ${R[dev]} exited ${R[detach_rc]:-?}: ${R[detach_err]:-}" || return 1
    # Detaching removes the device, except pmem, which belongs to the kernel.
    if [[ ${R[dev]} == /dev/pmem* ]]; then
        [[ ${R[after_detach]:-} =~ ^[1-9][0-9]*$ ]] || fail "pmem device gone after --detach: ${R[after_detach]:-}" || return 1
    else
        [[ ${R[after_detach]:-} == gone || ${R[after_detach]:-} == 0 ]] ||
            fail "${R[dev]} still has ${R[after_detach]:-?} sectors after --detach" || return 1
    fi
    C_NOTE="${R[dev]}"
    [[ -n $C_EXPECT_ADDR ]] && C_NOTE+=" ${C_KARGS[*]: -1}"
    return 0
}

# check_rw: a write through a default (read-only) device is refused; one
# through a --rw device lands in the image in RAM (read back through nbd).
check_rw() {
    check_guest_ran || return 1
    [[ ${R[ro_dev]:-} == /dev/mtdblock* ]] || fail "read-only attach gave '${R[ro_dev]:-}'" || return 1
    [[ ${R[ro_write]:-} == refused ]] || fail "a write to the read-only ${R[ro_dev]} was accepted" || return 1
    [[ ${R[rw_write_rc]:-} == 0 ]] || fail "write to --rw ${R[rw_dev]:-?} failed: ${R[rw_write_err]:-}" || return 1
    [[ ${R[check_dev]:-} == /dev/nbd* ]] || fail "nbd attach gave '${R[check_dev]:-}'" || return 1
    [[ ${R[readback]:-} == "MEMBOOT-RW-$C_TOKEN" ]] ||
        fail "read back '${R[readback]:-}' through ${R[check_dev]}, wrote MEMBOOT-RW-$C_TOKEN" || return 1
    [[ ${R[subst_rc]:-} == 0 && ${R[subst_dev]:-} == /dev/nbd* ]] ||
        fail "\$(memdisk-attach --backend=nbd 2>&1) gave '${R[subst_dev]:-}' (exit ${R[subst_rc]:-?}): the daemon holds the caller's stderr?" || return 1
    [[ ${R[mismatch_rc]:-} == 2 ]] && grep -q "already attached read-only" <<<"${R[mismatch_err]:-}" ||
        fail "--rw over a read-only nbd device: exit ${R[mismatch_rc]:-?}: ${R[mismatch_err]:-}" || return 1
    [[ ${R[foreign_rc]:-} == 2 ]] && grep -q "not made by memdisk-attach" <<<"${R[foreign_err]:-}" ||
        fail "--detach /dev/loop7: exit ${R[foreign_rc]:-?}: ${R[foreign_err]:-}" || return 1
    [[ ${R[nbd_detach_rc]:-} == 0 ]] || fail "--detach ${R[subst_dev]}: ${R[nbd_detach_err]:-}" || return 1
    C_NOTE="ro write refused (${R[ro_write_err]:-}); --rw write read back through ${R[check_dev]}; mode mismatch and foreign detach refused"
}

# file_dword FILE OFFSET: the little-endian dword at OFFSET of FILE, as 8 hex digits.
file_dword() { printf '%08X' "$(od -An -tu4 -j "$2" -N4 "$1" | tr -d ' ')"; }

# check_probe: what probe.S saw of the memdisk (see its header): booted from
# 80h; two hard disks; the BIOS's own disk still answers as 81h and reads its
# own sector; the installation check gives !MEMDISK and an MDI of 30 bytes
# pointing at the image; CHS and EDD reads return the image's bytes; E820
# reserves the image and the driver.
check_probe() {
    local log=$C_DIR/serial.log line ic seg off mdi diskbuf e8 ok_img=0 ok_drv=0 b l t
    [[ $BOOT_RC -eq 0 ]] || fail "the probe never finished: $(tr -d '\r' <"$log" | tail -n 3 | tr '\n' '|')" || return 1
    grep -aq "^P dl=80" "$log" || fail "booted from $(grep -a '^P dl=' "$log")" || return 1
    line=$(grep -a "^P 08 80 " "$log")
    [[ $line =~ f=0\ ....\ ....\ ..02$ ]] || fail "AH=08h on 80h: $line (want 2 disks)" || return 1
    line=$(grep -a "^P 08 81 " "$log")
    [[ $line =~ f=0\ ....\ ....\ ..02$ ]] || fail "AH=08h on 81h (the BIOS's disk): $line" || return 1
    grep -aq "^P rd 81 f=0 4B534452" "$log" || fail "sector 0 of 81h: $(grep -a '^P rd 81' "$log") (want RDSK)" || return 1
    grep -aq "^P rd 80 f=0 $(file_dword "$C_IMAGE" $((0x1b8)))" "$log" || fail "CHS read of 80h: $(grep -a '^P rd 80' "$log")" || return 1
    grep -aq "^P ed f=0 $(file_dword "$C_IMAGE" 512)" "$log" || fail "EDD read of 80h: $(grep -a '^P ed' "$log")" || return 1
    line=$(grep -a "^P 41 " "$log" | tr -d '\r')
    [[ $line =~ ^P\ 41\ f=0\ 30..\ AA55\ ...7$ ]] || fail "EDD check (AH=41h): $line" || return 1
    line=$(grep -a "^P 48 " "$log" | tr -d '\r')
    [[ $line == "P 48 f=0 001E 00004000 0200" ]] || fail "EDD parameters (AH=48h): $line (want 30 bytes, 4000h sectors, 512)" || return 1
    ic=$(grep -a "^P ic " "$log" | tr -d '\r')
    read -r _ _ a c d bb seg off mdi diskbuf <<<"$ic"
    [[ "$a $c $d $bb" == "4D21 4D45 4944 4B53" ]] || fail "installation check: $ic" || return 1
    [[ ${mdi:4:4} == 001E ]] || fail "MDI does not start with 30 (bytes): $ic" || return 1
    while read -r _ _ b l t; do
        [[ $t == 0002 ]] || continue
        (( 16#$b <= 16#$diskbuf && 16#$diskbuf + 8388608 <= 16#$b + 16#$l )) && ok_img=1
        (( 16#$b <= 16#$seg * 16 && 16#$seg * 16 < 16#$b + 16#$l )) && ok_drv=1
    done < <(grep -a "^P e8 " "$log" | tr -d '\r')
    [[ $ok_img == 1 ]] || fail "no reserved E820 entry covers the image at $diskbuf" || return 1
    [[ $ok_drv == 1 ]] || fail "no reserved E820 entry covers the driver at ${seg}0" || return 1
    C_NOTE="image at $diskbuf, driver at ${seg}:${off}, MDI ${mdi}"
}

# check_pmem: with the pmem option the kernel itself made the image a
# /dev/pmemN (modules loaded by modalias only), whose first LEN bytes hash as
# the image and carry its volume label; both finders still find it.
check_pmem() {
    check_guest_ran || return 1
    [[ ${R[dev]:-} == /dev/pmem* ]] || fail "no /dev/pmem* (iomem: ${R[iomem]:-none})" || return 1
    [[ ${R[len]:-} == "$(image_len)" ]] || fail "finder length ${R[len]:-?}, expected $(image_len)" || return 1
    [[ ${R[sha256]:-} == "$(image_sha256)" ]] || fail "sha256 of ${R[dev]} differs from the image's" || return 1
    [[ ${R[label]:-} == MEMBOOT_TEST ]] || fail "volume label '${R[label]:-}' on ${R[dev]}" || return 1
    [[ -n ${R[ref_find]:-} && ${R[ours_find]:-} == "${R[ref_find]}" ]] ||
        fail "finders: ours '${R[ours_find]:-}', Debian's '${R[ref_find]:-}'" || return 1
    C_NOTE="${R[dev]} (${R[iomem]%%;*}), label ${R[label]}, found at ${R[ref_find]}"
}

# check_probe_msg:TEXT: the loader said TEXT (underscores for spaces), and
# the probe still ran through the memdisk.
check_probe_msg() {
    local want=${1//_/ }
    grep -aqF "$want" "$C_DIR/serial.log" || fail "the loader never said '$want'" || return 1
    [[ $BOOT_RC -eq 0 ]] || fail "the probe never finished after '$want'" || return 1
    grep -aq "^P rd 80 f=0" "$C_DIR/serial.log" || fail "the disk did not answer: $(grep -a '^P rd 80' "$C_DIR/serial.log")" || return 1
    C_NOTE="$(grep -a -m1 -F "$want" "$C_DIR/serial.log" | tr -d '\r'); then the ordinary layout: the probe read its disk"
}

# check_probe_mem:BYTES: check_probe, and mem=BYTES took effect: no usable
# E820 entry reaches above BYTES.
check_probe_mem() {
    local limit=$1 b l t
    check_probe || return 1
    while read -r _ _ b l t; do
        [[ $t == 0001 ]] || continue
        (( 16#$b + 16#$l <= limit )) || fail "usable RAM $b+$l runs past mem=$limit" || return 1
    done < <(grep -a "^P e8 " "$C_DIR/serial.log" | tr -d '\r')
    C_NOTE+="; no usable RAM above $limit"
}

# check_error:TEXT: the loader printed "memdisk: error: ...TEXT..." (underscores
# for spaces) and then gave the machine back to the BIOS with INT 18h, which
# went on to the next boot device: no hang, no silent failure.
check_error() {
    local want=${1//_/ } line
    line=$(grep -a -m1 "memdisk: error:" "$C_DIR/serial.log" | tr -d '\r')
    [[ -n $line ]] || fail "no error message; serial: $(tr -d '\r' <"$C_DIR/serial.log" | tail -n 3 | tr '\n' '|')" || return 1
    grep -qiF "$want" <<<"$line" || fail "the message lacks '$want': $line" || return 1
    [[ $BOOT_RC -eq 0 ]] || fail "no INT 18h after the message" || return 1
    C_NOTE="$line"
}

# check_screen:TEXT: TEXT appeared on the VGA screen (polled by boot_vga;
# underscores in TEXT stand for spaces there, as the case table splits on
# spaces).
check_screen() {
    [[ $BOOT_RC -eq 0 ]] || fail "'$1' never appeared on the screen: $(tr -s ' \n' ' ' <"$C_DIR/screen.txt" | head -c 300)" || return 1
    C_NOTE="screen: $(grep -a -m1 -F "$1" "$C_DIR/screen.txt" | tr -s ' ')"
}

# check_phram_plain:works|fails: Debian live-boot's plain
# "phram=memdisk,$(memdiskfind)" line. With SYSLINUX MEMDISK and an ISO whose
# size is not a multiple of 4 KiB the kernel refuses it (the failure memboot
# fixes); with memboot's memdisk it gives the image intact.
check_phram_plain() {
    local want=$1
    check_guest_ran || return 1
    if [[ $want == fails ]]; then
        [[ -z ${R[dev]:-} ]] && grep -q "not multiple of erasesize" <<<"${R[phram_dmesg]:-}" ||
            fail "phram accepted ${R[ref_find]:-} (dev '${R[dev]:-}', dmesg: ${R[phram_dmesg]:-})" || return 1
        C_NOTE="refused as on Debian 12: ${R[phram_dmesg]:-}"
        return 0
    fi
    [[ ${R[phram_rc]:-} == 0 && -n ${R[dev]:-} ]] ||
        fail "modprobe phram phram=memdisk,${R[ref_find]:-} failed: ${R[phram_err]:-}" || return 1
    [[ ${R[sha256]:-} == "$(image_sha256)" ]] ||
        fail "sha256 of ${R[dev]} differs from the image's (zero-padded to ${R[len]:-?})" || return 1
    C_NOTE="phram=memdisk,${R[ref_find]} -> ${R[dev]}"
}

# check_tail_refused: SYSLINUX MEMDISK reserves only the image's bytes, so the
# last 2 KiB of an odd-sized ISO share a page with System RAM, which /dev/mem
# refuses: the nbd backend must say so (exit 2), not serve a wrong image.
check_tail_refused() {
    check_guest_ran || return 1
    [[ ${R[attach_rc]:-} == 2 ]] || fail "memdisk-attach exited ${R[attach_rc]:-?}, expected 2 (dev '${R[dev]:-}')" || return 1
    grep -q "share a page with System RAM" <<<"${R[attach_err]:-}" ||
        fail "no clear message: ${R[attach_err]:-}" || return 1
    grep -q "2048 at the end" <<<"${R[attach_err]:-}" ||
        fail "message does not count the 2048 unreachable bytes: ${R[attach_err]:-}" || return 1
    C_NOTE="refused: 2048 bytes share a page with RAM"
}

# check_none: without MEMDISK both tools say "no image" (exit 1) and
# memdiskfind --verbose explains why.
check_none() {
    check_guest_ran || return 1
    [[ ${R[find_rc]:-} == 1 ]] || fail "memdiskfind exited ${R[find_rc]:-?}, expected 1" || return 1
    [[ ${R[attach_rc]:-} == 1 ]] || fail "memdisk-attach exited ${R[attach_rc]:-?}, expected 1" || return 1
    [[ -n ${R[verbose_err]:-} ]] || fail "memdiskfind --verbose printed nothing on stderr" || return 1
    grep -qiE 'mBFT|no MEMDISK' <<<"${R[verbose_err]}" ||
        fail "--verbose message lacks 'mBFT'/'no MEMDISK': ${R[verbose_err]}" || return 1
    C_NOTE="verbose: ${R[verbose_err]}"
}

# check_vga: the floppy's boot sector printed our token on the screen (the
# screen was already polled by boot_vga; BOOT_RC holds its verdict).  Then our
# memdiskfind, run on the host over the guest's base memory saved at that
# moment, finds the floppy as the loader described it.
check_vga() {
    local out json
    [[ $BOOT_RC -eq 0 ]] || fail "'MEMBOOT-FLOPPY $C_TOKEN' never appeared on the VGA screen" || return 1
    [[ -s $C_DIR/basemem.bin ]] || fail "no base-memory dump" || return 1
    out=$("$BUILD/memdiskfind" --mem "$C_DIR/basemem.bin" --base 0 2>&1) ||
        fail "memdiskfind --mem on the dump: $out" || return 1
    if [[ $C_MEDIUM == isofloppy ]]; then
        # The emulated floppy inside the CD: memboot describes exactly the
        # floppy; SYSLINUX's disk runs from the floppy to the end of the ISO.
        if [[ $C_LOADER == memboot ]]; then
            [[ $((${out#*,})) -eq 1474560 ]] || fail "memdiskfind --mem found '$out', expected the 1474560-byte floppy" || return 1
        else
            [[ $((${out#*,})) -ge 1474560 ]] || fail "memdiskfind --mem found '$out', shorter than the floppy" || return 1
        fi
    else
        [[ $((${out#*,})) -eq $(image_len) ]] ||
            fail "memdiskfind --mem found '$out', expected $(image_len) bytes" || return 1
        json=$("$BUILD/memdiskfind" --json --mem "$C_DIR/basemem.bin" --base 0 2>&1)
        grep -q '"drive": "floppy"' <<<"$json" && grep -q '"cmdline": "floppy"' <<<"$json" &&
            grep -q '"geometry": {"cylinders": 80, "heads": 2, "sectors": 18' <<<"$json" ||
            fail "memdiskfind --json on the dump: $json" || return 1
    fi
    C_NOTE="screen: $(grep -a -m1 MEMBOOT-FLOPPY "$C_DIR/screen.txt"); dump: $out"
}

# ---------------------------------------------------------------- pmem

# patch_initrd_max SRC DST VALUE: copy the Linux-boot-protocol image SRC to DST
# with its header field initrd_addr_max (u32 at offset 0x22c) set to VALUE, so
# that QEMU loads the initrd (our disk image) right below VALUE.
patch_initrd_max() {
    local src=$1 dst=$2 value=$3 ver
    [[ $(dd if="$src" bs=1 skip=$((0x202)) count=4 status=none) == HdrS ]] ||
        die "$src has no Linux boot header"
    ver=$(od -An -tu2 -j $((0x206)) -N2 "$src" | tr -d ' ')
    [[ $ver -ge $((0x203)) ]] || die "$src: boot protocol $ver has no initrd_addr_max"
    cp "$src" "$dst"
    # shellcheck disable=SC2059
    printf "$(le32 "$value")" | dd of="$dst" bs=1 seek=$((0x22c)) conv=notrunc status=none
}

# probe_boot DIR IMAGE LOADER TOKEN: boot_serial with another folder, image
# and loader than the current case's (bash's dynamic scoping of local).
probe_boot() {
    local C_DIR=$1 C_IMAGE=$2 C_LOADER_BIN=$3
    boot_serial "$C_DIR/serial.log" "$4"
}

# probe_address LOADER: boot a probe ISO (same size as this case's image, case
# "find") with LOADER; set PROBE_ADDR to the image address that Debian's
# memdiskfind reports.
probe_address() {
    local loader=$1 token dir=$C_DIR/probe out
    mkdir -p "$dir"
    token=$(new_token)
    boot_cfg find "$token" >"$dir/isolinux.cfg"
    make_iso "$dir/probe.iso" "$dir/isolinux.cfg" "${C_MEDIUM#iso:}"
    probe_boot "$dir" "$dir/probe.iso" "$loader" "$token" ||
        { fail "probe boot did not finish (log: $dir/serial.log)"; return 1; }
    read_results "$dir/serial.log" "$token"
    out=${R[ref_out]:-}
    [[ ${R[ref_rc]:-} == 0 && $out == 0x*,0x* ]] || { fail "probe found no image: '$out'"; return 1; }
    PROBE_ADDR=$((${out%,*}))
}

# prep_pmem: arrange for the kernel to see the image as legacy persistent
# memory.  MEMDISK reports the image as one reserved E820 range and Linux does
# not merge adjacent type-12 ranges, so memmap=SIZE!START must cover exactly
# that range, and nd_pmem needs it 2 MiB aligned: the ISO is a 2 MiB multiple
# (medium iso:2m) and a copy of the loader gets an initrd_addr_max that makes
# QEMU put the image on a 2 MiB boundary.  A probe boot measures where the
# image lands; the address moves by the same amount as initrd_addr_max.
prep_pmem() {
    local top=$((0x18000000 - 1)) addr aligned size
    [[ -n $C_LOADER_BIN && -f $C_LOADER_BIN ]] || { fail "no loader $C_LOADER_BIN"; return 1; }
    patch_initrd_max "$C_LOADER_BIN" "$C_DIR/loader-probe" "$top"
    probe_address "$C_DIR/loader-probe" || return 1
    addr=$PROBE_ADDR
    aligned=$((addr / MIB2 * MIB2))
    top=$((top - (addr - aligned)))
    patch_initrd_max "$C_LOADER_BIN" "$C_DIR/loader-pmem" "$top"
    C_LOADER_BIN=$C_DIR/loader-pmem
    size=$(file_size "$C_DIR/probe/probe.iso")
    C_EXPECT_ADDR=$aligned
    C_KARGS+=("$(printf 'memmap=%#x!%#x' "$size" "$aligned")")
}

# check_expected_addr: for cases that need the image at a given address,
# verify the image really landed there.
check_expected_addr() {
    [[ -z $C_EXPECT_ADDR ]] && return 0
    local found=${R[ref_find]:-}
    [[ $found == 0x*,0x* && $((${found%,*})) -eq $C_EXPECT_ADDR ]] ||
        fail "image at '${found%,*}', expected $(printf '%#x' "$C_EXPECT_ADDR") (probe mismatch)"
}

# check_live[:PREFIX]: the live system reached the root in its squashfs, and
# the root says its medium is a device named PREFIX... whose first LEN bytes
# hash like the image on the host.
check_live() {
    local prefix=${1:-/dev/} medium
    [[ -n ${R[done]:-} ]] || fail "the live root never said 'done' (boot failed or timed out)" || return 1
    [[ ${R[live_root]:-} == up* ]] || fail "no live root" || return 1
    medium=${R[medium]:-}
    [[ $medium == "$prefix"*" iso9660" ]] || fail "live medium is '$medium', expected ${prefix}* (iso9660)" || return 1
    [[ ${R[find]:-} == 0x*,0x* && $((${R[find]#*,})) -eq $(image_len) ]] ||
        fail "memdiskfind in the live root: '${R[find]:-}', expected length $(image_len)" || return 1
    [[ ${R[sha256]:-} == "$(image_sha256)" ]] ||
        fail "sha256 of ${medium%% *} differs from the image's (guest ${R[sha256]:0:12}, host $(image_sha256 | cut -c1-12))" || return 1
    C_NOTE="medium ${medium%% *}, root ${R[root]:-?}, image $(file_size "$C_IMAGE") bytes; live root done ${BOOT_SECS:-?} s after QEMU started"
}

# ---------------------------------------------------------------- one case

# boot_and_check: boot the prepared case and run its check (sets C_REASON).
boot_and_check() {
    local check=${C_CHECK%%:*} args=()
    [[ $C_CHECK == *:* ]] && args=("${C_CHECK#*:}")
    BOOT_RC=0
    if [[ $C_CHECK == check_vga ]]; then
        boot_vga "MEMBOOT-FLOPPY $C_TOKEN" || BOOT_RC=$?
    elif [[ $C_CHECK == check_probe* ]]; then
        boot_until "$C_DIR/serial.log" "P end" || BOOT_RC=$?
    elif [[ $C_CHECK == check_error:* ]]; then
        boot_until "$C_DIR/serial.log" "INT 18h" || BOOT_RC=$?
    elif [[ $C_CHECK == check_screen:* ]]; then
        args=("${args[0]//_/ }")
        boot_vga "${args[0]}" || BOOT_RC=$?
    else
        boot_serial "$C_DIR/serial.log" "$C_TOKEN" || BOOT_RC=$?
        read_results "$C_DIR/serial.log" "$C_TOKEN"
        check_expected_addr || return 1
    fi
    "$check" "${args[@]}"
}

# run_case NAME: run one case and write its verdict to RUN_DIR/NAME/verdict.
run_case() {
    local start=$SECONDS verdict
    load_case "$1"
    mkdir -p "$C_DIR"
    exec 2>>"$C_DIR/harness.log"
    if [[ -n $C_LOADER_BIN && ! -f $C_LOADER_BIN ]]; then
        fail "loader $C_LOADER_BIN does not exist"
    elif { [[ $C_PREP == - ]] || "$C_PREP"; } && build_case_image && boot_and_check; then
        verdict="PASS $C_NAME ($((SECONDS - start))s)${C_NOTE:+ - $C_NOTE}"
        # Passed: keep the logs, drop the (large) images.
        rm -f "$C_DIR"/*.iso "$C_DIR"/*.img "$C_DIR"/*.gz "$C_DIR"/probe/*.iso "$C_DIR"/tftp/*.iso
    fi
    if [[ -z ${verdict:-} ]]; then
        verdict="FAIL $C_NAME: ${C_REASON:-harness error} ($((SECONDS - start))s)"
    fi
    printf '%s\n' "$verdict" >"$C_DIR/verdict"
}

# ---------------------------------------------------------------- the run

# report NAME: print a finished case's verdict (and the logs' tails on
# failure); returns 0 for PASS.
report() {
    local dir=$RUN_DIR/$1 verdict
    verdict=$(cat "$dir/verdict" 2>/dev/null || echo "FAIL $1: harness error (no verdict)")
    printf '%s\n' "$verdict"
    [[ $verdict == PASS* ]] && return 0
    local f
    for f in serial.log probe/serial.log screen.txt harness.log qemu.out; do
        [[ -s $dir/$f ]] || continue
        printf '    --- %s (last 40 lines) ---\n' "$dir/$f"
        tail -n 40 "$dir/$f" | tr -d '\r' | sed 's/^/    | /'
    done
    return 1
}

# new_run_dir: create this run's folder in the cache, point "last" at it and
# remove old runs.
new_run_dir() {
    local runs=$CACHE/runs old
    mkdir -p "$runs"
    RUN_DIR=$(mktemp -d "$runs/$(date +%Y%m%d-%H%M%S)-XXXX")
    ln -sfn "$(basename "$RUN_DIR")" "$runs/last"
    # Folder names start with the date, so the glob lists them oldest first.
    old=("$runs"/2*/)
    if [[ ${#old[@]} -gt $KEEP_RUNS ]]; then
        # Another run may still be using a recent folder: only folders left
        # alone for two hours go.
        for old in "${old[@]:0:${#old[@]}-KEEP_RUNS}"; do
            if [[ -n $(find "$old" -maxdepth 0 -mmin +120) ]]; then rm -rf "$old"; fi
        done
    fi
}

# run_all NAME...: run the cases, JOBS at a time; print the verdicts and the
# summary line; returns 1 if any case failed.
run_all() {
    local -A job_of=()
    local name pid passed=0 failed=0 start=$SECONDS
    local queue=("$@")
    while [[ ${#queue[@]} -gt 0 || ${#job_of[@]} -gt 0 ]]; do
        while [[ ${#queue[@]} -gt 0 && ${#job_of[@]} -lt $JOBS ]]; do
            name=${queue[0]}
            queue=("${queue[@]:1}")
            (run_case "$name") &
            job_of[$!]=$name
        done
        pid=
        wait -n -p pid "${!job_of[@]}" || true
        [[ -n $pid ]] || continue
        if report "${job_of[$pid]}"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
        unset "job_of[$pid]"
    done
    log "suite time: $((SECONDS - start))s; logs in $RUN_DIR"
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [[ $failed -eq 0 ]]
}

main() {
    local names=() n
    case ${1:-} in
        --list) case_names; return 0 ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; return 0 ;;
    esac
    if [[ $# -gt 0 ]]; then
        for n in "$@"; do case_row "$n" >/dev/null || die "no case named '$n' (see --list)"; done
        names=("$@")
    else
        mapfile -t names < <(case_names)
    fi
    "$REPO/scripts/deps.sh" >&2
    new_run_dir
    if ! ensure_media; then
        for n in "${names[@]}"; do printf 'FAIL %s: could not build the test media\n' "$n"; done
        printf '0 passed, %d failed\n' "${#names[@]}"
        return 1
    fi
    run_all "${names[@]}"
}

main "$@"
