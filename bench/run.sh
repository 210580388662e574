#!/usr/bin/env bash
# run.sh - memboot's benchmarks: memboot's memdisk beside SYSLINUX MEMDISK.
#
# Every figure comes from QEMU (TCG, one guest at a time) booting the same
# media through each loader, A B A B ... (runs interleaved), so that drift of
# the host affects both alike.  Timings are medians with min and max of
# BENCH_RUNS runs.  The host may be shared: before each timed boot the script
# waits (a few seconds at most) for an idle CPU, and the table says how busy
# the host was.  What is measured, and how:
#
#  1. Disk service: an ISO whose ISOLINUX loads Debian's kernel and a 150 MiB
#     file of random data (/pad.bin) as its initrd, through the loader's INT 13h.
#     ISOLINUX prints "Loading /pad.bin..." before reading it and "ok" after;
#     qemu_serial.py reads the serial console from a pipe and stamps each
#     chunk on arrival (time.monotonic()); the interval between the two texts
#     is the time to read 150 MiB, reported also as MB/s (10^6 bytes/s).
#     QEMU is killed at the "ok".  Options `iso` and `iso raw`.  Beside the
#     wall-clock time, QEMU's CPU time over the same interval (from the
#     scheduler's statistics) is reported: it is less sensitive to other load
#     on the host, which the time QEMU waited for a CPU shows.
#  2. Set-up: from QEMU's start to the ISOLINUX banner on the serial line,
#     for the small ISO (~11 MB) and the large one (~170 MB, taken from the
#     `iso` runs of 1).  BIOS start + the loader's own set-up + ISOLINUX
#     reading ldlinux.c32 and its configuration (the banner comes after it).
#  3. Resident base memory: the BIOS data area word at 0x413 (base memory in
#     KiB), saved through the QEMU monitor once the guest waits (ISOLINUX at
#     its "boot:" prompt; the floppy's boot sector has printed and halted),
#     against the same machine booting the same image without a memdisk.
#  4. Binary size of both loader files.
#  5. gzip: a line with "inflate" and "MB/s" printed by memboot when given a
#     .gz image, if any; and, for each loader that boots it, the time to the
#     ISOLINUX banner for the gzipped large ISO minus that for the plain one.
#  6. pmem (memboot's option that moves the image to a 2 MiB-aligned address
#     and reports it as E820 type 12): a third boot in every round of 1. and
#     2. with memboot's `iso pmem` (label memboot-pmem), beside SYSLINUX `iso`
#     and memboot `iso`: the move's cost shows in the banner times and, with
#     less noise, in memboot's own set-up: from the end of its first serial
#     line to the end of its last (OWN_MARKS), for `iso` and `iso pmem`.
#  7. In-guest read speed: an ISO of ~170 MB (4 KiB multiple: ISOLINUX, the
#     test kernel and initramfs, /pad.bin = the 150 MiB of 1.) boots Linux
#     into tests/boot/guest/cases/bench_read.sh, which makes the image a
#     block device (/dev/pmem0 by the kernel itself under `iso pmem`, else
#     memdisk-attach --backend=phram: /dev/mtdblock0), drops the page cache
#     and reads the whole device with dd bs=1M to /dev/null, timed in the
#     guest (CLOCK_MONOTONIC from /proc/timer_list) and, from the serial
#     lines before and after, on the host (wall and QEMU CPU time).  Each
#     round: SYSLINUX `iso` (phram), memboot `iso` (phram), memboot `iso
#     pmem` (pmem).  The same boots give the time from QEMU's start to the
#     guest's /init.
#  8. UEFI (bench/uefi.sh): an ISO of ~160 MB whose GRUB (x86_64-efi, made
#     by grub-mkrescue) prints a marker, reads a 140 MiB file of random data
#     as an initrd and prints another, booted on OVMF (q35) five ways, one
#     boot of each per round: memdisk.efi from the NIC's EFI iPXE ROM (the
#     image fetched over HTTP, then `boot`) with the firmware's RAM disk
#     protocol, with `disk=own`, and with the gzipped ISO; iPXE's `sanboot`
#     of the ISO over HTTP; the ISO as QEMU's virtual CD drive (-cdrom).  The
#     web server is nginx on the host's loopback, started and stopped by the
#     bench, reached through QEMU's guestfwd (tests/boot/qemu.py --http).
#     Recorded: GRUB's read of the file (host clock between the markers),
#     QEMU's start to GRUB, and memdisk.efi's own lines (with its `bench`
#     option): reading the image, inflating it, one memcpy of it, registering
#     the disk, its work after reading the image.
#  9. Injection (bench/inject.sh): the unmodified Debian 12 live ISO's
#     set-up through memboot's memdisk with and without the injection, and
#     read.iso read in the guest through phram, nbd and copy.
# 10. Network load (bench/fetch.sh): iPXE loading 8.'s ISO over TFTP and over
#     HTTP (nginx), on SeaBIOS and on OVMF: from the script's line before
#     `imgfetch` to its line after, and from iPXE's prompt.
#
# Usage: bench/run.sh            (after `make`; about 7-12 minutes)
# Output: progress on stderr, then the tables on stdout, also written as
#         Markdown to build/bench.md.  Exit status 1 if a disk-service,
#         set-up or in-guest read boot failed (unsupported features only
#         show in the table).
# Media are built once into ~/.cache/memboot/bench/ (reused while their inputs
# are unchanged); serial logs of the last run are in ~/.cache/memboot/bench/last/.
#
# Environment: BENCH_RUNS (default 5), BENCH_TIMEOUT (seconds per boot,
# default 90), BENCH_IDLE_WAIT (seconds to wait for an idle CPU before a
# timed boot, default 5; 0 = never wait), MEMDISK (SYSLINUX MEMDISK, default /usr/lib/syslinux/memdisk),
# MEMBOOT_MEMDISK (default build/memdisk), MEMBOOT_CACHE, QEMU,
# BENCH_READ_RUNS (rounds of 7., default BENCH_RUNS), BENCH_UEFI_RUNS (rounds
# of 8., default BENCH_RUNS), MEMBOOT_EFI (default build/memdisk.efi),
# BENCH_PARTS (the parts to run, default "disk small gzip mem read uefi inject
# fetch": disk = 1. with the large ISO's set-up, small = the small ISO's
# set-up, gzip = 5., mem = 3., read = 7., uefi = 8., inject = 9., fetch =
# 10.), BENCH_FETCH_RUNS (rounds of 10., default 3).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/boot/media.sh
source "$BENCH_DIR/../tests/boot/media.sh"

