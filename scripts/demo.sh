#!/usr/bin/env bash
# demo.sh - `make demo`: the whole network boot chain, narrated.
#
# A QEMU machine (TCG) with no disk boots from its network card: the NIC's
# iPXE ROM gets an address and boot.ipxe from QEMU's own DHCP and TFTP
# (restrict=on: nothing leaves the QEMU process), the script loads memboot's
# memdisk and a Debian live ISO, the memdisk makes the ISO a BIOS drive, the
# ISO's ISOLINUX reads Linux and the live initrd through it, Linux starts,
# the initrd (Debian's live-boot, with memboot's initramfs-tools integration)
# exposes the image in RAM as a block device, and live-boot mounts its squashfs
# root from there.  The root reports which device it came from and the sha256
# of that device, which is compared with the ISO's on the host.
#
# Then the same on a UEFI machine (OVMF): the NIC's EFI iPXE ROM loads
# memdisk.efi and the same kind of live ISO (which also carries an EFI GRUB,
# as distributions' live ISOs do); memdisk.efi makes the ISO a RAM disk and
# starts the ISO's GRUB from it, GRUB starts Linux, and the same initrd finds
# the image through the tables memdisk.efi left (the mBFT below 640 KiB and
# its copy among the ACPI tables) and exposes it as the NFIT's /dev/pmem0.
# The demo ends with one line per firmware: the medium, the sha256 verdict
# and the time from power-on to the live root.
#
# Each stage is printed as the machine reaches it, with the time since QEMU
# started; on BIOS the screen (iPXE writes only there) is read through QEMU's
# monitor, everything later from the serial line; on UEFI the firmware
# mirrors its console on the serial line.
#
# Environment: DEMO_FIRMWARE ("bios uefi", the default, or one of them),
# DEMO_MEMDISK (default memboot's build/memdisk; Debian's
# /usr/lib/syslinux/memdisk works too), DEMO_OPTIONS (memdisk's options,
# default "iso"; try "iso pmem"), DEMO_EFI_OPTIONS (memdisk.efi's, default
# none; try "disk=own"), MEMBOOT_BUILD, MEMBOOT_CACHE, MEMBOOT_TIMEOUT
# (default 180 s per boot).
set -euo pipefail

# The boot tests' media builders: the live ISO and the TFTP folder.
# shellcheck source=tests/boot/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/boot/images.sh"

TIMEOUT=${MEMBOOT_TIMEOUT:-180}
DEMO_MEMDISK=${DEMO_MEMDISK:-$MEMBOOT_MEMDISK}
DEMO_OPTIONS=${DEMO_OPTIONS:-iso}
DEMO_EFI_OPTIONS=${DEMO_EFI_OPTIONS:-}
DEMO_FIRMWARE=${DEMO_FIRMWARE:-bios uefi}
MEMBOOT_EFI=${MEMBOOT_EFI:-$BUILD/memdisk.efi}

# now_ns: nanoseconds since the epoch.
now_ns() { date +%s%N; }

# stage TEXT: print TEXT as a stage line: time since QEMU started, and since
# the previous stage.
stage() {
    local now
    now=$(now_ns)
    awk -v n="$now" -v t0="$T0" -v p="$PREV" -v s="$*" \
        'BEGIN { printf "[%6.1fs] (+%5.1fs) %s\n", (n - t0) / 1e9, (n - p) / 1e9, s }'
    PREV=$now
}

# once KEY: true the first time KEY is seen (each stage is told once).
declare -A SEEN=()
once() {
    [[ -z ${SEEN[$1]:-} ]] || return 1
    SEEN[$1]=1
}

# field LINE KEY: the value of "MEMBOOT TOKEN KEY=value" if LINE is that line.
field() {
    local line=$1 key=$2
    [[ $line == "MEMBOOT $TOKEN $key="* ]] || return 1
    printf '%s' "${line#"MEMBOOT $TOKEN $key="}"
}

