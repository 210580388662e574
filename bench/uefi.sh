# shellcheck shell=bash disable=SC2034,SC2153 # the globals are run.sh's
# uefi.sh - the UEFI part of the benchmarks (sourced by bench/run.sh; part
# "uefi", 8. of run.sh's header): one ISO (efi.iso: GRUB for x86_64-efi that
# reads a 140 MiB file as an initrd between two markers) booted on OVMF
#   efi       (a) memdisk.efi from the NIC's EFI iPXE ROM (`kernel memdisk.efi
#                 bench`, `initrd http://10.0.2.100/efi.iso`, `boot`): the
#                 firmware's RAM disk protocol
#   efi-own   (a) the same with `disk=own`: memdisk.efi's own block device
#   efi-gz    (a) the same as `efi` with efi.iso.gz: memdisk.efi inflates it
#   san       (b) iPXE `sanboot http://10.0.2.100/efi.iso`: the ISO stays on
#                 the web server; every block GRUB reads is an HTTP request
#   cdrom     (c) the ISO as QEMU's virtual CD drive (-cdrom): the floor
# in rounds (one boot of each per round, in this order), from a web server
# (nginx) that the bench starts on the host's loopback and the guest reaches
# through QEMU's guestfwd (tests/boot/qemu.py --http).  Each boot is timed on
# the host (qemu_serial.py), and memdisk.efi's own lines are recorded.

UEFI_LABELS=(efi efi-own efi-gz san cdrom)   # the order within a round
UEFI_RAM_MIB=2048               # the image, iPXE's copy, the bench copy, GRUB's initrd
UEFI_SERVER=10.0.2.100          # the web server as the guest sees it (qemu.py)
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd   # qemu.py's OVMF (checked here only)

# ---------------------------------------------------------------- web server

# free_port: print a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# httpd_conf ROOT PORT DIR: print an nginx configuration that serves ROOT on
# 127.0.0.1:PORT in the foreground, with every file it writes under DIR.
httpd_conf() {
    local root=$1 port=$2 dir=$3
    # As root, nginx's workers would run as "nobody", who cannot read the
    # cache under root's home.
    [[ $(id -u) -eq 0 ]] && echo "user root;"
    cat <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
    access_log $LOGS/httpd-access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$port;
        root $root;
    }
}
EOF
}

# http_status PATH [RANGE]: print the status of a GET of PATH from the web
# server (with a Range header if given), or "none" if it does not answer.
http_status() {
    python3 - "$HTTP_PORT" "$1" "${2:-}" <<'EOF'
import http.client, sys
port, path, rng = sys.argv[1:]
try:
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=2)
    c.request("GET", path, headers={"Range": rng} if rng else {})
    r = c.getresponse()
    r.read()
    print(r.status)
except OSError:
    print("none")
EOF
}

# httpd_start FILE...: start nginx on a free port of 127.0.0.1 serving the
# FILEs (as links in a fresh folder), and wait until it answers a range
# request for the first.  Sets HTTP_PORT and HTTPD_PID.
httpd_start() {
    local f i status
    HTTPD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/memboot-httpd.XXXXXX")
    mkdir -p "$HTTPD_DIR/www"
    for f in "$@"; do ln -s "$f" "$HTTPD_DIR/www/$(basename "$f")"; done
    HTTP_PORT=$(free_port)
    httpd_conf "$HTTPD_DIR/www" "$HTTP_PORT" "$HTTPD_DIR" >"$HTTPD_DIR/nginx.conf"
    nginx -e "$HTTPD_DIR/error.log" -p "$HTTPD_DIR" -c "$HTTPD_DIR/nginx.conf" \
        </dev/null >"$HTTPD_DIR/nginx.out" 2>&1 &
    HTTPD_PID=$!
    for i in $(seq 50); do
        status=$(http_status "/$(basename "$1")" bytes=0-2047)
        [[ $status == 206 ]] && break
        kill -0 "$HTTPD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [[ $status != 206 ]]; then
        cat "$HTTPD_DIR/nginx.out" "$HTTPD_DIR/error.log" >&2 2>/dev/null || true
        die "nginx on 127.0.0.1:$HTTP_PORT did not serve a range of $1 (answer: $status)"
    fi
    log "bench: nginx $(nginx -v 2>&1 | sed 's,.*/,,') serves the UEFI media on 127.0.0.1:$HTTP_PORT (pid $HTTPD_PID)"
}

# httpd_stop: stop the web server httpd_start started, and remove its folder.
httpd_stop() {
    if [[ -n $HTTPD_PID ]]; then
        kill -TERM "$HTTPD_PID" 2>/dev/null || true
        wait "$HTTPD_PID" 2>/dev/null || true
        HTTPD_PID=
    fi
    [[ -n $HTTPD_DIR ]] && rm -rf "$HTTPD_DIR"
    HTTPD_DIR=
}

# ---------------------------------------------------------------- boots

