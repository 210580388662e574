# shellcheck shell=bash
# live_dracut.sh - dracut dmsquash-live test media (sourced by live.sh).
#
#   $MEDIA/live-dracut/initrd.img    dracut (systemd initrd) with dmsquash-live
#                                    and memboot's module as `make install`
#                                    put it in live-prefix
#   $MEDIA/live-dracut/squashfs.img  LiveOS/rootfs.img inside: live-root as ext4
#   $MEDIA/live-dracut-plain/        the same as a distribution would build it:
#                                    dracut's own modules only (nothing of
#                                    memboot's), generic (--no-hostonly, with
#                                    kernel-modules: storage, input and the
#                                    rest), dracut's default compression;
#                                    checked to hold no memdiskfind, phram or
#                                    nvdimm module (mtdblock comes with the
#                                    block drivers), and nbd.ko and loop.ko
#
# dracut takes its modules from $dracutbasedir/modules.d (/usr/lib/dracut by
# default).  To use memboot's installed module without touching the host,
# dracutbasedir points at dracut-base/: symlinks to everything in
# /usr/lib/dracut, and a modules.d of symlinks to the host's modules plus
# 90memboot -> live-prefix.  The host's /etc/dracut.conf* are ignored.

# The dracut modules of the initrd (dependencies such as dm, rootfs-block,
# udev-rules and base are added by dracut): a systemd initrd like Fedora's,
# without the hardware and storage modules a RAM-loaded ISO does not need.
LIVE_DRACUT_MODULES="systemd systemd-initrd dracut-systemd dmsquash-live memboot"
# Kernel drivers beyond the modules' own: the root (ext4) and the medium (iso9660).
LIVE_DRACUT_DRIVERS="ext4 isofs"
# Drivers the dm module pulls in (all of drivers/md) that only cost size.
# (kernel module names, with '_').
LIVE_DRACUT_OMIT_DRIVERS="bcache dlm md_cluster raid456 raid10 raid1 raid0 multipath faulty
    linear dm_raid dm_cache dm_cache_smq dm_thin_pool dm_era dm_integrity dm_writecache
    dm_zoned dm_crypt dm_verity dm_multipath dm_switch dm_log_writes dm_delay dm_flakey"

# The plain initrd: a generic dmsquash-live initramfs as a distribution's
# live media carry (no memboot module).
LIVE_DRACUT_PLAIN_MODULES="systemd systemd-initrd dracut-systemd dmsquash-live kernel-modules"
# What it must not hold (a name in lsinitrd's listing), and what it must.
LIVE_DRACUT_PLAIN_ABSENT=(memboot memdisk-attach memdiskfind phram.ko nfit.ko libnvdimm.ko
    nd_pmem.ko)
LIVE_DRACUT_PLAIN_NEEDED=(nbd.ko loop.ko dmsquash-live-root)

# live_dracut_basedir DIR: make DIR a dracutbasedir: /usr/lib/dracut with
# memboot's installed module added.
live_dracut_basedir() {
    local base=$1 f mod=$MEDIA/live-prefix/lib/dracut/modules.d/90memboot
    [[ -f $mod/module-setup.sh ]] ||
        { log "live: $mod/module-setup.sh is missing (make install)"; return 1; }
    rm -rf "$base"
    mkdir -p "$base/modules.d"
    for f in /usr/lib/dracut/*; do
        [[ ${f##*/} == modules.d ]] || ln -s "$f" "$base/"
    done
    for f in /usr/lib/dracut/modules.d/*; do
        [[ ${f##*/} == 90memboot ]] || ln -s "$f" "$base/modules.d/"
    done
    ln -s "$mod" "$base/modules.d/90memboot"
}

# live_dracut_rootfs OUT: the squashfs of a dmsquash-live medium:
# LiveOS/rootfs.img, an ext4 image of live-root.
live_dracut_rootfs() {
    local out=$1 tree=$1.d kib
    rm -rf "$tree"
    mkdir -p "$tree/LiveOS"
    # The root's size plus room for the file system's own structures.
    kib=$(($(du -sk "$MEDIA/live-root" | cut -f1) * 3 / 2 + 4096))
    mkfs.ext4 -q -F -L memboot-live -E root_owner=0:0 -d "$MEDIA/live-root" \
        "$tree/LiveOS/rootfs.img" "${kib}K" >/dev/null || return 1
    mksquashfs "$tree" "$out" -noappend -quiet -all-root -comp xz >/dev/null || return 1
    rm -rf "$tree"
}

