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
#
# Usage: bench/run.sh            (after `make`; about 4-8 minutes)
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
# BENCH_READ_RUNS (rounds of 7., default BENCH_RUNS), BENCH_PARTS (the parts
# to run, default "disk small gzip mem read": disk = 1. with the large ISO's
# set-up, small = the small ISO's set-up, gzip = 5., mem = 3., read = 7.).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/boot/media.sh
source "$BENCH_DIR/../tests/boot/media.sh"

RUNS=${BENCH_RUNS:-5}
READ_RUNS=${BENCH_READ_RUNS:-$RUNS}
PARTS=" ${BENCH_PARTS:-disk small gzip mem read} "
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

# ---------------------------------------------------------------- cleanup

# cleanup: stop the helper or QEMU that may still run (on exit or signal).
cleanup() {
    [[ -n $CHILD_PID ]] && kill "$CHILD_PID" 2>/dev/null
    [[ -n $QEMU_PID ]] && kill "$QEMU_PID" 2>/dev/null
    [[ -n $CHILD_PID || -n $QEMU_PID ]] && wait 2>/dev/null
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- media

# bench_fresh NAME HASH: true when $BENCH/NAME exists and was built from HASH.
bench_fresh() {
    [[ -e $BENCH/$1 && -f $BENCH/$1.stamp && $(cat "$BENCH/$1.stamp") == "$2" ]]
}

# bench_stamp NAME HASH: record that $BENCH/NAME was built from HASH.
bench_stamp() { printf '%s\n' "$2" >"$BENCH/$1.stamp"; }

# big_cfg: the ISOLINUX configuration of the large ISO: serial console, no
# prompt, and a kernel line without "quiet" (with it, ISOLINUX does not print
# its "Loading ..." lines).
big_cfg() {
    printf '%s\n' "SERIAL 0 115200" "PROMPT 0" "TIMEOUT 0" "DEFAULT linux" \
        "LABEL linux" "  LINUX /vmlinuz" "  INITRD /pad.bin" \
        "  APPEND console=ttyS0,115200 panic=-1"
}

# prompt_cfg: the configuration of the small ISO: ISOLINUX prints its banner
# and then waits at "boot:" for ever (a still guest for the memory reading).
prompt_cfg() {
    printf '%s\n' "SERIAL 0 115200" "PROMPT 1" "TIMEOUT 0" "DEFAULT linux" \
        "LABEL linux" "  LINUX /vmlinuz" "  INITRD /initrd.gz" \
        "  APPEND console=ttyS0,115200 panic=-1"
}

# build_big_bin: 150 MiB of random data, made once (its content never matters).
build_big_bin() {
    local f=$BENCH/big.bin
    [[ -f $f && $(file_size "$f") -eq $((BIG_MIB << 20)) ]] && return 0
    log "bench media: big.bin ($BIG_MIB MiB of random data)"
    head -c "${BIG_MIB}M" /dev/urandom >"$f.new"
    mv "$f.new" "$f"
}

# build_big_iso: the large ISO (iso-tree + big.bin as /pad.bin) and its gzip.
build_big_iso() {
    local hash
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(big_cfg)" \
        "big=$(stat -c %s-%Y "$BENCH/big.bin")")
    bench_fresh big.iso.gz "$hash" && return 0
    log "bench media: big.iso and big.iso.gz"
    big_cfg >"$BENCH/big.cfg"
    run_xorriso "$BENCH/big.iso" "$BENCH/big.cfg" "$BENCH/big.bin"
    gzip -6n -c "$BENCH/big.iso" >"$BENCH/big.iso.gz.new"
    mv "$BENCH/big.iso.gz.new" "$BENCH/big.iso.gz"
    bench_stamp big.iso.gz "$hash"
}

# build_small_iso: the harness's normal test ISO (make_iso, size rule "odd"),
# with prompt_cfg as its configuration.
build_small_iso() {
    local hash
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(prompt_cfg)")
    bench_fresh small.iso "$hash" && return 0
    log "bench media: small.iso"
    prompt_cfg >"$BENCH/small.cfg"
    make_iso "$BENCH/small.iso" "$BENCH/small.cfg" odd
    bench_stamp small.iso "$hash"
}

# build_read_iso: the ISO of the in-guest read (7.): the harness's ISOLINUX
# tree with boot_cfg for guest case bench_read (fixed token) and big.bin as
# /pad.bin, lengthened by whole sectors until the ISO is a 4 KiB multiple
# (phram needs that under SYSLINUX MEMDISK, which reports the file's size).
build_read_iso() {
    local hash pad=$BENCH/read-pad.bin short _
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(boot_cfg bench_read "$READ_TOKEN")" \
        "big=$(stat -c %s-%Y "$BENCH/big.bin")")
    bench_fresh read.iso "$hash" && return 0
    log "bench media: read.iso"
    boot_cfg bench_read "$READ_TOKEN" >"$BENCH/read.cfg"
    cp "$BENCH/big.bin" "$pad"
    for _ in 1 2 3; do
        run_xorriso "$BENCH/read.iso" "$BENCH/read.cfg" "$pad"
        short=$(((4096 - $(file_size "$BENCH/read.iso") % 4096) % 4096))
        [[ $short -eq 0 ]] && break
        truncate -s "+$short" "$pad"
    done
    rm -f "$pad"
    [[ $short -eq 0 ]] || die "could not make read.iso a 4 KiB multiple"
    bench_stamp read.iso "$hash"
}

# build_bench_floppy: the harness's floppy (its boot sector prints on the
# screen and halts) with a fixed token.
build_bench_floppy() {
    local hash
    hash=$(inputs_hash "$MEDIA/floppy.img.stamp" "token=$FLOPPY_TOKEN")
    bench_fresh floppy.img "$hash" && return 0
    log "bench media: floppy.img"
    make_floppy "$BENCH/floppy.img" "$FLOPPY_TOKEN"
    bench_stamp floppy.img "$hash"
}

# build_bench_media: the harness's shared media, then ours.
build_bench_media() {
    ensure_media >&2 || die "could not build the test media (tests/boot/media.sh)"
    mkdir -p "$BENCH"
    (
        flock 9
        build_big_bin
        build_big_iso
        build_small_iso
        build_bench_floppy
        build_read_iso
    ) 9>"$BENCH/.lock"
}

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
    why=$(grep -ao 'memdisk: error: [^[:cntrl:]]*' "$1" 2>/dev/null | head -n1 || true)
    [[ -n $why ]] || why=$(head -n1 "$2")
    printf '%s' "${why:-unknown failure}"
}