# uefi_tftp LABEL: make the TFTP folder of LABEL's iPXE script (memdisk.efi
# and boot.ipxe) and print it; nothing for cdrom.
uefi_tftp() {
    local label=$1 dir=$LOGS/uefi/tftp-$1 lines=('#!ipxe')
    case $label in
        efi|efi-own|efi-gz)
            local options=bench image=efi.iso
            [[ $label == efi-own ]] && options="bench disk=own"
            [[ $label == efi-gz ]] && image=efi.iso.gz
            lines+=("kernel memdisk.efi $options || goto failed"
                "initrd http://$UEFI_SERVER/$image || goto failed" "boot || goto failed") ;;
        san) lines+=("sanboot http://$UEFI_SERVER/efi.iso || goto failed") ;;
        *) return 0 ;;
    esac
    lines+=(':failed' 'echo MEMBOOT-IPXE-WENT-ON')
    mkdir -p "$dir"
    [[ $label == efi* ]] && cp "$EFI_LOADER" "$dir/memdisk.efi"
    printf '%s\n' "${lines[@]}" >"$dir/boot.ipxe"
    printf '%s\n' "$dir"
}

# uefi_cmd LABEL: set BOOT_CMD to the QEMU command of LABEL's boot (OVMF, a
# fresh variable store; the network with the web server, or the CD).
uefi_cmd() {
    local -a how
    if [[ $1 == cdrom ]]; then
        how=(--cdrom "$BENCH/efi.iso")
    else
        how=(--tftp "$LOGS/uefi/tftp-$1" --bootfile boot.ipxe --http "$HTTP_PORT")
    fi
    mapfile -d '' -t BOOT_CMD < <(python3 "$BOOT_DIR/qemu.py" --print0 --firmware ovmf \
        --state "$LOGS/uefi/state" --ram "$UEFI_RAM_MIB" --serial stdio "${how[@]}")
}

# efi_number OUTFILE REGEX: the number that REGEX (a grep -P pattern ending
# in \K before the number) finds first in memdisk.efi's lines of a boot.
efi_number() {
    sed -n 's/^info //p' "$1" | grep -oP "$2[0-9]+" | head -n1 || true
}

# record_efi_lines LABEL NAME: memdisk.efi's own report of boot NAME, in
# seconds: reading the image ("efi read"; for a .gz the compressed file),
# inflating it ("efi inflate"), the `bench` memcpy ("efi memcpy"),
# registering the disk ("efi register", microseconds), check + register + NFIT +
# tables ("efi ready"), all its work after reading ("efi work"), connecting
# the disk and loading the loader ("efi connect" = work - ready), and the
# work's ratio to the memcpy ("efi ratio").  Returns 1 if a line is missing.
record_efi_lines() {
    local label=$1 out=$LOGS/$2.out read inflate memcpy register ready work
    read=$(efi_number "$out" 'memdisk\.efi: read [^:]*: [0-9]+ KiB [^\r\n]* in \K')
    inflate=$(efi_number "$out" 'memdisk\.efi: inflated [^:]*: [0-9]+ KiB at [0-9a-f]+ in \K')
    memcpy=$(efi_number "$out" 'memdisk\.efi: bench: one memcpy of the image takes \K')
    register=$(efi_number "$out" 'memdisk\.efi: (registered|installed) [^\r\n]* in \K')
    ready=$(efi_number "$out" 'memdisk\.efi: the disk is ready \K')
    work=$(efi_number "$out" "memdisk\\.efi's work after reading the image: \\K")
    if [[ -z $read || -z $memcpy || -z $register || -z $ready || -z $work ||
          ( $label == efi-gz && -z $inflate ) || ${memcpy:-0} -eq 0 ]]; then
        record note uefi "$label" "failed: memdisk.efi's lines incomplete (read '$read' memcpy '$memcpy' register '$register' ready '$ready' work '$work')"
        return 1
    fi
    record val "efi read" "$label" "$(awk -v v="$read" 'BEGIN { printf "%.6f", v / 1e3 }')"
    [[ -n $inflate ]] && record val "efi inflate" "$label" "$(awk -v v="$inflate" 'BEGIN { printf "%.6f", v / 1e3 }')"
    record val "efi memcpy" "$label" "$(awk -v v="$memcpy" 'BEGIN { printf "%.6f", v / 1e6 }')"
    record val "efi register" "$label" "$(awk -v v="$register" 'BEGIN { printf "%.6f", v / 1e6 }')"
    record val "efi ready" "$label" "$(awk -v v="$ready" 'BEGIN { printf "%.6f", v / 1e6 }')"
    record val "efi work" "$label" "$(awk -v v="$work" 'BEGIN { printf "%.6f", v / 1e6 }')"
    record val "efi connect" "$label" "$(awk -v w="$work" -v r="$ready" 'BEGIN { printf "%.6f", (w - r) / 1e6 }')"
    record val "efi ratio" "$label" "$(awk -v w="$work" -v m="$memcpy" 'BEGIN { printf "%.6f", w / m }')"
    record note "efi lines" "$label" "$(sed -n 's/^info //p' "$out" | grep -E 'memdisk\.efi: (read|inflated|bench|registered|installed|the disk|starting)' | tr -d '\r' | paste -sd '|')"
}