# build_live_dracut: $MEDIA/live-dracut/initrd.img and squashfs.img.
build_live_dracut() {
    local kver hash dir=$MEDIA/live-dracut conf files
    kver=$(kernel_version)
    host_kernel_ready || return 1
    hash=$(inputs_hash "$BOOT_DIR/live_dracut.sh" "$MEDIA/live-prefix.stamp" "$MEDIA/live-root.stamp" \
        "kver=$kver" "$(host_versions dracut-core dracut-live systemd udev kmod e2fsprogs squashfs-tools)")
    is_fresh live-dracut "$hash" && return 0
    log "media: live-dracut (dracut for $kver with dmsquash-live and memboot; about a minute)"
    rm -rf "$dir"
    mkdir -p "$dir/conf.d"
    live_dracut_basedir "$dir/dracut-base" || return 1
    conf=$dir/dracut.conf
    : >"$conf"
    # zstd: the guest kernel unpacks it several times faster than gzip under TCG.
    # shellcheck disable=SC2086,SC2116 # word lists, on one line
    dracutbasedir=$dir/dracut-base dracut --force --no-hostonly --no-early-microcode \
        --compress zstd \
        --conf "$conf" --confdir "$dir/conf.d" --tmpdir "$dir" \
        -m "$LIVE_DRACUT_MODULES" --add-drivers "$LIVE_DRACUT_DRIVERS" \
        --omit-drivers "$(echo $LIVE_DRACUT_OMIT_DRIVERS)" \
        --kver "$kver" "$dir/initrd.img" >"$dir/dracut.log" 2>&1 ||
        { cat "$dir/dracut.log" >&2; return 1; }
    # A module that check() refused is left out with only a log line: the
    # initrd must really hold memboot's hook and dmsquash-live's.
    files=$(lsinitrd "$dir/initrd.img" 2>/dev/null)
    [[ $files == *hooks/pre-trigger/10-memboot-queue.sh* && $files == *sbin/dmsquash-live-root* ]] ||
        { log "live: $dir/initrd.img lacks memboot's or dmsquash-live's hooks (see $dir/dracut.log)"; return 1; }
    live_dracut_rootfs "$dir/squashfs.img" || return 1
    rm -rf "$dir/dracut-base" "$dir/conf.d" "$conf"
    set_stamp live-dracut "$hash"
}

# build_live_dracut_plain: $MEDIA/live-dracut-plain/initrd.img and squashfs.img.
build_live_dracut_plain() {
    local kver hash dir=$MEDIA/live-dracut-plain conf files f
    kver=$(kernel_version)
    host_kernel_ready || return 1
    hash=$(inputs_hash "$BOOT_DIR/live_dracut.sh" "$MEDIA/live-root.stamp" "kver=$kver" \
        "$(host_versions dracut-core dracut-live systemd udev kmod e2fsprogs squashfs-tools)")
    is_fresh live-dracut-plain "$hash" && return 0
    log "media: live-dracut-plain (generic dracut for $kver with dmsquash-live, nothing of memboot's; about a minute)"
    rm -rf "$dir"
    mkdir -p "$dir/conf.d"
    conf=$dir/dracut.conf
    : >"$conf"
    # shellcheck disable=SC2086,SC2116 # word lists, on one line
    dracut --force --no-hostonly --no-early-microcode \
        --conf "$conf" --confdir "$dir/conf.d" --tmpdir "$dir" \
        -m "$LIVE_DRACUT_PLAIN_MODULES" --add-drivers "$LIVE_DRACUT_DRIVERS" \
        --omit-drivers "$(echo $LIVE_DRACUT_OMIT_DRIVERS)" \
        --kver "$kver" "$dir/initrd.img" >"$dir/dracut.log" 2>&1 ||
        { cat "$dir/dracut.log" >&2; return 1; }
    # The archive's names only (lsinitrd's header names the build folder).
    files=$(lsinitrd "$dir/initrd.img" 2>/dev/null | awk '$1 ~ /^[-dlcbps][-rwxsStT]+$/ && NF >= 9 { print $9 }')
    for f in "${LIVE_DRACUT_PLAIN_ABSENT[@]}"; do
        [[ $files != *"$f"* ]] || { log "live: $dir/initrd.img holds $f: not a plain initramfs"; return 1; }
    done
    for f in "${LIVE_DRACUT_PLAIN_NEEDED[@]}"; do
        [[ $files == *"$f"* ]] || { log "live: $dir/initrd.img lacks $f (see $dir/dracut.log)"; return 1; }
    done
    printf '%s\n' "$files" >"$dir/initrd.txt"
    live_dracut_rootfs "$dir/squashfs.img" || return 1
    rm -rf "$dir/conf.d" "$conf"
    set_stamp live-dracut-plain "$hash"
}
