# shellcheck shell=bash
# live.sh - live-system test media: real distribution initramfs generators
# with memboot's integration added, and live ISOs built around them (sourced
# by images.sh and scripts/demo.sh after media.sh).
#
# Shared media in $MEDIA (rebuilt when their inputs change, as in media.sh):
#   live-root/           busybox root whose /sbin/init is live/init: it says
#                        which device the live medium was mounted from
#   live-prefix/         `make install PREFIX=live-prefix`: the tools and the
#                        integrations exactly as installed
#   live-debian/         Debian live-boot: initrd.img (mkinitramfs, with
#                        live-boot and our initramfs-tools hook and script) and
#                        filesystem.squashfs (live-root)
#   live-debian-stock/   the same without memboot's hook and script: live-boot's
#                        own memdisk support (Debian's memdiskfind, phram)
#   live-dracut/         dracut dmsquash-live: see live_dracut.sh
# Per case, make_live_iso builds the ISO (ISOLINUX, the kernel, that initrd
# and the squashfs) with the case's token on the kernel command line.

# shellcheck source=tests/boot/live_dracut.sh
source "$BOOT_DIR/live_dracut.sh"

LIVE_LABEL=MEMBOOT_LIVE

# host_versions PKG...: "name=version" of installed Debian packages (inputs of
# the cached initrds: an upgrade of live-boot must rebuild them).
host_versions() {
    dpkg-query -W -f='${Package}=${Version}\n' "$@" 2>/dev/null | tr '\n' ' '
}

# host_kernel_ready: the guest kernel is installed on the host too, which
# mkinitramfs and dracut need (they read /lib/modules/KVER); deps.sh installs it.
host_kernel_ready() {
    local kver
    kver=$(kernel_version)
    [[ -f /lib/modules/$kver/modules.dep ]] ||
        { log "live: /lib/modules/$kver is missing (scripts/deps.sh installs linux-image-$kver)"; return 1; }
}

# build_live_prefix: install memboot into $MEDIA/live-prefix, as a user would.
build_live_prefix() {
    local hash integrations
    mapfile -t integrations < <(find "$REPO/initramfs" -type f | sort)
    hash=$(inputs_hash "$REPO/Makefile" "$BUILD/memdisk" "$BUILD/memdiskfind" "$BUILD/memdisk-attach" \
        "${integrations[@]}")
    is_fresh live-prefix "$hash" && return 0
    log "media: live-prefix (make install)"
    rm -rf "$MEDIA/live-prefix"
    make -s -C "$REPO" install PREFIX="$MEDIA/live-prefix" BUILD="$BUILD" >&2 || return 1
    set_stamp live-prefix "$hash"
}

# build_live_root: the root file system every live ISO carries.
build_live_root() {
    local hash root=$MEDIA/live-root
    hash=$(inputs_hash "$HOST_BUSYBOX" "$BUILD/memdiskfind" "$BOOT_DIR/live/init")
    is_fresh live-root "$hash" && return 0
    log "media: live-root"
    rm -rf "$root"
    mkdir -p "$root"
    stage_busybox "$root"
    install -m 755 "$BUILD/memdiskfind" "$root/bin/memdiskfind"
    install -m 755 "$BOOT_DIR/live/init" "$root/bin/memboot-live-init"
    ln -sf memboot-live-init "$root/bin/init"
    mkdir -p "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" "$root/mnt"
    # systemd's switch-root (dracut) wants an os-release in the new root.
    printf '%s\n' 'NAME="memboot live test root"' 'ID=memboot-live' >"$root/etc/os-release"
    echo "memboot-live-root" >"$root/etc/memboot-live-root"
    set_stamp live-root "$hash"
}

