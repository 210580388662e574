#!/bin/bash
# memboot dracut module: if a memdisk (memboot's or SYSLINUX MEMDISK) loaded
# a disk image into RAM, make it a block device early in the initqueue with
# memdisk-attach, so that dmsquash-live (root=live:CDLABEL=...), or anything
# else that waits for a device by label or UUID, finds it through udev.
#
# Installed by `make install` as PREFIX/lib/dracut/modules.d/90memboot/;
# @BINDIR@ is replaced with the folder the tools were installed in.
# Not included unless asked for:
#   dracut --no-hostonly -a "dmsquash-live memboot" ...
# or add_dracutmodules+=" memboot " in a dracut.conf.d file.

# shellcheck disable=SC2154 # moddir, initdir, hostonly: set by dracut

MEMBOOT_BINDIR="@BINDIR@"

# memboot_tool NAME: path of memboot's tool NAME: in the folder the tools
# were installed in, else in PATH.
memboot_tool() {
    if [[ -x $MEMBOOT_BINDIR/$1 ]]; then
        printf '%s\n' "$MEMBOOT_BINDIR/$1"
    else
        find_binary "$1"
    fi
}

# called by dracut
check() {
    local tool
    for tool in memdisk-attach memdiskfind; do
        if ! memboot_tool "$tool" >/dev/null 2>&1; then
            dinfo "dracut module 'memboot' will not be installed: $tool is neither in $MEMBOOT_BINDIR nor in PATH"
            return 1
        fi
    done
    # Only when asked for (-a memboot, add_dracutmodules): an image booted
    # through a memdisk is a live or rescue medium, made on purpose.
    return 255
}

# called by dracut
depends() {
    # udevd and the persistent-storage rules that make /dev/disk/by-label.
    echo udev-rules
    return 0
}

# called by dracut
installkernel() {
    # The backends of memdisk-attach: pmem (nd_e820 or nfit, nd_pmem nd_btt
    # libnvdimm), phram + mtdblock, nbd, and loop (copy, or a pmem namespace
    # with the image inside).  Any kernel may lack some (Fedora and RHEL have
    # no phram): instmods without -c skips those.  hostonly='' because the
    # host's own hardware says nothing about the machine a memdisk boots.
    hostonly='' instmods nd_e820 nfit nd_pmem nd_btt libnvdimm phram mtdblock nbd loop
}

# called by dracut
install() {
    local tool path rules
    for tool in memdisk-attach memdiskfind; do
        path=$(memboot_tool "$tool") || return 1
        inst_binary "$path" "/usr/bin/$tool" || return 1
    done
    # /dev/disk/by-label and by-uuid links for mtdblock devices (phram):
    # systemd's 60-persistent-storage.rules has them for pmem, nbd and loop.
    # Installed beside this file; in memboot's source tree it is in
    # initramfs/udev.
    for rules in "$moddir/69-memboot.rules" "$moddir/../../udev/69-memboot.rules" ""; do
        [[ -f $rules ]] && break
    done
    if [[ $rules ]]; then
        inst_rules "$(readlink -f "$rules")"
    else
        dwarn "memboot: 69-memboot.rules is missing: images attached through phram get no /dev/disk/by-label link"
    fi
    inst_script "$moddir/memboot-attach.sh" /sbin/memboot-attach
    inst_hook pre-trigger 10 "$moddir/memboot-queue.sh"
    dracut_need_initqueue
}
