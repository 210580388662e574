#!/usr/bin/env bash
# mkinitcpio.sh - boot test media for memboot's mkinitcpio hooks.
#
# mkinitcpio is not packaged in Debian, so this script stands in for it: it
# provides the build-time helpers an install hook calls (add_binary with the
# binary's shared libraries, add_module with modprobe's dependency resolution
# over the guest kernel's modules, add_file, add_dir, add_symlink,
# add_udev_rule, add_runscript), builds an image laid out as mkinitcpio lays
# it out (merged /usr, busybox), runs the equivalent of mkinitcpio's "udev"
# hook (Debian's systemd-udevd and udevadm, the rules that hook ships,
# 60-persistent-storage.rules among them), then sources OUR install hook
# (initramfs/mkinitcpio/install/memboot) and calls its build().  Its /init
# does what mkinitcpio's init does for HOOKS=(base udev memboot archiso):
# mounts, starts udevd, triggers and settles, sources /hooks/memboot and calls
# run_hook, then stands in for archiso: it looks for
# /dev/disk/by-label/$archisolabel and reports on the serial console
#     MEMBOOT <token> key=value
# (the hook's output, the device, the link targets, the sha256 of the
# device's first LEN bytes), then "MEMBOOT <token> done", and powers off.
#
# Sourced by images.sh: image kind "mkinitcpio:RULE" (make_mkinitcpio_iso
# builds the case's ISO with this initramfs instead of the shared one); the
# host-side check is check_mkinitcpio in checks.py.  Run directly, it builds
# the initramfs and prints its path.
#
# MKI_VARIANT=archiso (image kind "archiso:RULE") builds instead what an
# unmodified archiso initramfs is to memboot: HOOKS=(base udev memdisk
# archiso) with archiso's own memdisk run hook (memdiskfind, then phram and
# mtdblock) but, as where syslinux-utils is not installed, without
# memdiskfind, phram or mtdblock, and nothing of memboot's; the nbd and loop
# modules archiso's pxe_nbd and loop_mnt hooks add are there.  Booted through
# memboot, the segment memboot appends replaces hooks/memdisk; without it
# (noinject, SYSLINUX's memdisk) no medium appears.
#
# Media (in $MEDIA/mkinitcpio, rebuilt when an input changes): initrd.gz,
# iso-tree/ (ISOLINUX, the guest kernel, this initrd.gz).

if ! declare -F make_iso >/dev/null; then
    set -euo pipefail
    # shellcheck source=tests/boot/media.sh
    source "$(dirname "${BASH_SOURCE[0]}")/media.sh"
fi

MKI_SRC=$REPO/initramfs/mkinitcpio
MKI_RULES=$REPO/initramfs/udev/69-memboot.rules
MKI_VARIANT=${MKI_VARIANT:-memboot}
MKI_MEDIA=$MEDIA/mkinitcpio
[[ $MKI_VARIANT == memboot ]] || MKI_MEDIA=$MEDIA/mkinitcpio-$MKI_VARIANT
# What mkinitcpio's own udev install hook adds (Debian's paths).
MKI_UDEVD=/lib/systemd/systemd-udevd
MKI_UDEV_RULES=(50-udev-default.rules 60-persistent-storage.rules 64-btrfs.rules 80-drivers.rules)

# ---------------------------------------------------------------- helpers
# The install hook API, working on BUILDROOT for kernel KERNELVERSION whose
# modules are under MKI_KROOT/lib/modules.  Errors are counted in MKI_ERRORS
# (mkinitcpio too goes on and reports the build as failed at the end).

# error MSG / warning MSG: as mkinitcpio reports them.
error() { printf '==> ERROR: %s\n' "$*" >&2; MKI_ERRORS=$((MKI_ERRORS + 1)); return 1; }
warning() { printf '==> WARNING: %s\n' "$*" >&2; }

# add_dir DIR [MODE]
add_dir() {
    [[ -d $BUILDROOT$1 ]] && return 0
    install -d -m "${2:-755}" "$BUILDROOT$1"
}