# build_live_debian [stock]: Debian live-boot's initrd for the guest kernel,
# made by mkinitramfs from a copy of /etc/initramfs-tools with memboot's hook
# and boot script from live-prefix (mkinitramfs -d), and the root as
# squashfs. With "stock" (live-debian-stock): without memboot's hook and
# script, checked to hold live-boot's own memdisk support (Debian's
# memdiskfind, phram) and nothing of memboot's.
build_live_debian() {
    local kver hash dir=$MEDIA/live-debian${1:+-$1} conf it=$MEDIA/live-prefix/share/initramfs-tools
    kver=$(kernel_version)
    host_kernel_ready || return 1
    hash=$(inputs_hash "$it/hooks/memboot" "$it/scripts/init-premount/memboot" \
        "$MEDIA/live-prefix/bin/memdisk-attach" "$MEDIA/live-prefix/bin/memdiskfind" \
        "$MEDIA/live-root.stamp" "kver=$kver" \
        "$(host_versions live-boot live-boot-initramfs-tools initramfs-tools-core busybox squashfs-tools)")
    is_fresh "${dir##*/}" "$hash" && return 0
    log "media: ${dir##*/} (mkinitramfs for $kver with live-boot${1:- and memboot}; about a minute)"
    rm -rf "$dir"
    mkdir -p "$dir"
    conf=$dir/initramfs-tools
    cp -a /etc/initramfs-tools "$conf"
    if [[ -z ${1:-} ]]; then
        install -D -m 755 "$it/hooks/memboot" "$conf/hooks/memboot"
        install -D -m 755 "$it/scripts/init-premount/memboot" "$conf/scripts/init-premount/memboot"
    elif [[ ! -x /usr/bin/memdiskfind ]]; then
        log "live: /usr/bin/memdiskfind (syslinux-utils) is missing: live-boot's hook would not add it"
        return 1
    fi
    mkinitramfs -d "$conf" -o "$dir/initrd.img" "$kver" >"$dir/mkinitramfs.log" 2>&1 ||
        { cat "$dir/mkinitramfs.log" >&2; return 1; }
    if [[ -n ${1:-} ]]; then
        local files
        files=$(lsinitramfs "$dir/initrd.img")
        if grep -q -e memdisk-attach -e memboot <<<"$files" ||
            ! grep -q 'bin/memdiskfind$' <<<"$files" || ! grep -q '/phram\.ko' <<<"$files"; then
            log "live: $dir/initrd.img should hold memdiskfind and phram and nothing of memboot's"
            rm -rf "$dir"
            return 1
        fi
    fi
    mksquashfs "$MEDIA/live-root" "$dir/filesystem.squashfs" -noappend -quiet -all-root \
        -comp xz >/dev/null || return 1
    set_stamp "${dir##*/}" "$hash"
}

# ensure_live_media FLAVOR: build what live ISOs of FLAVOR (debian, dracut)
# need, under the media lock.
ensure_live_media() {
    local flavor=$1
    mkdir -p "$MEDIA"
    (
        flock 9
        build_live_prefix && build_live_root || exit 1
        case $flavor in
            debian) build_live_debian ;;
            debian-stock) build_live_debian stock ;;
            dracut) build_live_dracut ;;
            dracut-plain) build_live_dracut_plain ;;
            *) die "unknown live flavor '$flavor'" ;;
        esac
    ) 9>"$MEDIA/.lock"
}

# live_args FLAVOR TOKEN [KARGS...]: the kernel command line of a live ISO
# (with "quiet" unless LIVE_QUIET is set, e.g. empty).
live_args() {
    local flavor=$1 token=$2 boot
    shift 2
    case $flavor in
        debian|debian-stock) boot="boot=live" ;;
        dracut|dracut-plain) boot="root=live:CDLABEL=$LIVE_LABEL rd.live.image rd.shell=0" ;;
    esac
    printf '%s\n' "$boot console=ttyS0,115200 panic=-1 ${LIVE_QUIET-quiet} memboot.token=$token $*"
}

# live_cfg FLAVOR TOKEN [KARGS...]: the ISOLINUX configuration of a live ISO,
# padded to CFG_SIZE bytes by syslinux_cfg (so the ISO's size does not
# depend on the token).
live_cfg() {
    syslinux_cfg /live/vmlinuz /live/initrd.img "$(live_args "$@")"
}

# live_grub_cfg FLAVOR TOKEN [KARGS...]: the same boot for the ISO's GRUB
# (LIVE_EFI), padded to CFG_SIZE bytes for the same reason.
live_grub_cfg() {
    padded_cfg "$(printf '%s\n' "set timeout=0" "linux /live/vmlinuz $(live_args "$@")" \
        "initrd /live/initrd.img" "boot")"
}

# live_xorriso OUT FLAVOR CFG [PAD]: one live ISO (label LIVE_LABEL). With
# LIVE_EFI set, it also boots on UEFI as distributions' live ISOs do: a
# second El Torito entry (platform EFh) holds a FAT image whose
# \EFI\BOOT\BOOTX64.EFI is GRUB (build_live_efi), which runs the ISO's
# /boot/grub/grub.cfg ($CFG.grub, written by make_live_iso).
live_xorriso() {
    local out=$1 flavor=$2 cfg=$3 pad=${4:-} dir=$MEDIA/live-$2 efi=()
    local kernel=$MEDIA/vmlinuz efi_img=$MEDIA/live-efi.img
    [[ -n ${LIVE_SB:-} ]] && kernel=$MEDIA/vmlinuz-sb efi_img=$MEDIA/live-efi-sb.img
    local graft=("isolinux/isolinux.bin=$ISOLINUX_BIN" "isolinux/ldlinux.c32=$SYSLINUX_BIOS/ldlinux.c32"
        "isolinux/isolinux.cfg=$cfg" "live/vmlinuz=$kernel" "live/initrd.img=$dir/initrd.img")
    case $flavor in
        debian|debian-stock) graft+=("live/filesystem.squashfs=$dir/filesystem.squashfs") ;;
        dracut|dracut-plain) graft+=("LiveOS/squashfs.img=$dir/squashfs.img") ;;
    esac
    [[ -n $pad ]] && graft+=("pad.bin=$pad")
    if [[ -n ${LIVE_EFI:-} ]]; then
        graft+=("boot/grub/efi.img=$efi_img" "boot/grub/grub.cfg=$cfg.grub")
        efi=(-eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot)
    fi
    xorriso -as mkisofs -quiet -o "$out" -V "$LIVE_LABEL" -R -J \
        -b isolinux/isolinux.bin -c isolinux/boot.cat \
        -no-emul-boot -boot-load-size 4 -boot-info-table "${efi[@]}" -graft-points "${graft[@]}" 2>/dev/null
}

