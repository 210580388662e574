#!/usr/bin/env bash
# deps.sh - install the Debian packages memboot needs, and fetch the guest kernel.
#
# Idempotent and quiet: one line per action, well under a second when everything
# is already there.  Two parts, both run by default:
#   --packages  install missing Debian packages (apt-get update only if needed)
#   --kernel    fetch Debian's kernel package for boot-test guests with
#               `apt-get download` into the cache and extract it with dpkg-deb -x
#               and install that package on the host as well: mkinitramfs
#               and dracut build initrds from /lib/modules/KVER
# The cache is ${MEMBOOT_CACHE:-$HOME/.cache/memboot}; the kernel goes into
# $CACHE/kernel/, and $CACHE/kernel/current names the extracted version.
set -euo pipefail

PACKAGES=(
    build-essential musl-tools clang libclang-rt-14-dev
    # zopfli packs memdisk's body (scripts/pack-memdisk.sh)
    zopfli
    qemu-system-x86 seabios ipxe-qemu
    syslinux-common syslinux-utils isolinux syslinux
    mtools dosfstools xorriso cpio busybox-static kmod python3 xz-utils
    binutils coreutils gzip file man-db grub-rescue-pc
    # GRUB's i386-pc modules and grub-mkrescue, for the linux16 boot tests (never
    # grub-pc: nothing here installs GRUB on the host's disk); GRUB's x86_64-efi
    # platform too, which the UEFI work needs and the BIOS-only CDs must not mind
    grub-pc-bin grub-common grub-efi-amd64-bin
    # OVMF, the UEFI firmware of the boot tests' "ovmf" cases (tests/boot/qemu.py),
    # and sfdisk (fdisk) for the memdisk.efi cases' GPT disk and USB stick
    ovmf fdisk
    # the bench's UEFI part (bench/uefi.sh): a web server on the host's loopback
    # that the guest reaches through QEMU's guestfwd, which runs socat for each
    # connection (tests/boot/qemu.py --http); the bench starts nginx with a
    # configuration of its own and stops it again (it never uses the system's
    # nginx service, which the package may start)
    socat nginx
    # live-system boots (issue 5): Debian live-boot through initramfs-tools,
    # dracut's dmsquash-live (dracut-core lives beside initramfs-tools; the
    # `dracut` package would replace it), PXELINUX, and the live root's tools
    live-boot live-boot-initramfs-tools initramfs-tools dracut-core dracut-live
    pxelinux squashfs-tools e2fsprogs
    # unmodified distribution media (tests/boot/distro.sh): Debian's live-build
    # (with debootstrap) makes a Debian live ISO as Debian does; unmkinitramfs
    # (initramfs-tools-core) unpacks its initrd for the property check
    live-build debootstrap initramfs-tools-core
    # Secure Boot (`make sign`, the ovmf-sb cases): sbsign and sbverify, and
    # Debian's unsigned shim, which the test media sign with OVMF's test key
    # to start the live ISO's GRUB as distributions do
    sbsigntool shim-unsigned openssl
)
KERNEL_META=linux-image-amd64
CACHE=${MEMBOOT_CACHE:-$HOME/.cache/memboot}
KDIR=$CACHE/kernel
APT_UPDATED=0

# say MSG: print one progress line.
say() { printf 'deps: %s\n' "$*"; }

# die MSG: print an error and stop.
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# as_root CMD...: run a command as root (directly, or through sudo).
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*' (not root and sudo is not installed)"
    fi
}

# apt_update_once: run apt-get update, at most once per invocation.
apt_update_once() {
    [[ $APT_UPDATED -eq 1 ]] && return 0
    say "apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
}