# ---------------------------------------------------------------- timed boots

# idle_cpus: how many CPUs were idle, on average, over the next 0.3 s.
idle_cpus() {
    local a b
    a=$(awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 0.3
    b=$(awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        printf "%.2f\n", (y[2] > x[2] ? n * (y[1] - x[1]) / (y[2] - x[2]) : n) }'
}

# wait_for_cpu: the host is shared: before a timed boot, wait until about one
# CPU is idle, for at most IDLE_WAIT seconds per boot and IDLE_BUDGET seconds
# in all; count the boots that started without one (BUSY_STARTS).
wait_for_cpu() {
    local start=$SECONDS free=0
    TIMED_BOOTS=$((TIMED_BOOTS + 1))
    while [[ $((SECONDS - start)) -lt $IDLE_WAIT &&
             $((IDLE_SPENT + SECONDS - start)) -lt $IDLE_BUDGET ]]; do
        if awk -v i="$(idle_cpus)" 'BEGIN { exit !(i >= 0.9) }'; then
            free=1
            break
        fi
    done
    IDLE_SPENT=$((IDLE_SPENT + SECONDS - start))
    [[ $free -eq 1 ]] || BUSY_STARTS=$((BUSY_STARTS + 1))
}

# label_loader LABEL: the loader of a boot label (memboot-pmem -> memboot).
label_loader() { printf '%s\n' "${1%-pmem}"; }

# label_option LABEL OPTION: OPTION as that label boots it (" pmem" added for
# memboot-pmem).
label_option() {
    if [[ $1 == *-pmem ]]; then printf '%s pmem\n' "$2"; else printf '%s\n' "$2"; fi
}

# qemu_cmd LABEL IMAGE OPTION: print (NUL-separated) the QEMU command that
# boots IMAGE through LABEL's loader with the serial console on stdout
# (qemu_serial.py runs it directly, to read its CPU time, and kills it if it
# dies itself).
qemu_cmd() {
    printf '%s\0' "$QEMU" -accel tcg -m "$RAM_MIB" -display none -no-reboot -nic none \
        -monitor none -serial stdio -kernel "${LOADER[$(label_loader "$1")]}" -initrd "$2" \
        -append "$(label_option "$1" "$3")"
}

# timed_boot NAME LABEL IMAGE OPTION MARK...: boot and write "mark wall cpu
# wait" lines (qemu_serial.py) to $LOGS/NAME.out, the serial log to $LOGS/NAME.log.
# TIMED_EXTRA (an array) holds more qemu_serial.py options, if any.
# On failure the reason and the serial tail are printed on stderr; returns 1.
# (Run in this shell, not in $(...), so that the trap can stop the helper.)
TIMED_EXTRA=()
timed_boot() {
    local name=$1 loader=$2 image=$3 option=$4 rc=0
    shift 4
    local -a cmd marks=()
    mapfile -d '' -t cmd < <(qemu_cmd "$loader" "$image" "$option")
    for m in "$@"; do marks+=(--mark "$m"); done
    wait_for_cpu
    python3 "$BENCH_DIR/qemu_serial.py" --timeout "$BOOT_TIMEOUT" --log "$LOGS/$name.log" \
        --fail 'memdisk: error: [^\r\n]*\r?\n' --info '[^\r\n]*inflate[^\r\n]*MB/s[^\r\n]*' \
        "${TIMED_EXTRA[@]}" "${marks[@]}" -- "${cmd[@]}" >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=
    if [[ $rc -ne 0 ]]; then
        log "    FAILED: $(failure_reason "$LOGS/$name.log" "$LOGS/$name.err")"
        sed 's/^/    | /' "$LOGS/$name.err" >&2
        return 1
    fi
}

# record_interval KEY LOADER BOOT [FROM] TO: record the time between marks
# FROM (default: QEMU's start) and TO of timed_boot BOOT: wall clock as KEY,
# QEMU's CPU time as "cpu:KEY", its wait for a CPU as "wait:KEY".
record_interval() {
    local key=$1 loader=$2 boot=$3 from=${5:+$4} to=${5:-$4} wall cpu wait
    read -r wall cpu wait < <(awk -v a="$from" -v b="$to" '
        $1 == a { w0 = $2; c0 = $3; q0 = $4 }
        $1 == b { w1 = $2; c1 = $3; q1 = $4 }
        END { printf "%.6f %.6f %.6f\n", w1 - w0, c1 - c0, q1 - q0 }' "$LOGS/$boot.out")
    record val "$key" "$loader" "$wall"
    record val "cpu:$key" "$loader" "$cpu"
    record val "wait:$key" "$loader" "$wait"
}

# note_failure KEY LOADER NAME: record why boot NAME failed, and remember that
# KEY no longer works with LOADER (its later runs are skipped).
note_failure() {
    record note "$1" "$2" "failed: $(failure_reason "$LOGS/$3.log" "$LOGS/$3.err")"
    BROKEN["$1 $2"]=1
}

# OWN_MARKS: memboot's own set-up on the serial line, from the end of its
# first line ("memboot memdisk VERSION: image at ...") to the end of its last
# ("... mBFT at ADDR"): parsing the image, for `pmem` the move and the
# padding, the driver and the memory map (SYSLINUX MEMDISK prints nothing
# there).  Recorded as "own small" / "own big" for memboot's `iso` boots.
OWN_MARKS=('lstart=memboot memdisk [^\r\n]*\r?\n' 'lend=mBFT at [0-9a-fA-F]+')

# disk_service_run RUN OPTION LABEL: one boot of the large ISO; records the
# read time of /pad.bin (key "disk OPTION") and, for `iso`, the banner time
# of the large ISO (key "setup big").  LABEL memboot-pmem: memboot with
# "OPTION pmem", recorded under that label.
disk_service_run() {
    local run=$1 option=$2 loader=$3 key="disk $2" name
    [[ -n ${BROKEN["$key $loader"]:-} ]] && return 0
    name="disk-${option// /-}-$loader-$run"
    progress "disk service, $(label_option "$loader" "$option"), $(label_loader "$loader"), run $run/$RUNS"
    local -a own=()
    [[ $option == iso && $(label_loader "$loader") == memboot ]] && own=("${OWN_MARKS[@]}")
    if ! timed_boot "$name" "$loader" "$BENCH/big.iso" "$option" \
            "${own[@]}" 'banner=ISOLINUX' 'start=Loading /pad\.bin\.\.\.' 'ok=ok'; then
        note_failure "$key" "$loader" "$name"
        REQUIRED_FAILED=1
        return 0
    fi
    record_interval "$key" "$loader" "$name" start ok
    [[ $option == iso ]] && record_interval "setup big" "$loader" "$name" banner
    [[ ${#own[@]} -gt 0 ]] && record_interval "own big" "$loader" "$name" lstart lend
    return 0
}

# banner_run KEY RUN LABEL IMAGE REQUIRED: one boot of IMAGE (option iso,
# or `iso pmem` for LABEL memboot-pmem) up to the ISOLINUX banner; records
# its time under KEY.  REQUIRED=1 makes a failure fail the whole run.
banner_run() {
    local key=$1 run=$2 loader=$3 image=$4 required=$5 name
    [[ -n ${BROKEN["$key $loader"]:-} ]] && return 0
    name="${key// /-}-$loader-$run"
    progress "$key, $(label_option "$loader" iso), $(label_loader "$loader"), run $run/$RUNS"
    local -a own=()
    [[ $key == "setup small" && $(label_loader "$loader") == memboot ]] && own=("${OWN_MARKS[@]}")
    if ! timed_boot "$name" "$loader" "$image" iso "${own[@]}" 'banner=ISOLINUX'; then
        note_failure "$key" "$loader" "$name"
        [[ $required -eq 1 ]] && REQUIRED_FAILED=1
        # A loader may report its inflate speed even if the boot went wrong.
        record_inflate_line "$loader" "$LOGS/$name.out"
        return 0
    fi
    record_interval "$key" "$loader" "$name" banner
    [[ ${#own[@]} -gt 0 ]] && record_interval "own small" "$loader" "$name" lstart lend
    record_inflate_line "$loader" "$LOGS/$name.out"
}

# record_inflate_line LOADER OUTFILE: the "inflate ... MB/s" line the loader
# printed (memboot's own report of its gzip speed): the line as a note (the
# table shows the first) and its MB/s figure as a sample.
record_inflate_line() {
    local line speed
    line=$(sed -n 's/^info //p' "$2" | head -n1)
    [[ -n $line ]] || return 0
    record note inflate "$1" "$line"
    speed=$(grep -o '[0-9.]* *MB/s' <<<"$line" | grep -o '^[0-9.]*' | head -n1)
    [[ -n $speed ]] && record val inflate "$1" "$speed"
    return 0
}

# measure_disk_service: N rounds of A B A B over `iso` and `iso raw`, with
# memboot's `iso pmem` after the `iso` pair.
measure_disk_service() {
    local run option loader
    for run in $(seq "$RUNS"); do
        for option in "iso" "iso raw"; do
            for loader in "${LOADERS[@]}"; do
                disk_service_run "$run" "$option" "$loader"
            done
            if [[ $option == iso ]]; then disk_service_run "$run" iso memboot-pmem; fi
        done
    done
}

# measure_setup_small: N rounds of A B C to the banner of the small ISO
# (C: memboot `iso pmem`).
measure_setup_small() {
    local run loader
    for run in $(seq "$RUNS"); do
        for loader in "${LOADERS[@]}" memboot-pmem; do
            banner_run "setup small" "$run" "$loader" "$BENCH/small.iso" 1
        done
    done
}

# read_run RUN LABEL: one boot of the read ISO into bench_read.sh; records
# the guest's read time and speed (keys "read", "read_mbs", the device size
# as "read_bytes", the device as a note "read_dev"), the same read timed on
# the host from the serial lines (key "hread": wall, QEMU CPU and wait) and
# QEMU's start to the guest's /init (key "boot init").
read_run() {
    local run=$1 loader=$2 name line backend dev bytes ns mbs rc want=phram
    [[ -n ${BROKEN["read $loader"]:-} ]] && return 0
    name="read-$loader-$run"
    [[ $loader == *-pmem ]] && want=pmem
    progress "in-guest read, $(label_option "$loader" iso), $(label_loader "$loader") ($want), run $run/$READ_RUNS"
    TIMED_EXTRA=(--fail 'Kernel panic[^\r\n]*' --fail "MEMBOOT $READ_TOKEN error=[^\r\n]*"
        --fail "MEMBOOT $READ_TOKEN read=[^\r\n]* none [^\r\n]*"
        --info "MEMBOOT $READ_TOKEN read=[^\r\n]*")
    if ! timed_boot "$name" "$loader" "$BENCH/read.iso" iso \
            "init=MEMBOOT $READ_TOKEN start " "start=MEMBOOT $READ_TOKEN read_start=1" \
            "end=MEMBOOT $READ_TOKEN read=[^\r\n]*\r?\n"; then
        TIMED_EXTRA=()
        note_failure read "$loader" "$name"
        REQUIRED_FAILED=1
        return 0
    fi
    TIMED_EXTRA=()
    line=$(sed -n "s/^info MEMBOOT $READ_TOKEN read=//p" "$LOGS/$name.out" | head -n1)
    read -r backend dev bytes ns mbs rc <<<"$line"
    if [[ ${rc:-} != 0 || ${backend:-} != "$want" || ${ns:-0} -le 0 ]]; then
        record note read "$loader" "failed: guest read '$line' (wanted $want)"
        BROKEN["read $loader"]=1
        REQUIRED_FAILED=1
        return 0
    fi
    record val read "$loader" "$(awk -v n="$ns" 'BEGIN { printf "%.6f", n / 1e9 }')"
    record val read_mbs "$loader" "$mbs"
    record val read_bytes "$loader" "$bytes"
    record note read_dev "$loader" "$backend $dev"
    record_interval hread "$loader" "$name" start end
    record_interval "boot init" "$loader" "$name" init
}

# measure_read: N rounds of A B C of the in-guest read (C: memboot `iso pmem`).
measure_read() {
    local run loader
    for run in $(seq "$READ_RUNS"); do
        for loader in "${LOADERS[@]}" memboot-pmem; do
            read_run "$run" "$loader"
        done
    done
}

# measure_gzip: N rounds of A B to the banner of the gzipped large ISO.
measure_gzip() {
    local run loader
    for run in $(seq "$RUNS"); do
        for loader in "${LOADERS[@]}"; do
            banner_run "setup gz" "$run" "$loader" "$BENCH/big.iso.gz" 0
        done
    done
}

# ---------------------------------------------------------------- base memory

# basemem_boot NAME NEEDLE QEMU-ARGS...: boot a machine (QEMU-ARGS pick the
# boot), wait until NEEDLE is on its VGA screen (tests/boot/vga.py), save base
# memory through the monitor and set BASEMEM_KIB to the word at 0x413.  A
# loader error on the serial line ends the wait early.  On failure print the
# screen on stderr; returns 1.
basemem_boot() {
    local name=$1 needle=$2 mon rc=0
    shift 2
    mon=$(mktemp -u "${TMPDIR:-/tmp}/memboot-bench.XXXXXX")
    rm -f "$LOGS/$name.mem"
    : >"$LOGS/$name.log"
    timeout -k 5 "$((MEM_TIMEOUT + 20))" "$QEMU" -accel tcg -m "$RAM_MIB" -display none \
        -no-reboot -nic none -serial "file:$LOGS/$name.log" \
        -monitor "unix:$mon,server,nowait" "$@" </dev/null >"$LOGS/$name.qemu" 2>&1 &
    QEMU_PID=$!
    python3 "$BOOT_DIR/vga.py" --quit --basemem "$LOGS/$name.mem" "$mon" "$needle" \
        "$MEM_TIMEOUT" "$LOGS/$name.screen" 2>"$LOGS/$name.err" &
    CHILD_PID=$!
    while kill -0 "$CHILD_PID" 2>/dev/null; do
        if grep -aq 'memdisk: error: .*[[:cntrl:]]' "$LOGS/$name.log"; then
            sleep 0.5       # let the screen catch up, for the log
            kill "$CHILD_PID" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=
    sleep 0.2
    kill "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=
    rm -f "$mon"
    if [[ $rc -ne 0 || ! -s $LOGS/$name.mem ]]; then
        log "    FAILED: '$needle' never appeared on the screen; the screen:"
        sed '/^$/d; s/^/    | /' "$LOGS/$name.screen" >&2 2>/dev/null || true
        return 1
    fi
    BASEMEM_KIB=$(od -An -tu2 -j $((0x413)) -N2 "$LOGS/$name.mem" | tr -d ' ')
}

# basemem_case KEY IMAGE OPTION NEEDLE DIRECT-ARGS...: base memory of the
# machine booting IMAGE directly (DIRECT-ARGS) and through each loader with
# OPTION; records "KEY none" and "KEY LOADER" in KiB (one run each: the
# figure is exact).
basemem_case() {
    local key=$1 image=$2 option=$3 needle=$4 loader name why
    shift 4
    progress "base memory, $key, no memdisk"
    if basemem_boot "mem-$key-none" "$needle" "$@"; then
        record val "mem $key" none "$BASEMEM_KIB"
    else
        record note "mem $key" none "failed: \"$needle\" never appeared"
    fi
    for loader in "${LOADERS[@]}"; do
        name="mem-$key-$loader"
        progress "base memory, $key, $loader"
        if basemem_boot "$name" "$needle" -kernel "${LOADER[$loader]}" \
                -initrd "$image" -append "$option"; then
            record val "mem $key" "$loader" "$BASEMEM_KIB"
        else
            why=$(grep -ao 'memdisk: error: [^[:cntrl:]]*' "$LOGS/$name.log" | head -n1 || true)
            [[ -n $why ]] || why="\"$needle\" never appeared"
            record note "mem $key" "$loader" "failed: $why"
        fi
    done
}

# measure_basemem: the ISO at ISOLINUX's prompt, and the floppy.
measure_basemem() {
    basemem_case iso "$BENCH/small.iso" iso "boot:" -cdrom "$BENCH/small.iso" -boot d
    basemem_case floppy "$BENCH/floppy.img" floppy "MEMBOOT-FLOPPY $FLOPPY_TOKEN" \
        -drive "file=$BENCH/floppy.img,if=floppy,format=raw" -boot a
}

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
    for part in disk small gzip mem read; do
        [[ $PARTS == *" $part "* ]] || continue
        case $part in
            disk) measure_disk_service ;;
            small) measure_setup_small ;;
            gzip) measure_gzip ;;
            mem) measure_basemem ;;
            read) measure_read ;;
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
