# shellcheck shell=bash disable=SC2034,SC2153 # the globals are run.sh's
# measure.sh - the benchmarks' boots (sourced by bench/run.sh): the timed
# boots through qemu_serial.py (parts disk, small, gzip and read: 1., 2., 5.,
# 6. and 7. of run.sh's header), the base-memory boots (part mem: 3.), and
# how their results are recorded.  Every QEMU command line comes from the
# harness's launcher, tests/boot/qemu.py.

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
# boots IMAGE through LABEL's loader with the serial console on stdout, as
# the harness's launcher builds it (tests/boot/qemu.py; qemu_serial.py runs
# QEMU itself, to read its CPU time, and kills it if it dies itself).
qemu_cmd() {
    python3 "$BOOT_DIR/qemu.py" --print0 --ram "$RAM_MIB" --serial stdio \
        --kernel "${LOADER[$(label_loader "$1")]}" --initrd "$2" --append "$(label_option "$1" "$3")"
}

# timed_boot NAME LABEL IMAGE OPTION MARK...: boot IMAGE through LABEL's
# loader (qemu_cmd) and time MARKs (serial_boot).
timed_boot() {
    local name=$1 loader=$2 image=$3 option=$4
    shift 4
    mapfile -d '' -t BOOT_CMD < <(qemu_cmd "$loader" "$image" "$option")
    serial_boot "$name" "$@"
}

# serial_boot NAME MARK...: run the QEMU command in BOOT_CMD (an array)
# under qemu_serial.py and write "mark wall cpu wait" lines to
# $LOGS/NAME.out, the serial log to $LOGS/NAME.log.  TIMED_EXTRA (an array)
# holds more qemu_serial.py options, if any.  On failure the reason and the
# serial tail are printed on stderr; returns 1.  (Run in this shell, not in
# $(...), so that the trap can stop the helper.)
TIMED_EXTRA=()
BOOT_CMD=()
serial_boot() {
    local name=$1 rc=0
    shift
    local -a marks=()
    for m in "$@"; do marks+=(--mark "$m"); done
    wait_for_cpu
    python3 "$BENCH_DIR/qemu_serial.py" --timeout "$BOOT_TIMEOUT" --log "$LOGS/$name.log" \
        --fail 'memdisk: error: [^\r\n]*\r?\n' --info '[^\r\n]*inflate[^\r\n]*MB/s[^\r\n]*' \
        "${TIMED_EXTRA[@]}" "${marks[@]}" -- "${BOOT_CMD[@]}" >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
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
# FROM (default: QEMU's start) and TO of boot BOOT (timed_boot, serial_boot):
# wall clock as KEY, QEMU's CPU time as "cpu:KEY", its wait for a CPU as
# "wait:KEY".
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

# basemem_boot NAME NEEDLE LAUNCH-OPTIONS...: boot a machine (options of the
# launcher, tests/boot/qemu.py, that pick the boot: --cdrom FILE, --floppy
# FILE, --kernel ...), wait until NEEDLE is on its VGA screen (vga.py), save base
# memory through the monitor and set BASEMEM_KIB to the word at 0x413.  A
# loader error on the serial line ends the wait early.  On failure print the
# screen on stderr; returns 1.
basemem_boot() {
    local name=$1 needle=$2 mon rc=0
    shift 2
    mon=$(mktemp -u "${TMPDIR:-/tmp}/memboot-bench.XXXXXX")
    rm -f "$LOGS/$name.mem"
    : >"$LOGS/$name.log"
    timeout -k 5 "$((MEM_TIMEOUT + 20))" python3 "$BOOT_DIR/qemu.py" --ram "$RAM_MIB" \
        --serial "$LOGS/$name.log" --monitor "$mon" "$@" </dev/null >"$LOGS/$name.qemu" 2>&1 &
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

# basemem_case KEY IMAGE OPTION NEEDLE DIRECT-OPTIONS...: base memory of the
# machine booting IMAGE directly (DIRECT-OPTIONS: the launcher's) and through each loader with
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
        if basemem_boot "$name" "$needle" --kernel "${LOADER[$loader]}" \
                --initrd "$image" --append "$option"; then
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
    basemem_case iso "$BENCH/small.iso" iso "boot:" --cdrom "$BENCH/small.iso"
    basemem_case floppy "$BENCH/floppy.img" floppy "MEMBOOT-FLOPPY $FLOPPY_TOKEN" \
        --floppy "$BENCH/floppy.img"
}