# build_live_efi: the FAT image of the live ISOs' UEFI El Torito entry. Its
# \EFI\BOOT\BOOTX64.EFI is a standalone GRUB (grub-mkstandalone, Debian's
# x86_64-efi platform) whose built-in configuration finds the ISO by its
# label and runs the ISO's own /boot/grub/grub.cfg, as Debian's live ISOs
# do; GRUB's console is the firmware's, which OVMF mirrors on the serial port.
build_live_efi() {
    local hash out=$MEDIA/live-efi.img tmp
    hash=$(inputs_hash "$(dpkg-query -W -f='${Version}' grub-efi-amd64-bin 2>/dev/null)" "$BOOT_DIR/live.sh")
    is_fresh live-efi.img "$hash" && return 0
    log "media: live-efi.img (GRUB EFI for the live ISOs)"
    tmp=$(mktemp -d)
    printf '%s\n' "search --no-floppy --set=root --label $LIVE_LABEL" \
        'configfile ($root)/boot/grub/grub.cfg' >"$tmp/embed.cfg"
    grub-mkstandalone -O x86_64-efi -d /usr/lib/grub/x86_64-efi --locales= --fonts= --themes= \
        --install-modules="normal configfile linux echo search search_label iso9660 part_gpt part_msdos" \
        -o "$tmp/BOOTX64.EFI" "boot/grub/grub.cfg=$tmp/embed.cfg" >"$tmp/log" 2>&1 &&
        rm -f "$out" && mkfs.vfat -C -n LIVEEFI "$out" 4096 >/dev/null &&
        mmd -i "$out" ::/EFI ::/EFI/BOOT && mcopy -i "$out" "$tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI ||
        { cat "$tmp/log" >&2; rm -rf "$tmp" "$out"; return 1; }
    rm -rf "$tmp"
    set_stamp live-efi.img "$hash"
}

# Secure Boot media (FLAVOR+sb): the live ISO's UEFI chain as distributions
# ship it (shim, then GRUB, then the kernel), each signed with OVMF's test
# key, which the ovmf-sb firmware's db trusts (tests/boot/qemu.py). The key
# is encrypted with the passphrase "snakeoil" (ovmf's README.Debian).
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SB_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key

# sb_sign IN OUT: sign IN with the test key, through scripts/sign.sh.
sb_sign() {
    printf snakeoil >"$MEDIA/sb-pass"
    SIGN_PASS_FILE=$MEDIA/sb-pass "$REPO/scripts/sign.sh" "$SB_KEY" "$SB_CERT" "$1" "$2" >/dev/null
}

# grub_sbat_generation: the SBAT generation of Debian's GRUB as installed
# (its changelog says when it was raised); shim refuses a GRUB whose
# generation is below its revocation list's.
grub_sbat_generation() {
    local g
    g=$(zcat /usr/share/doc/grub-efi-amd64-bin/changelog.Debian.gz 2>/dev/null |
        grep -m1 -o 'SBAT level to grub,[0-9]*' | sed 's/.*grub,//') || true
    if [[ -z $g ]]; then
        # No changelog (a host without /usr/share/doc): the generation the
        # installed shim asks for.
        g=$(strings -n 6 /usr/lib/shim/shimx64.efi | sed -n 's/^grub,\([0-9]*\)$/\1/p' | sort -n | tail -n1)
    fi
    printf '%s\n' "${g:-1}"
}

# build_vmlinuz_sb: the guest kernel with Debian's signature replaced by the test key's.
build_vmlinuz_sb() {
    local hash out=$MEDIA/vmlinuz-sb
    hash=$(inputs_hash "$MEDIA/vmlinuz" "$REPO/scripts/sign.sh" "$BOOT_DIR/live.sh")
    is_fresh vmlinuz-sb "$hash" && return 0
    log "media: vmlinuz-sb (the kernel signed with OVMF's test key)"
    cp "$MEDIA/vmlinuz" "$out.unsigned"
    if sbverify --list "$out.unsigned" 2>/dev/null | grep -q '^signature 1'; then
        sbattach --remove "$out.unsigned" >/dev/null || { rm -f "$out.unsigned"; return 1; }
    fi
    sb_sign "$out.unsigned" "$out" || { rm -f "$out.unsigned"; return 1; }
    rm -f "$out.unsigned"
    set_stamp vmlinuz-sb "$hash"
}