# screen_line LINE: stages seen on the screen (the iPXE ROM).
screen_line() {
    local line=$1 v
    case $line in
        *iPXE*Open\ Source*) once ipxe && stage "the NIC's iPXE ROM is running (PXE boot)" ;;
        *Configuring*ok*) once dhcp && v=${line##*(} && stage "DHCP: QEMU's server configured ${v%%)*}" ;;
        *boot.ipxe*ok*) once script && stage "TFTP: boot.ipxe fetched; iPXE runs it: kernel memdisk $DEMO_OPTIONS; initrd live.iso; boot" ;;
        *memdisk*ok*) once memdisk_dl && stage "TFTP: memdisk fetched ($(file_size "$DIR/tftp/memdisk") bytes)" ;;
        *test.iso*ok*) once iso_dl && stage "TFTP: live ISO fetched ($ISO_SIZE bytes); iPXE starts memdisk" ;;
    esac
    return 0
}

# serial_line LINE: stages seen on the serial line (memdisk onwards).
serial_line() {
    local line=$1 v
    case $line in
        *iPXE*Open\ Source*) once ipxe && stage "the NIC's EFI iPXE ROM is running (UEFI network boot)" ;;
        *Configuring*ok*) once dhcp && v=${line##*(} && stage "DHCP: QEMU's server configured ${v%%)*}" ;;
        *boot.ipxe*ok*) once script && stage "TFTP: boot.ipxe fetched; iPXE runs it: kernel memdisk.efi${DEMO_EFI_OPTIONS:+ $DEMO_EFI_OPTIONS}; initrd live.iso; boot" ;;
        memdisk.efi...*ok*) once memdisk_dl && stage "TFTP: memdisk.efi fetched ($(file_size "$MEMBOOT_EFI") bytes)" ;;
        test.iso...*ok*) once iso_dl && stage "TFTP: live ISO fetched ($ISO_SIZE bytes); iPXE starts memdisk.efi" ;;
        "memdisk.efi: "*) stage "$line" ;;
        *"Welcome to GRUB"*) once grub && stage "the ISO's own GRUB (its El Torito EFI image) runs from the RAM disk: it reads Linux and the live initrd" ;;
        "memboot memdisk"*) once md && stage "memboot's memdisk is running: ${line#memboot memdisk }" ;;
        "memdisk: "*" sectors of "*) once md2 && stage "${line}" ;;
        "memdisk: pmem: "*" is legacy"*) stage "$line" ;;
        ISOLINUX*) once isolinux && stage "ISOLINUX runs from the RAM disk (drive E0h): it reads Linux and the live initrd through the memdisk's INT 13h" ;;
        *"Linux version"*) once linux && v=${line#*Linux version } && stage "Linux ${v%% *} is running" && stage "(the firmware's disk is gone now; the ISO is still in RAM)" ;;
        *"Run /init as init process"*) once init && stage "the live initrd's /init runs (Debian initramfs-tools + live-boot + memboot)" ;;
        *"memboot: memdisk image is"*) once attach && stage "memboot's init-premount script: memdisk-attach made the ISO ${line##* }" ;;
        *"memboot: "*) stage "${line#*: }" ;;
        *"Unable to find a medium"*) stage "live-boot: $line" ;;
    esac
    if v=$(field "$line" live_root); then LIVE_T=$(awk -v n="$(now_ns)" -v t="$T0" 'BEGIN { printf "%.1f", (n - t) / 1e9 }'); stage "live-boot found the medium and switched to the squashfs root (kernel ${v#up })"; fi
    if v=$(field "$line" medium); then MEDIUM=${v%% *}; stage "the live root's medium: $MEDIUM (${v#* }, mounted on /run/live/medium)"; fi
    if v=$(field "$line" find); then FOUND=$v; fi
    if v=$(field "$line" sha256); then GUEST_SHA=$v; fi
    return 0
}

SUMMARY=()     # one line per firmware, printed at the end