# add_symlink LINK [TARGET]: LINK in the image pointing at TARGET (default:
# where LINK points on the build host, which is then added too).
add_symlink() {
    local link=$1 target=${2:-}
    if [[ -z $target ]]; then
        target=$(readlink "$link") || { error "add_symlink: $link is not a symlink"; return 1; }
    fi
    add_dir "${link%/*}"
    ln -sfn "$target" "$BUILDROOT$link"
}

# add_file SRC [DEST [MODE]]: copy SRC to DEST in the image.  A symlink is
# kept a symlink and the file it resolves to is added as well.
add_file() {
    local src=$1 dest=${2:-$1} mode=${3:-} real
    [[ -e $src ]] || { error "file not found: '$src'"; return 1; }
    if [[ -L $src && $dest == "$src" ]]; then
        real=$(readlink -f "$src")
        add_symlink "$dest" "$real"
        src=$real dest=$real
    fi
    [[ -e $BUILDROOT$dest && ! -L $BUILDROOT$dest ]] && return 0
    rm -f "$BUILDROOT$dest"
    install -D -m "${mode:-$(stat -L -c %a "$src")}" "$src" "$BUILDROOT$dest"
}

# add_binary BIN [DEST]: BIN (a path, or a name looked up in PATH) and every
# shared library ldd lists for it.  memboot's own tools are taken from the
# build folder and put where "make install PREFIX=/usr" puts them.
add_binary() {
    local bin=$1 dest=${2:-} lib
    if [[ $bin != /* ]]; then
        bin=$(PATH=$BUILD:$PATH type -P "$bin") || { error "binary not found: '$1'"; return 1; }
    fi
    [[ -f $bin ]] || { error "binary not found: '$bin'"; return 1; }
    if [[ -z $dest ]]; then
        dest=$bin
        [[ ${bin%/*} == "$BUILD" ]] && dest=/usr/bin/${bin##*/}
    fi
    add_file "$bin" "$dest" 755 || return 1
    # ldd fails on static binaries: they need nothing more.
    while read -r lib; do
        add_file "$lib" "$lib" 755 || return 1
    done < <(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true)
}

# add_module NAME[?]: the module and everything modprobe would load with it
# (dependencies and soft dependencies), from the guest kernel's tree.  With a
# trailing '?' a module the kernel lacks is skipped silently; built-in
# modules need nothing.
add_module() {
    local name=${1%\?} out kind path
    if ! out=$(modprobe -d "$MKI_KROOT" -S "$KERNELVERSION" --show-depends "$name" 2>&1); then
        [[ $1 == *\? ]] && return 0
        error "module not found: '$name'"
        return 1
    fi
    while read -r kind path _; do
        case $kind in
            insmod) add_file "$path" "/usr${path#"$MKI_KROOT"}" 644 || return 1 ;;
            builtin) ;;
            *) error "add_module $name: modprobe said '$kind $path'"; return 1 ;;
        esac
    done <<<"$out"
}