# build_live_efi_sb: shimx64-sb.efi (Debian's shim signed with the test
# key: the usb-shim sticks start memdisk.efi through it) and the FAT image
# of the Secure Boot live ISOs' UEFI El
# Torito entry: \EFI\BOOT\BOOTX64.EFI is Debian's shim (shim-unsigned),
# which starts \EFI\BOOT\grubx64.efi beside it: a GRUB made by grub-mkimage
# with every module it needs built in (under Secure Boot GRUB loads no
# module) and SBAT metadata (shim refuses an image without), whose built-in
# configuration runs the ISO's grub.cfg as build_live_efi's does. GRUB then
# has shim verify the kernel (shim's lock protocol).
build_live_efi_sb() {
    local hash out=$MEDIA/live-efi-sb.img tmp gen
    hash=$(inputs_hash "$(host_versions grub-efi-amd64-bin shim-unsigned sbsigntool)" \
        "$REPO/scripts/sign.sh" "$BOOT_DIR/live.sh")
    is_fresh live-efi-sb.img "$hash" && return 0
    log "media: live-efi-sb.img (signed shim and GRUB EFI for the Secure Boot live ISOs)"
    tmp=$(mktemp -d)
    gen=$(grub_sbat_generation)
    printf '%s\n' "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md" \
        "grub,$gen,Free Software Foundation,grub,2.06,https://www.gnu.org/software/grub/" >"$tmp/sbat.csv"
    printf '%s\n' "search --no-floppy --set=root --label $LIVE_LABEL" 'set prefix=($root)/boot/grub' \
        'configfile ($root)/boot/grub/grub.cfg' >"$tmp/embed.cfg"
    grub-mkimage -O x86_64-efi -d /usr/lib/grub/x86_64-efi -p /boot/grub -c "$tmp/embed.cfg" \
        --sbat "$tmp/sbat.csv" -o "$tmp/grub.efi" \
        normal configfile linux echo test search search_label iso9660 part_gpt part_msdos fat \
        >"$tmp/log" 2>&1 &&
        sb_sign "$tmp/grub.efi" "$tmp/grubx64.efi" && sb_sign /usr/lib/shim/shimx64.efi "$tmp/BOOTX64.EFI" &&
        rm -f "$out" && mkfs.vfat -C -n LIVEEFI "$out" 4096 >/dev/null &&
        mmd -i "$out" ::/EFI ::/EFI/BOOT &&
        mcopy -i "$out" "$tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI &&
        mcopy -i "$out" "$tmp/grubx64.efi" ::/EFI/BOOT/grubx64.efi &&
        cp "$tmp/BOOTX64.EFI" "$MEDIA/shimx64-sb.efi" ||
        { cat "$tmp/log" >&2; rm -rf "$tmp" "$out"; return 1; }
    log "media: live-efi-sb.img: GRUB's SBAT generation $gen"
    rm -rf "$tmp"
    set_stamp live-efi-sb.img "$hash"
}

# make_live_iso OUT FLAVOR TOKEN RULE [KARGS...]: a live ISO of FLAVOR whose
# size obeys RULE (see size_rule), booting with the token and KARGS.
make_live_iso() {
    local out=$1 flavor=$2 token=$3 rule=$4
    shift 4
    # FLAVOR+efi: with the EFI GRUB El Torito entry (for memdisk.efi);
    # FLAVOR+sb: that entry and the kernel signed for Secure Boot.
    if [[ $flavor == *+efi ]]; then
        flavor=${flavor%+efi}
        local LIVE_EFI=1
    elif [[ $flavor == *+sb ]]; then
        flavor=${flavor%+sb}
        local LIVE_EFI=1 LIVE_SB=1
    fi
    ensure_live_media "$flavor" || return 1
    if [[ -n ${LIVE_SB:-} ]]; then
        (flock 9 && build_vmlinuz_sb && build_live_efi_sb) 9>"$MEDIA/.lock" || return 1
        live_grub_cfg "$flavor" "$token" "$@" >"$out.cfg.grub"
    elif [[ -n ${LIVE_EFI:-} ]]; then
        (flock 9 && build_live_efi) 9>"$MEDIA/.lock" || return 1
        live_grub_cfg "$flavor" "$token" "$@" >"$out.cfg.grub"
    fi
    live_cfg "$flavor" "$token" "$@" >"$out.cfg"
    fit_iso_size "$out" "$rule" live_xorriso "$out" "$flavor" "$out.cfg"
}
