# shellcheck shell=bash disable=SC2034,SC2153 # the globals are run.sh's
# fetch.sh - part "fetch" of make bench (sourced by run.sh; 10. of run.sh's
# header): how long iPXE takes to load the same ISO (efi.iso of 8., ~160 MB)
# over TFTP (QEMU's built-in server, restrict=on) and over HTTP (nginx on the
# host's loopback, reached through guestfwd: uefi.sh's httpd_start), on both
# firmwares: the NIC's iPXE ROM on SeaBIOS and its EFI ROM on OVMF. The
# script (boot.ipxe, fetched over TFTP) is
#     echo MEMBOOT-FETCH start
#     imgfetch URL
#     echo MEMBOOT-FETCH done
# and the host stamps the serial lines (qemu_serial.py): "fetch load" is
# start -> done (the download alone), "fetch prompt" iPXE's "Press Ctrl-B
# for the iPXE command line" -> done (DHCP, the script, the download).
# SeaBIOS's iPXE writes to the screen only; SeaBIOS's serial console
# (qemu.py --sercon) copies it to the serial line. BENCH_FETCH_RUNS rounds
# (default 3) of the four labels.

FETCH_LABELS=(bios-tftp bios-http efi-tftp efi-http)
FETCH_RUNS=${BENCH_FETCH_RUNS:-3}

# fetch_tftp LABEL: the TFTP folder of LABEL's script (and, for tftp, the ISO).
fetch_tftp() {
    local label=$1 dir=$LOGS/fetch/tftp-$1 url
    case $label in
        *-tftp) url=tftp://10.0.2.2/efi.iso ;;
        *-http) url=http://$UEFI_SERVER/efi.iso ;;
    esac
    mkdir -p "$dir"
    [[ $label == *-tftp ]] && ln -sf "$BENCH/efi.iso" "$dir/efi.iso"
    printf '%s\n' '#!ipxe' 'echo MEMBOOT-FETCH start' "imgfetch $url || goto failed" \
        'echo MEMBOOT-FETCH done' 'exit' ':failed' 'echo MEMBOOT-IPXE-WENT-ON' >"$dir/boot.ipxe"
}

# fetch_run RUN LABEL: one boot of LABEL, recording "fetch load" and "fetch prompt".
fetch_run() {
    local run=$1 label=$2 name=fetch-$2-$1 fw=seabios ram=1024
    [[ -n ${BROKEN["fetch $label"]:-} ]] && return 0
    progress "fetch, $label, run $run/$FETCH_RUNS"
    [[ $label == efi-* ]] && fw=ovmf ram=$UEFI_RAM_MIB
    mapfile -d '' -t BOOT_CMD < <(python3 "$BOOT_DIR/qemu.py" --print0 --firmware "$fw" \
        --state "$LOGS/fetch/state" --ram "$ram" --serial stdio --sercon \
        --tftp "$LOGS/fetch/tftp-$label" --bootfile boot.ipxe --http "$HTTP_PORT")
    TIMED_EXTRA=(--fail 'MEMBOOT-IPXE-WENT-ON')
    if ! serial_boot "$name" 'prompt=Press Ctrl-B for the iPXE command line' \
            'start=MEMBOOT-FETCH start' 'done=MEMBOOT-FETCH done'; then
        TIMED_EXTRA=()
        note_failure fetch "$label" "$name"
        return 0
    fi
    TIMED_EXTRA=()
    record_interval "fetch load" "$label" "$name" start done
    record_interval "fetch prompt" "$label" "$name" prompt done
}

# measure_fetch: the web server, then FETCH_RUNS rounds of the FETCH_LABELS.
measure_fetch() {
    local run label
    mkdir -p "$LOGS/fetch"
    record meta fetch_iso_bytes - "$(file_size "$BENCH/efi.iso")"
    record meta fetch_runs - "$FETCH_RUNS"
    record meta ipxe - "$(dpkg-query -W -f='${Version}' ipxe-qemu 2>/dev/null || echo '?')"
    record meta nginx - "$(nginx -v 2>&1 | sed 's,.*/,,')"
    for label in "${FETCH_LABELS[@]}"; do fetch_tftp "$label"; done
    httpd_start "$BENCH/efi.iso"
    for run in $(seq "$FETCH_RUNS"); do
        for label in "${FETCH_LABELS[@]}"; do
            fetch_run "$run" "$label"
        done
    done
    httpd_stop
}