# missing_packages: print the packages from PACKAGES that are not installed.
missing_packages() {
    local installed
    # dpkg-query exits 1 when it has never heard of a package: that package is
    # missing, not a reason to stop (set -e would end this subshell silently and
    # report nothing missing).
    installed=$( (dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null || true) \
        | awk '$2 == "ii" { print $1 }')
    local p
    for p in "${PACKAGES[@]}"; do
        grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

# install_packages: install whatever is missing.
install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "all ${#PACKAGES[@]} packages present"
        return 0
    fi
    apt_update_once
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# lists_fingerprint: a string that changes whenever the apt package lists change.
lists_fingerprint() {
    stat -c '%n %Y %s' /var/lib/apt/lists/*_Packages* 2>/dev/null | sha256sum | cut -c1-16
}

# resolve_kernel_package: print the real kernel package the metapackage depends
# on (e.g. linux-image-6.1.0-56-amd64); the answer is cached per apt list state
# because apt-cache takes most of a second.
resolve_kernel_package() {
    local fp memo=$KDIR/resolved name
    fp=$(lists_fingerprint)
    if [[ -s $memo ]] && [[ $(head -n1 "$memo") == "$fp" ]]; then
        sed -n 2p "$memo"
        return 0
    fi
    name=$(apt-cache depends "$KERNEL_META" 2>/dev/null \
        | awk '/^ *Depends: linux-image-[0-9]/ { print $2; exit }')
    if [[ -z $name ]]; then
        apt_update_once
        fp=$(lists_fingerprint)
        name=$(apt-cache depends "$KERNEL_META" 2>/dev/null \
            | awk '/^ *Depends: linux-image-[0-9]/ { print $2; exit }')
    fi
    [[ -n $name ]] || die "cannot resolve the package behind $KERNEL_META"
    printf '%s\n%s\n' "$fp" "$name" >"$memo"
    printf '%s\n' "$name"
}

# newest_deb DIR NAME: print the newest (by version) NAME_*.deb in DIR, if any.
newest_deb() {
    local f
    for f in "$1/$2"_*.deb; do
        if [[ -e $f ]]; then printf '%s\n' "$f"; fi
    done | sort -V | tail -n1
}

# fetch_kernel_deb NAME: make sure a .deb of NAME is in $KDIR; print its path.
fetch_kernel_deb() {
    local name=$1 deb
    deb=$(newest_deb "$KDIR" "$name")
    if [[ -n $deb ]]; then
        printf '%s\n' "$deb"
        return 0
    fi
    # apt may already hold it (the host could have downloaded it before).
    deb=$(newest_deb /var/cache/apt/archives "$name")
    if [[ -n $deb ]]; then
        say "copying $(basename "$deb") from the apt cache" >&2
        cp "$deb" "$KDIR/"
    else
        say "apt-get download $name" >&2
        (cd "$KDIR" && apt-get download -qq "$name" >/dev/null 2>&1) \
            || { apt_update_once >&2; (cd "$KDIR" && apt-get download -qq "$name" >/dev/null); }
    fi
    deb=$(newest_deb "$KDIR" "$name")
    [[ -n $deb ]] || die "download of $name failed"
    printf '%s\n' "$deb"
}

# extract_kernel DEB: unpack vmlinuz and modules into $KDIR/KVER (once) and
# record it in $KDIR/current as "KVER DEBFILE".
extract_kernel() {
    local deb=$1 kver dest mark
    # Already extracted?  (Listing the package is slow, so look first.)
    mark=$(grep -lxF "$(basename "$deb")" "$KDIR"/*/.extracted 2>/dev/null | head -n1 || true)
    if [[ -n $mark ]]; then
        kver=$(basename "$(dirname "$mark")")
    else
        kver=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed -n 's,^\./boot/vmlinuz-,,p' | head -n1)
    fi
    [[ -n $kver ]] || die "no vmlinuz in $deb"
    dest=$KDIR/$kver
    if [[ -f $dest/.extracted ]] && [[ $(cat "$dest/.extracted") == "$(basename "$deb")" ]]; then
        say "guest kernel $kver present"
    else
        say "extracting $(basename "$deb")"
        rm -rf "$dest"
        mkdir -p "$dest"
        dpkg-deb -x "$deb" "$dest"
        # The package's postinst would run depmod; do it here for the tree.
        depmod -b "$dest" "$kver"
        basename "$deb" >"$dest/.extracted"
    fi
    # The live-system tests build real initrds for this kernel with mkinitramfs
    # and dracut, which read /lib/modules/KVER: install the package on the host
    # too (it boots nothing here; its postinst only makes /boot/initrd.img).
    if [[ ! -f /lib/modules/$kver/modules.dep ]]; then
        say "installing $(basename "$deb") on the host (for mkinitramfs and dracut)"
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "$(readlink -f "$deb")" >/dev/null
    fi
    printf '%s %s\n' "$kver" "$(basename "$deb")" >"$KDIR/current.new"
    mv "$KDIR/current.new" "$KDIR/current"
}

# fetch_kernel: resolve, download and extract the guest kernel.
fetch_kernel() {
    mkdir -p "$KDIR"
    local name deb
    name=$(resolve_kernel_package)
    deb=$(fetch_kernel_deb "$name")
    extract_kernel "$deb"
}

main() {
    local do_pkgs=1 do_kernel=1
    case ${1:-} in
        "") ;;
        --packages) do_kernel=0 ;;
        --kernel) do_pkgs=0 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) die "unknown option $1 (use --packages, --kernel or nothing)" ;;
    esac
    [[ $do_pkgs -eq 1 ]] && install_packages
    [[ $do_kernel -eq 1 ]] && fetch_kernel
    return 0
}

main "$@"