# verdict: compare the device's hash with the image's.
verdict() {
    local len host
    [[ -n ${GUEST_SHA:-} && -n ${FOUND:-} ]] || return 1
    len=$((${FOUND#*,}))
    host=$({ cat "$ISO"; head -c $((len > ISO_SIZE ? len - ISO_SIZE : 0)) /dev/zero; } | sha256sum | cut -d' ' -f1)
    VERDICT="$MEDIUM, sha256 of its first $len bytes = the ISO's (zero-padded)"
    if [[ $GUEST_SHA == "$host" ]]; then
        stage "sha256 of $MEDIUM's first $len bytes, read in the live root, = the ISO's on the host$( ((len > ISO_SIZE)) && echo " (plus $((len - ISO_SIZE)) zero bytes to a whole page)"): intact"
        return 0
    fi
    stage "sha256 differs: guest ${GUEST_SHA:0:16}..., host ${host:0:16}..."
    VERDICT="$MEDIUM, sha256 DIFFERS from the ISO's"
    return 1
}

# demo_boot FIRMWARE: one narrated boot (bios: memdisk; uefi: memdisk.efi).
demo_boot() {
    local fw=$1 line mon qpid vpid rc=1
    SEEN=() MEDIUM='' FOUND='' GUEST_SHA='' VERDICT='no live root' LIVE_T='?'
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/memboot-demo.XXXXXX")
    mon=$DIR/mon
    trap 'kill "${qpid:-}" "${vpid:-}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
    TOKEN=$(new_token)
    ISO=$DIR/live.iso
    if [[ $fw == uefi ]]; then
        LIVE_EFI=1 LIVE_QUIET='' make_live_iso "$ISO" debian "$TOKEN" odd >&2 || die "could not build the live ISO"
        mkdir -p "$DIR/tftp" && cp "$MEMBOOT_EFI" "$DIR/tftp/memdisk.efi" && ln -f "$ISO" "$DIR/tftp/test.iso" &&
            printf '%s\n' '#!ipxe' "kernel memdisk.efi $DEMO_EFI_OPTIONS" 'initrd test.iso' 'boot' \
                >"$DIR/tftp/boot.ipxe" || die "could not build the TFTP folder"
    else
        LIVE_QUIET='' make_live_iso "$ISO" debian "$TOKEN" odd >&2 || die "could not build the live ISO"
        make_pxe_dir "$DIR/tftp" "$DEMO_MEMDISK" "$ISO" "$DEMO_OPTIONS" || die "could not build the TFTP folder"
    fi
    ISO_SIZE=$(file_size "$ISO")

    echo
    if [[ $fw == uefi ]]; then
        echo "memboot demo (UEFI): network boot of a live ISO into RAM through memdisk.efi, all the way to its root file system"
        echo "  ISO:     Debian live-boot layout with ISOLINUX and EFI GRUB, $ISO_SIZE bytes (not a multiple of 4 KiB), sha256 $(file_sha256 "$ISO" | cut -c1-16)..."
        echo "  loader:  $MEMBOOT_EFI, options '$DEMO_EFI_OPTIONS'"
        echo "  machine: OVMF (q35), QEMU's DHCP + TFTP (restrict=on), virtio-net with Debian's EFI iPXE ROM; TCG, 1024 MiB"
    else
        echo "memboot demo (BIOS): network boot of a live ISO into RAM, all the way to its root file system"
        echo "  ISO:     Debian live-boot layout, $ISO_SIZE bytes (not a multiple of 4 KiB), sha256 $(file_sha256 "$ISO" | cut -c1-16)..."
        echo "  memdisk: $DEMO_MEMDISK, options '$DEMO_OPTIONS'"
        echo "  network: QEMU's DHCP + TFTP (restrict=on), virtio-net with Debian's iPXE ROM; TCG, 512 MiB"
    fi
    : >"$DIR/serial.log"
    T0=$(now_ns) PREV=$T0
    # The harness's launcher execs QEMU: qpid is QEMU's.
    if [[ $fw == uefi ]]; then
        python3 "$BOOT_DIR/qemu.py" --firmware ovmf --state "$DIR" --ram 1024 --serial "$DIR/serial.log" \
            --tftp "$DIR/tftp" --bootfile boot.ipxe </dev/null >"$DIR/qemu.out" 2>&1 &
        qpid=$!
        stage "QEMU started: UEFI firmware, no disk, boot from the network"
        : >"$DIR/screen.lines"
    else
        python3 "$BOOT_DIR/qemu.py" --ram 512 --serial "$DIR/serial.log" --monitor "$mon" \
            --tftp "$DIR/tftp" --bootfile boot.ipxe </dev/null >"$DIR/qemu.out" 2>&1 &
        qpid=$!
        stage "QEMU started: no disk, boot from the network"
        python3 "$BOOT_DIR/vga.py" --follow "$mon" "$TIMEOUT" >"$DIR/screen.lines" 2>/dev/null &
        vpid=$!
    fi
    local sn=0 vn=0 deadline=$((SECONDS + TIMEOUT)) lines
    while :; do
        # New screen lines, then new serial lines, in order.
        mapfile -t lines < <(tail -n +$((vn + 1)) "$DIR/screen.lines" 2>/dev/null)
        vn=$((vn + ${#lines[@]}))
        for line in "${lines[@]}"; do screen_line "$line"; done
        mapfile -t lines < <(tail -n +$((sn + 1)) "$DIR/serial.log" | tr -d '\r' | sed 's/\x1b\[[0-9;=]*[A-Za-z]//g;$!b;/^$/d')
        # Keep a last, unfinished line for the next round.
        if [[ ${#lines[@]} -gt 0 && -n $(tail -c1 "$DIR/serial.log") ]]; then unset 'lines[-1]'; fi
        sn=$((sn + ${#lines[@]}))
        for line in "${lines[@]}"; do
            serial_line "$line"
            [[ $line == "MEMBOOT $TOKEN done" ]] && break 2
        done
        kill -0 "$qpid" 2>/dev/null || break
        [[ $SECONDS -lt $deadline ]] || { stage "timed out after ${TIMEOUT} s"; break; }
        sleep 0.2
    done
    verdict && rc=0
    kill "$qpid" "${vpid:-}" 2>/dev/null || true
    wait 2>/dev/null || true
    local took
    took=$(awk -v n="$(now_ns)" -v t="$T0" 'BEGIN { printf "%.1f", (n - t) / 1e9 }')
    if [[ $rc -eq 0 ]]; then
        echo "demo ($fw): OK: from power-on to the live root, over the network and out of RAM, in $took s"
        SUMMARY+=("$(printf '%-5s OK      %s; live root %s s after power-on' "$fw" "$VERDICT" "$LIVE_T")")
    else
        SUMMARY+=("$(printf '%-5s FAILED  %s (%s s)' "$fw" "$VERDICT" "$took")")
        echo "demo ($fw): FAILED; the last serial lines:"
        tail -n 15 "$DIR/serial.log" | tr -d '\r' | sed 's/^/  | /'
    fi
    rm -rf "$DIR"
    trap - EXIT
    qpid='' vpid=''
    return "$rc"
}

main() {
    local fw rc=0
    "$REPO/scripts/deps.sh" >&2
    [[ -x $BUILD/memdiskfind && -x $BUILD/memdisk-attach && -f $DEMO_MEMDISK && -f $MEMBOOT_EFI ]] ||
        die "build memboot first (make)"
    log "demo: preparing the media (cached after the first run; the first takes a few minutes)"
    ensure_media >&2 || die "could not build the test media"
    for fw in $DEMO_FIRMWARE; do
        case $fw in
            bios | uefi) demo_boot "$fw" || rc=1 ;;
            *) die "DEMO_FIRMWARE: '$fw' is neither bios nor uefi" ;;
        esac
    done
    echo
    echo "demo: the medium's sha256 verdict, per firmware:"
    printf '  %s\n' "${SUMMARY[@]}"
    [[ $rc -eq 0 ]] && echo "demo: OK" || echo "demo: FAILED"
    return "$rc"
}

main "$@"
