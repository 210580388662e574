#!/usr/bin/env bash
# demo.sh - `make demo`: one real boot, narrated.
#
# QEMU (TCG) boots an ISO through a memdisk; the ISO's ISOLINUX reads Linux and
# its initramfs through the memdisk's INT 13h; in Linux, memboot's memdiskfind
# finds the image in RAM and memdisk-attach makes it a block device, which is
# mounted and hashed.  Each stage is printed as the guest reaches it, with the
# time since QEMU started; the run ends with the verdict.
#
# Environment: DEMO_MEMDISK (default memboot's build/memdisk; set it to
# /usr/lib/syslinux/memdisk to watch SYSLINUX MEMDISK instead), MEMBOOT_BUILD,
# MEMBOOT_CACHE, MEMBOOT_TIMEOUT (default 120 s).
set -euo pipefail

# shellcheck source=tests/boot/media.sh
source "$(dirname "${BASH_SOURCE[0]}")/media.sh"

TIMEOUT=${MEMBOOT_TIMEOUT:-120}
DEMO_MEMDISK=${DEMO_MEMDISK:-$MEMBOOT_MEMDISK}

# stamp: seconds since QEMU started, as [  N.Ns].
stamp() {
    local now
    now=$(date +%s%N)
    printf '[%5.1fs]' "$(awk -v a="$now" -v b="$T0" 'BEGIN { print (a - b) / 1e9 }')"
}

# field LINE KEY: the value of "MEMBOOT TOKEN KEY=value" if LINE is that line.
field() {
    local line=$1 key=$2
    [[ $line == "MEMBOOT $TOKEN $key="* ]] || return 1
    printf '%s' "${line#"MEMBOOT $TOKEN $key="}"
}

main() {
    local iso sha size line v verdict=1 found=
    "$REPO/scripts/deps.sh" >&2
    [[ -x $BUILD/memdiskfind && -x $BUILD/memdisk-attach && -f $DEMO_MEMDISK ]] ||
        die "build memboot first (make)"
    ensure_media >&2 || die "could not build the test media"
    DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/memboot-demo.XXXXXX")
    trap 'rm -rf "$DEMO_DIR"' EXIT
    local dir=$DEMO_DIR
    TOKEN=$(new_token)
    boot_cfg demo "$TOKEN" >"$dir/isolinux.cfg"
    iso=$dir/demo.iso
    make_iso "$iso" "$dir/isolinux.cfg" odd
    size=$(file_size "$iso")
    sha=$(file_sha256 "$iso")

    echo "memboot demo: boot an ISO from RAM through a memdisk, then find it again from Linux"
    echo "  image:  $size bytes (not a multiple of 4 KiB), sha256 ${sha:0:16}..."
    echo "  loader: $DEMO_MEMDISK"
    echo "  qemu:   -kernel memdisk -initrd demo.iso -append iso   (TCG, 512 MiB)"
    T0=$(date +%s%N)
    echo "$(stamp) QEMU started"
    while IFS= read -r line; do
        line=${line%$'\r'}
        case $line in
            "memboot memdisk"*) echo "$(stamp) memboot's memdisk is running: ${line#memboot memdisk }" ;;
            "memdisk: El Torito"*|"memdisk: "*" sectors of "*) echo "$(stamp) ${line}" ;;
            ISOLINUX*) echo "$(stamp) ISOLINUX is running from the RAM disk (drive E0h, read through the memdisk's INT 13h)" ;;
        esac
        if v=$(field "$line" stage); then echo "$(stamp) $v"; fi
        if v=$(field "$line" find); then found=$v; echo "$(stamp) memdiskfind: $v  (image address, length)"; fi
        if v=$(field "$line" ref); then
            if [[ $v == "$found" ]]; then echo "$(stamp) SYSLINUX's memdiskfind says the same: $v"
            else echo "$(stamp) SYSLINUX's memdiskfind differs: $v"; fi
        fi
        if v=$(field "$line" dev); then echo "$(stamp) memdisk-attach: the image is now $v"; fi
        if v=$(field "$line" attach_log); then echo "         (${v//memdisk-attach: /})"; fi
        if v=$(field "$line" label); then echo "$(stamp) mounted ${v%% *} read-only: ISO 9660, volume label '${v#* }'"; fi
        if v=$(field "$line" files); then echo "         files: $v"; fi
        if v=$(field "$line" mount_err); then echo "$(stamp) mount failed: $v"; fi
        if v=$(field "$line" sha256); then
            # The guest hashes the length the finder reports: memboot's memdisk
            # rounds it up to whole pages with zeros.
            local glen=$((${found#*,}))
            sha=$({ cat "$iso"; head -c $((glen > size ? glen - size : 0)) /dev/zero; } | sha256sum | cut -d' ' -f1)
            if [[ $v == "$sha" ]]; then
                echo "$(stamp) sha256 of the device's first $glen bytes = the ISO's on the host$( ((glen > size)) && echo " (plus $((glen - size)) zero bytes to a whole page)"): intact"
                verdict=0
            else
                echo "$(stamp) sha256 differs: guest ${v:0:16}..., host ${sha:0:16}..."
            fi
        fi
        [[ $line == "MEMBOOT $TOKEN done" ]] && break
    done < <(timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -m 512 -display none \
                 -no-reboot -nic none -monitor none -serial stdio \
                 -kernel "$DEMO_MEMDISK" -initrd "$iso" -append iso </dev/null 2>&1)
    if [[ $verdict -eq 0 ]]; then
        echo "demo: OK: booted, found, attached and verified in $(stamp | tr -d '[]s ') s"
    else
        echo "demo: FAILED (no verified image within ${TIMEOUT} s)"
    fi
    return "$verdict"
}

main "$@"