RUNS=${BENCH_RUNS:-5}
READ_RUNS=${BENCH_READ_RUNS:-$RUNS}
UEFI_RUNS=${BENCH_UEFI_RUNS:-$RUNS}
PARTS=" ${BENCH_PARTS:-disk small gzip mem read uefi inject fetch} "
READ_TOKEN=bench-read           # memboot.token of the read ISO (fixed: it is cached)
BOOT_TIMEOUT=${BENCH_TIMEOUT:-90}
MEM_TIMEOUT=30                  # the memory boots are small: a floppy, an 11 MB ISO
QEMU=${QEMU:-qemu-system-x86_64}
RAM_MIB=1024                    # room for the gzipped ISO and its output
BIG_MIB=150                     # size of the file ISOLINUX loads in 1.
BENCH=$CACHE/bench              # cached media
LOGS=$BENCH/last                # serial logs, screens and results of this run
RESULTS=$LOGS/results.tsv
OUT_MD=$BUILD/bench.md
FLOPPY_TOKEN='BENCH-FLOPPY-000' # 16 characters, printed by the floppy
EFI_BIG_MIB=140                 # the file GRUB reads in 8.
# GRUB modules of 8.'s ISO (grub-mkrescue adds what they depend on)
EFI_GRUB_MODULES="normal configfile linux echo test iso9660 fat part_gpt part_msdos serial terminal halt"

