# shellcheck shell=bash disable=SC2034,SC2153 # the globals are run.sh's
# inject.sh - part "inject" of make bench (sourced by run.sh): what memboot's
# injection into an unmodified live ISO costs, and how fast the live root can
# read its medium through each backend memdisk-attach may end up with.
#
#  a. Set-up: the unmodified Debian 12 live ISO (tests/boot/distro.sh,
#     310 MB, gzip initrd) through memboot's memdisk `iso` against
#     `iso noinject`, QEMU's -kernel: from the loader's first line to its
#     last before the hand-off ("... sectors of 2048 bytes at ..."), host
#     clock (keys "inj setup" under labels inject / noinject), and the
#     planning time the loader prints itself ("inj plan", µs -> s).
#  b. Read: read.iso (7., 169 MB) through memboot's memdisk with
#     `iso memboot.backend=B` for B = phram, nbd and copy: the guest case
#     bench_read (tests/boot/guest/cases/bench_read.sh) attaches with that
#     backend (memdisk-attach reads the word from the memdisk's command line,
#     as an unmodified ISO's hook would) and reads the whole device with
#     dd bs=1M after dropping the caches (keys "inj read", "inj read_mbs"
#     under labels phram / nbd / copy).
# BENCH_READ_RUNS rounds of each, interleaved.

INJ_BACKENDS=(phram nbd copy)

# inject_setup_run RUN LABEL OPTION: one boot of the Debian live ISO up to the
# loader's hand-off.
inject_setup_run() {
    local run=$1 label=$2 option=$3 name us
    name="inj-setup-$label-$run"
    progress "injection set-up, memboot \`$option\` (Debian live ISO), run $run/$READ_RUNS"
    TIMED_EXTRA=(--info 'memdisk: inject: [0-9]* initrd[^\r\n]*')
    if ! timed_boot "$name" memboot "$BENCH/debian-live.iso" "$option" \
            "first=memboot memdisk " "ready=memdisk: [0-9]* sectors of [^\r\n]*\r?\n"; then
        TIMED_EXTRA=()
        record note "inj setup" "$label" "failed: $(failure_reason "$LOGS/$name.log" "$LOGS/$name.err")"
        REQUIRED_FAILED=1
        return 0
    fi
    TIMED_EXTRA=()
    record_interval "inj setup" "$label" "$name" first ready
    us=$(sed -n 's/^info .* in \([0-9]*\) us.*/\1/p' "$LOGS/$name.out" | head -n1)
    [[ -n $us ]] && record val "inj plan" "$label" "$(awk -v u="$us" 'BEGIN { printf "%.6f", u / 1e6 }')"
    return 0
}

# inject_read_run RUN BACKEND: one boot of read.iso into bench_read with BACKEND.
inject_read_run() {
    local run=$1 b=$2 name line backend dev bytes ns mbs rc
    name="inj-read-$b-$run"
    progress "in-guest read through $b (memboot \`iso memboot.backend=$b\`), run $run/$READ_RUNS"
    TIMED_EXTRA=(--fail 'Kernel panic[^\r\n]*' --fail "MEMBOOT $READ_TOKEN error=[^\r\n]*"
        --fail "MEMBOOT $READ_TOKEN read=[^\r\n]* none [^\r\n]*"
        --info "MEMBOOT $READ_TOKEN read=[^\r\n]*")
    if ! timed_boot "$name" memboot "$BENCH/read.iso" "iso memboot.backend=$b" \
            "init=MEMBOOT $READ_TOKEN start " "start=MEMBOOT $READ_TOKEN read_start=1" \
            "end=MEMBOOT $READ_TOKEN read=[^\r\n]*\r?\n"; then
        TIMED_EXTRA=()
        record note "inj read" "$b" "failed: $(failure_reason "$LOGS/$name.log" "$LOGS/$name.err")"
        REQUIRED_FAILED=1
        return 0
    fi
    TIMED_EXTRA=()
    line=$(sed -n "s/^info MEMBOOT $READ_TOKEN read=//p" "$LOGS/$name.out" | head -n1)
    read -r backend dev bytes ns mbs rc <<<"$line"
    if [[ ${rc:-} != 0 || ${backend:-} != "$b" || ${ns:-0} -le 0 ]]; then
        record note "inj read" "$b" "failed: guest read '$line' (wanted $b)"
        REQUIRED_FAILED=1
        return 0
    fi
    record val "inj read" "$b" "$(awk -v n="$ns" 'BEGIN { printf "%.6f", n / 1e9 }')"
    record val "inj read_mbs" "$b" "$mbs"
    record val "inj read_bytes" "$b" "$bytes"
    record note "inj read_dev" "$b" "$dev"
}

# measure_inject: both, interleaved.
measure_inject() {
    local run b
    make_distro_image "$BENCH/debian-live.iso" debian || die "could not build the Debian live ISO"
    record meta inj_iso_bytes - "$(file_size "$BENCH/debian-live.iso")"
    for run in $(seq "$READ_RUNS"); do
        inject_setup_run "$run" inject iso
        inject_setup_run "$run" noinject "iso noinject"
        for b in "${INJ_BACKENDS[@]}"; do
            inject_read_run "$run" "$b"
        done
    done
}