# uefi_run RUN LABEL: one boot of LABEL (UEFI_LABELS); records QEMU's start
# to GRUB's first line ("uefi grub"), GRUB's read of /big.bin ("uefi
# read"), the start of the disk's loader to GRUB's first line ("uefi
# loader": from memdisk.efi's "starting" line, iPXE's "Booting from SAN
# device" or OVMF's "BdsDxe: starting"), for memdisk.efi also iPXE's
# download ("uefi download": the URL's line to memdisk.efi's first line),
# memdisk.efi's first line to its last on the host clock ("uefi efihost")
# and its own lines (record_efi_lines).
uefi_run() {
    local run=$1 label=$2 name=uefi-$2-$1 grub="$EFI_MARK"
    local -a marks=()
    [[ -n ${BROKEN["uefi $label"]:-} ]] && return 0
    progress "UEFI, $label, run $run/$UEFI_RUNS"
    case $label in
        efi*) marks=("dl=http://${UEFI_SERVER//./\\.}/efi\\.iso(\\.gz)?\\.\\.\\."
                  'mstart=memdisk\.efi: memboot [^\r\n]*\r?\n'
                  'loader=memdisk\.efi: starting [^\r\n]*\r?\n') ;;
        san) marks=('loader=Booting from SAN device') ;;
        cdrom) marks=('loader=BdsDxe: starting [^\r\n]*\r?\n') ;;
    esac
    marks+=("grub=$grub grub" "start=$grub read-start" "end=$grub read-end")
    uefi_cmd "$label"
    TIMED_EXTRA=(--fail 'memdisk\.efi: error: [^\r\n]*\r?\n' --fail 'MEMBOOT-IPXE-WENT-ON'
        --fail "$grub read-failed" --info 'memdisk\.efi: [^\r\n]*')
    if ! serial_boot "$name" "${marks[@]}"; then
        TIMED_EXTRA=()
        note_failure uefi "$label" "$name"
        REQUIRED_FAILED=1
        return 0
    fi
    TIMED_EXTRA=()
    if [[ $label == efi* ]] && ! record_efi_lines "$label" "$name"; then
        BROKEN["uefi $label"]=1
        REQUIRED_FAILED=1
        return 0
    fi
    record_interval "uefi read" "$label" "$name" start end
    record_interval "uefi grub" "$label" "$name" grub
    record_interval "uefi loader" "$label" "$name" loader grub
    if [[ $label == efi* ]]; then
        record_interval "uefi download" "$label" "$name" dl mstart
        record_interval "uefi efihost" "$label" "$name" mstart loader
    fi
}

# measure_uefi: the web server, then UEFI_RUNS rounds of the UEFI_LABELS.
measure_uefi() {
    local run label
    [[ -f $OVMF_CODE ]] || die "$OVMF_CODE is missing (run scripts/deps.sh)"
    mkdir -p "$LOGS/uefi"
    cp "$MEMBOOT_EFI" "$LOGS/memdisk.efi"
    EFI_LOADER=$LOGS/memdisk.efi
    record meta "path efi" - "$MEMBOOT_EFI"
    record meta "built efi" - "$(date -u -r "$MEMBOOT_EFI" '+%Y-%m-%d %H:%M UTC')"
    record meta "sha256 efi" - "$(file_sha256 "$EFI_LOADER" | cut -c1-12)"
    record val "efi size" efi "$(file_size "$EFI_LOADER")"
    record meta efi_iso_bytes - "$(file_size "$BENCH/efi.iso")"
    record meta efi_gz_bytes - "$(file_size "$BENCH/efi.iso.gz")"
    record meta efi_big_bytes - "$(file_size "$BENCH/efi-big.bin")"
    record meta uefi_runs - "$UEFI_RUNS"
    record meta uefi_ram - "$UEFI_RAM_MIB"
    record meta ovmf - "$(dpkg-query -W -f='${Version}' ovmf 2>/dev/null || echo '?')"
    record meta ipxe - "$(dpkg-query -W -f='${Version}' ipxe-qemu 2>/dev/null || echo '?')"
    record meta nginx - "$(nginx -v 2>&1 | sed 's,.*/,,')"
    for label in "${UEFI_LABELS[@]}"; do uefi_tftp "$label" >/dev/null; done
    httpd_start "$BENCH/efi.iso" "$BENCH/efi.iso.gz"
    for run in $(seq "$UEFI_RUNS"); do
        for label in "${UEFI_LABELS[@]}"; do
            uefi_run "$run" "$label"
        done
    done
    httpd_stop
}