declare -A LOADER=([syslinux]=$MEMDISK [memboot]=$MEMBOOT_MEMDISK)
LOADERS=(syslinux memboot)      # A, B: the order within each round
# A boot's label is a loader, or memboot-pmem: memboot with " pmem" added to
# the option (label_loader, label_option).
declare -A BROKEN=()            # "KEY LOADER" -> 1 once such a boot failed
REQUIRED_FAILED=0               # a disk-service or set-up boot failed
QEMU_PID=                       # the QEMU started by basemem_boot, if running
CHILD_PID=                      # the timing helper running, if any
BASEMEM_KIB=                    # result of the last basemem_boot
STEP=0                          # boots done so far (progress)
IDLE_WAIT=${BENCH_IDLE_WAIT:-5} # at most this long before a boot for a free CPU,
IDLE_BUDGET=60                  # and about this long in all (wait_for_cpu)
IDLE_SPENT=0                    # seconds spent waiting so far
TIMED_BOOTS=0                   # timed boots so far
BUSY_STARTS=0                   # timed boots started while no CPU was idle
HTTPD_PID=                      # the web server of 8., while it runs
HTTPD_DIR=                      # its configuration and logs
HTTP_PORT=                      # its port on 127.0.0.1
EFI_LOADER=                     # the copy of memdisk.efi that 8. boots

# ---------------------------------------------------------------- cleanup

# cleanup: stop the helper, QEMU or web server that may still run (on exit
# or signal; set +e: a failed wait must not end the cleanup).
cleanup() {
    set +e
    [[ -n $CHILD_PID ]] && kill "$CHILD_PID" 2>/dev/null
    [[ -n $QEMU_PID ]] && kill "$QEMU_PID" 2>/dev/null
    [[ -n $CHILD_PID ]] && wait "$CHILD_PID" 2>/dev/null
    [[ -n $QEMU_PID ]] && wait "$QEMU_PID" 2>/dev/null
    [[ -n $HTTPD_PID || -n $HTTPD_DIR ]] && httpd_stop
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- results

# record KIND KEY LOADER VALUE: one result line (KIND: val = a sample,
# note = text for the table, meta = a fact about the run).
record() { printf '%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# progress WHAT: one progress line on stderr, numbered.
progress() { STEP=$((STEP + 1)); log "[$(printf '%2d' "$STEP")] $*"; }

# failure_reason LOG STDERR: why a boot failed, in one line: the loader's
# own error if it printed one, else the helper's first line.
failure_reason() {
    local why
    why=$(grep -aoE 'memdisk(\.efi)?: error: [^[:cntrl:]]*' "$1" 2>/dev/null | head -n1 || true)
    [[ -n $why ]] || why=$(head -n1 "$2")
    printf '%s' "${why:-unknown failure}"
}

# shellcheck source=bench/media.sh
source "$BENCH_DIR/media.sh"
# shellcheck source=bench/measure.sh
source "$BENCH_DIR/measure.sh"
# shellcheck source=bench/uefi.sh
source "$BENCH_DIR/uefi.sh"
# shellcheck source=bench/inject.sh
source "$BENCH_DIR/inject.sh"
# shellcheck source=bench/fetch.sh
source "$BENCH_DIR/fetch.sh"
# shellcheck source=tests/boot/distro.sh
source "$BENCH_DIR/../tests/boot/distro.sh"

# ---------------------------------------------------------------- facts

# snapshot_loaders: copy both loaders into $LOGS and boot the copies, so
# that a rebuild of build/memdisk during the run cannot mix two versions.
snapshot_loaders() {
    local loader
    for loader in "${LOADERS[@]}"; do
        record meta "path $loader" - "${LOADER[$loader]}"
        record meta "built $loader" - "$(date -u -r "${LOADER[$loader]}" '+%Y-%m-%d %H:%M UTC')"
        cp "${LOADER[$loader]}" "$LOGS/memdisk.$loader"
        LOADER[$loader]=$LOGS/memdisk.$loader
    done
}

# record_facts: sizes, versions and the machine, for the table's notes.
record_facts() {
    local loader rev
    for loader in "${LOADERS[@]}"; do
        record val size "$loader" "$(file_size "${LOADER[$loader]}")"
        record meta "sha256 $loader" - "$(file_sha256 "${LOADER[$loader]}" | cut -c1-12)"
    done
    # memboot's memdisk embeds the injection payload (build/inject.cpio.gz)
    # as it is: its size budget counts the loader without it.
    [[ -f $BUILD/inject.cpio.gz ]] && record meta payload_bytes - "$(file_size "$BUILD/inject.cpio.gz")"
    rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n $(git -C "$REPO" status --porcelain 2>/dev/null) ]]; then
        rev="$rev + uncommitted changes"
    fi
    record meta date - "$(date -u '+%Y-%m-%d %H:%M UTC')"
    record meta tree - "$rev"
    record meta nproc - "$(nproc)"
    record meta cpu - "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
    record meta qemu - "$("$QEMU" --version | head -n1)"
    record meta runs - "$RUNS"
    record meta load - "$(cut -d' ' -f1-3 /proc/loadavg)"
    record meta ram - "$RAM_MIB"
    record meta big_bytes - "$(file_size "$BENCH/big.bin")"
    record meta big_iso_bytes - "$(file_size "$BENCH/big.iso")"
    record meta big_gz_bytes - "$(file_size "$BENCH/big.iso.gz")"
    record meta small_iso_bytes - "$(file_size "$BENCH/small.iso")"
    record meta read_iso_bytes - "$(file_size "$BENCH/read.iso")"
    record meta read_runs - "$READ_RUNS"
}