# add_udev_rule RULES: a rules file (a path, or a name looked up in udev's
# rules folders) as /usr/lib/udev/rules.d/NAME, with the programs its RUN and
# IMPORT{program} keys name (udev builtins need nothing).
add_udev_rule() {
    local rules=$1 d prog
    if [[ $rules != /* ]]; then
        for d in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d; do
            [[ -f $d/$rules ]] && { rules=$d/$rules; break; }
        done
    fi
    [[ -f $rules ]] || { error "udev rules not found: '$1'"; return 1; }
    add_file "$rules" "/usr/lib/udev/rules.d/${rules##*/}" 644 || return 1
    while read -r prog; do
        [[ $prog == \$* ]] && continue
        if [[ $prog != /* ]]; then
            prog=$(PATH=/usr/lib/udev:/lib/udev type -P "$prog") || continue
        fi
        add_binary "$prog" || return 1
    done < <(sed -nE 's/.*(RUN\{program\}|RUN)\+?="([^" ]+).*/\2/p; s/.*IMPORT\{program\}="([^" ]+).*/\1/p' "$rules" | sort -u)
}

# add_runscript: the run hook of the install hook being built (MKI_HOOK) as
# /hooks/NAME.
add_runscript() {
    add_file "$MKI_SRC/hooks/$MKI_HOOK" "/hooks/$MKI_HOOK" 755
}

# ---------------------------------------------------------------- the image

# mki_base: mkinitcpio's layout (merged /usr) and busybox with its applets,
# as its "base" hook adds them.
mki_base() {
    local d applet
    for d in /usr/bin /usr/lib /dev /proc /sys /run /tmp /etc /var /new_root /hooks; do
        add_dir "$d"
    done
    add_symlink /bin usr/bin
    add_symlink /sbin usr/bin
    add_symlink /lib usr/lib
    add_symlink /lib64 usr/lib
    add_symlink /usr/sbin bin
    add_symlink /usr/lib64 lib
    add_symlink /var/run ../run
    add_file "$HOST_BUSYBOX" /usr/bin/busybox 755 || return 1
    for applet in $("$HOST_BUSYBOX" --list); do
        [[ -e $BUILDROOT/usr/bin/$applet ]] || ln -s busybox "$BUILDROOT/usr/bin/$applet"
    done
}

# mki_udev: what mkinitcpio's "udev" install hook adds: udevd, udevadm and
# the rules it ships (its run hook, start, trigger and settle, is in /init).
mki_udev() {
    local r
    # busybox's applets must not shadow udevadm.
    rm -f "$BUILDROOT/usr/bin/udevadm"
    add_binary "$MKI_UDEVD" || return 1
    add_binary udevadm || return 1
    for r in "${MKI_UDEV_RULES[@]}"; do
        add_udev_rule "$r" || return 1
    done
}

# mki_init: /init (busybox ash), mkinitcpio's init for
# HOOKS=(base udev memboot archiso) cut down to what the test needs, with
# archiso's medium lookup replaced by the checks.
mki_init() {
    cat >"$BUILDROOT/init" <<'INIT'
#!/usr/bin/ash
# /init of memboot's mkinitcpio test image (see tests/boot/mkinitcpio.sh).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/bin
TOKEN=notoken
DONE=0

# As mkinitcpio's init_functions: msg is hidden by "quiet", err is not.
msg() { [ "$quiet" = y ] || echo "$@"; }
err() { echo "ERROR: $*"; }

emit() { _k=$1; shift; echo "MEMBOOT $TOKEN $_k=$*"; }
joined() { sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/ | /g' "$1"; }

finish() {
    [ "$DONE" = 1 ] && return
    DONE=1
    echo "--- kernel messages since /init ---"
    dmesg 2>/dev/null | awk 'f && !/\]   / { print } /Run \/init as init process/ { f = 1 }' | tail -n 30
    echo "MEMBOOT $TOKEN done"
    sync
    poweroff -f
    while :; do sleep 60; done
}
trap finish EXIT

mount -t proc proc /proc -o nosuid,noexec,nodev
mount -t sysfs sys /sys -o nosuid,noexec,nodev
mount -t devtmpfs dev /dev -o mode=0755,nosuid
mount -t tmpfs run /run -o nosuid,nodev,mode=0755
echo "1 4 1 7" >/proc/sys/kernel/printk

# The parameters mkinitcpio's init reads (quiet) and archiso's label.
quiet=
archisolabel=
for _a in $(cat /proc/cmdline); do
    case $_a in
        quiet) quiet=y ;;
        archisolabel=*) archisolabel=${_a#archisolabel=} ;;
        memboot.token=*) TOKEN=${_a#memboot.token=} ;;
    esac
done
echo "MEMBOOT $TOKEN start case=mkinitcpio kernel=$(uname -r)"
if [ -d /sys/firmware/efi ]; then emit firmware uefi; else emit firmware bios; fi
_t0=$(cut -d' ' -f1 /proc/uptime)

# The udev hook: early hook (the daemon), then its run hook.
msg ":: running early hook [udev]"
/usr/lib/systemd/systemd-udevd --daemon --resolve-names=never
msg ":: running hook [udev]"
udevadm trigger --action=add --type=subsystems
udevadm trigger --action=add --type=devices
udevadm settle

# The hook before archiso (memboot's, or archiso's memdisk), run as
# mkinitcpio's init runs each hook: source it in this shell, call run_hook
# (its output is kept for the host, then shown).
msg ":: running hook [@RUNHOOK@]"
unset run_hook
. /hooks/@RUNHOOK@
run_hook >/run/hook.out 2>&1
emit hook_rc "$?"
unset run_hook
cat /run/hook.out
emit hook_out "$(joined /run/hook.out)"

# Then what archiso needs: the medium under /dev/disk/by-label once udev
# has handled the new device's events.
udevadm settle --timeout=30
emit udev_settle_rc "$?"
link=/dev/disk/by-label/$archisolabel
_w=0
while [ ! -e "$link" ] && [ "$_w" -lt 10 ]; do sleep 1; _w=$((_w + 1)); done
emit label_wait "$_w"
emit label "$archisolabel"
emit label_link "$(readlink -f "$link" 2>/dev/null)"

# The device memdisk-attach reports (a second run names the existing one).
dev=$(memdisk-attach 2>/run/again.err)
emit again_rc "$?"
emit again_err "$(joined /run/again.err)"
emit dev "$dev"
found=$(memdiskfind 2>/dev/null)
emit find "$found"
len=
[ -n "$found" ] && len=$((${found#*,}))
# Without memdiskfind (the archiso stand-in): the length memdisk-attach found.
[ -z "$len" ] && len=$(memdisk-attach --verbose 2>&1 >/dev/null |
    sed -n 's/.*image at [^,]*, \([0-9]*\) bytes.*/\1/p' | head -n1)
emit len "$len"
if [ -n "$dev" ] && [ -b "$dev" ] && [ -n "$len" ]; then
    uuid=$(udevadm info --query=property --name="$dev" | sed -n 's/^ID_FS_UUID_ENC=//p')
    emit uuid "$uuid"
    emit uuid_link "$(readlink -f "/dev/disk/by-uuid/$uuid" 2>/dev/null)"
    emit fs_type "$(udevadm info --query=property --name="$dev" | sed -n 's/^ID_FS_TYPE=//p')"
    emit sha256 "$(head -c "$len" "$dev" 2>/run/read.err | sha256sum | cut -d' ' -f1)"
    emit read_err "$(joined /run/read.err)"
else
    emit sha256 none
fi
emit links "$(ls /dev/disk/by-label 2>/dev/null | tr '\n' ' ')"
# Control: the same device re-probed without 69-memboot.rules (a "change"
# event), then with it again.  An mtdblock device must lose its link (only
# memboot's rule gives it one); a pmem device keeps it (systemd's rules).
if [ -n "$dev" ] && [ -b "$dev" ] && [ -e /usr/lib/udev/rules.d/69-memboot.rules ]; then
    _sys=/sys/class/block/${dev#/dev/}
    mv /usr/lib/udev/rules.d/69-memboot.rules /run/
    udevadm control --reload
    udevadm trigger --action=change "$_sys"
    udevadm settle --timeout=30
    emit norule_link "$(readlink -f "$link" 2>/dev/null)"
    mv /run/69-memboot.rules /usr/lib/udev/rules.d/
    udevadm control --reload
    udevadm trigger --action=change "$_sys"
    udevadm settle --timeout=30
    emit rule_link "$(readlink -f "$link" 2>/dev/null)"
fi
emit modules "$(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
emit udevd "$(pidof systemd-udevd)"
emit boot_s "$(awk -v t0="$_t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)"
emit case_rc 0
finish
INIT
    sed -i "s/@RUNHOOK@/$1/g" "$BUILDROOT/init"
    chmod 755 "$BUILDROOT/init"
}

# mki_archiso_hooks: archiso's memdisk run hook as its HOOKS run it before
# archiso (written here from what it does: find the image with memdiskfind,
# map it with phram, make it a block device with mtdblock), and a stand-in
# for archiso's own hook file (this /init does its medium lookup).
mki_archiso_hooks() {
    cat >"$BUILDROOT/hooks/memdisk" <<'HOOK'
#!/usr/bin/ash
# archiso-style memdisk run hook (stand-in, tests/boot/mkinitcpio.sh).
run_hook() {
    if command -v memdiskfind >/dev/null 2>&1 && _m=$(memdiskfind); then
        modprobe phram "phram=memdisk,$_m" && modprobe mtdblock
    fi
}
HOOK
    printf '%s\n' '#!/usr/bin/ash' '# archiso stand-in: /init looks for the medium by label.' \
        'run_hook() { :; }' >"$BUILDROOT/hooks/archiso"
    chmod 755 "$BUILDROOT/hooks/memdisk" "$BUILDROOT/hooks/archiso"
}

# mki_modules_db: the module lists and depmod's indexes (mkinitcpio runs
# depmod on the image too), for busybox modprobe and udevd's kmod.
mki_modules_db() {
    local src=$MKI_KROOT/lib/modules/$KERNELVERSION f
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        add_file "$src/$f" "/usr/lib/modules/$KERNELVERSION/$f" 644 || return 1
    done
    depmod -b "$BUILDROOT" "$KERNELVERSION"
}

# mki_build_root DIR: the image's tree: base, udev, memboot (our install
# hook's build()), /init.  In a subshell so that the hook's functions stay
# in there.  Returns 1 if anything failed.
mki_build_root() (
    BUILDROOT=$1
    KERNELVERSION=$(kernel_version)
    MKI_KROOT=$(kernel_tree)
    MKI_ERRORS=0
    mki_base || error "base failed"
    mki_udev || error "udev failed"
    if [[ $MKI_VARIANT == archiso ]]; then
        add_module nbd || error "nbd failed"
        add_module loop || error "loop failed"
        mki_archiso_hooks
        mki_init memdisk
    else
        MKI_HOOK=memboot
        # shellcheck source=initramfs/mkinitcpio/install/memboot
        source "$MKI_SRC/install/$MKI_HOOK"
        build || error "the memboot hook's build() returned $?"
        mki_init memboot
    fi
    mki_modules_db || error "depmod failed"
    [[ $MKI_ERRORS -eq 0 ]] || { printf '==> ERROR: image build failed: %d errors\n' "$MKI_ERRORS" >&2; exit 1; }
)

# mki_inputs: the files the image is made from.
mki_inputs() {
    local r
    printf '%s\n' "variant=$MKI_VARIANT" "$BOOT_DIR/mkinitcpio.sh" "$MKI_SRC/install/memboot" "$MKI_SRC/hooks/memboot" \
        "$MKI_RULES" "$BUILD/memdiskfind" "$BUILD/memdisk-attach" "$HOST_BUSYBOX" \
        "$(readlink -f "$MKI_UDEVD")"
    for r in "${MKI_UDEV_RULES[@]}"; do printf '%s\n' "/lib/udev/rules.d/$r"; done
}

# build_mkinitcpio_initramfs: $MKI_MEDIA/initrd.gz, when its inputs changed.
build_mkinitcpio_initramfs() {
    local kver hash stage
    local -a inputs
    kver=$(kernel_version)
    mapfile -t inputs < <(mki_inputs)
    hash=$(inputs_hash "${inputs[@]}" "kver=$kver")
    is_fresh "${MKI_MEDIA##*/}/initrd.gz" "$hash" && return 0
    log "media: ${MKI_MEDIA##*/}/initrd.gz (kernel $kver)"
    mkdir -p "$MKI_MEDIA"
    stage=$MKI_MEDIA/root
    rm -rf "$stage"
    mkdir -p "$stage"
    mki_build_root "$stage" || return 1
    if [[ $MKI_VARIANT == archiso ]] &&
        find "$stage" \( -name 'memdiskfind*' -o -name 'phram.ko*' -o -name 'mtdblock.ko*' \
            -o -name '*memboot*' -o -name 'memdisk-attach*' \) | grep -q .; then
        log "media: the archiso stand-in holds what it must not: $(find "$stage" -name '*memboot*' -o -name 'memdiskfind*' -o -name 'phram.ko*' | head -3)"
        return 1
    fi
    mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
    (cd "$stage" && find . -print0 | LC_ALL=C sort -z |
        cpio --null -o -H newc --quiet -R 0:0) | gzip -6n >"$MKI_MEDIA/initrd.gz.new" || return 1
    mv "$MKI_MEDIA/initrd.gz.new" "$MKI_MEDIA/initrd.gz"
    set_stamp "${MKI_MEDIA##*/}/initrd.gz" "$hash"
}

# build_mkinitcpio_iso_tree: ISOLINUX, the guest kernel and this initrd.gz.
build_mkinitcpio_iso_tree() {
    local hash tree=$MKI_MEDIA/iso-tree
    hash=$(inputs_hash "$MEDIA/vmlinuz" "$MKI_MEDIA/initrd.gz" "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32")
    is_fresh "${MKI_MEDIA##*/}/iso-tree" "$hash" && return 0
    log "media: ${MKI_MEDIA##*/}/iso-tree"
    rm -rf "$tree"
    mkdir -p "$tree/isolinux"
    cp "$ISOLINUX_BIN" "$SYSLINUX_BIOS/ldlinux.c32" "$tree/isolinux/"
    ln "$MEDIA/vmlinuz" "$tree/vmlinuz"
    ln "$MKI_MEDIA/initrd.gz" "$tree/initrd.gz"
    set_stamp "${MKI_MEDIA##*/}/iso-tree" "$hash"
}

# ensure_mkinitcpio_media: both, under a lock (the cases run in parallel).
ensure_mkinitcpio_media() {
    mkdir -p "$MKI_MEDIA"
    (
        flock 8
        build_mkinitcpio_initramfs && build_mkinitcpio_iso_tree
    ) 8>"$MEDIA/.${MKI_MEDIA##*/}.lock"
}

# ---------------------------------------------------------------- images.sh

# make_mkinitcpio_iso OUT CFG RULE: the ISO of image kind mkinitcpio:RULE:
# as make_iso, but from the mkinitcpio iso-tree (this initramfs); the checks
# are check_mkinitcpio in checks.py.
make_mkinitcpio_iso() {
    ensure_mkinitcpio_media || return 1
    local MEDIA=$MKI_MEDIA
    make_iso "$@"
}

# run_mkinitcpio_efi_xorriso OUT CFG [PAD]: a UEFI-only ISO labelled
# LIVE_LABEL, as archiso's are: the live ISOs' El Torito EFI image (GRUB,
# build_live_efi, which runs /boot/grub/grub.cfg = CFG), the guest kernel,
# this initramfs, and PAD if given. Not a hybrid with a GPT (as
# grub-mkrescue makes), whose partitions would take the label first.
run_mkinitcpio_efi_xorriso() {
    local out=$1 cfg=$2 pad=${3:-}
    local graft=("boot/grub/efi.img=$MEDIA/live-efi.img" "boot/grub/grub.cfg=$cfg"
        "vmlinuz=$MEDIA/vmlinuz" "initrd.gz=$MKI_MEDIA/initrd.gz")
    [[ -n $pad ]] && graft+=("pad.bin=$pad")
    xorriso -as mkisofs -quiet -o "$out" -V "$LIVE_LABEL" -R -J -e boot/grub/efi.img \
        -no-emul-boot -graft-points "${graft[@]}" 2>/dev/null
}

# make_mkinitcpio_efi_iso OUT CFG RULE: run_mkinitcpio_efi_xorriso's ISO,
# its size obeying RULE (fit_iso_size).
make_mkinitcpio_efi_iso() {
    ensure_mkinitcpio_media || return 1
    (flock 9 && build_live_efi) 9>"$MEDIA/.lock" || return 1
    fit_iso_size "$1" "$3" run_mkinitcpio_efi_xorriso "$1" "$2"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    ensure_media
    ensure_mkinitcpio_media
    log "media: up to date in $MKI_MEDIA"
    printf '%s\n' "$MKI_MEDIA/initrd.gz"
fi