# ---------------------------------------------------------------- main

main() {
    local start=$SECONDS loader
    for loader in "${LOADERS[@]}"; do
        [[ -f ${LOADER[$loader]} ]] || die "${LOADER[$loader]} is missing (run make first)"
    done
    command -v "$QEMU" >/dev/null || die "$QEMU not found (run scripts/deps.sh)"
    build_bench_media
    rm -rf "$LOGS"
    mkdir -p "$LOGS" "$BUILD"
    : >"$RESULTS"
    snapshot_loaders
    record_facts
    log "bench: $RUNS runs each, loaders interleaved; logs in $LOGS"
    local part
    if [[ $PARTS == *" uefi "* || $PARTS == *" fetch "* ]]; then
        [[ -f $MEMBOOT_EFI ]] || die "$MEMBOOT_EFI is missing (run make first)"
        if ! command -v nginx >/dev/null || ! command -v socat >/dev/null; then
            die "parts uefi and fetch need nginx and socat (run scripts/deps.sh)"
        fi
    fi
    for part in disk small gzip mem read uefi inject fetch; do
        [[ $PARTS == *" $part "* ]] || continue
        case $part in
            disk) measure_disk_service ;;
            small) measure_setup_small ;;
            gzip) measure_gzip ;;
            mem) measure_basemem ;;
            read) measure_read ;;
            uefi) measure_uefi ;;
            inject) measure_inject ;;
            fetch) measure_fetch ;;
        esac
    done
    record meta seconds - "$((SECONDS - start))"
    record meta busy_starts - "$BUSY_STARTS"
    record meta timed_boots - "$TIMED_BOOTS"
    record meta idle_wait - "$IDLE_SPENT"
    python3 "$BENCH_DIR/table.py" "$RESULTS" >"$OUT_MD.new"
    mv "$OUT_MD.new" "$OUT_MD"
    log "bench: done in $((SECONDS - start)) s; table also in $OUT_MD"
    echo
    cat "$OUT_MD"
    if [[ $REQUIRED_FAILED -ne 0 ]]; then
        log "bench: some disk-service, set-up or read boots failed (see above and $LOGS)"
        return 1
    fi
}

main "$@"
