#!/bin/sh
# memboot-attach (dracut initqueue job): if a memdisk loaded a disk image into
# RAM, make it a block device with memdisk-attach and say so in one line;
# say nothing when there is no image.
#
# Kernel arguments:
#   memboot=off            do nothing
#   memboot.backend=NAME   force a backend: pmem, phram, nbd or copy
#   memboot.rw             a writable device (default: read-only)
#   memboot.sha256         print the sha256 of the image as the device reads it
# (the same words on the memdisk's own command line work too)

# shellcheck disable=SC1091 # dracut's, in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

case "$(getarg memboot=)" in
    off|0|no) exit 0 ;;
esac

set --
backend=$(getarg memboot.backend=)
getargbool 0 memboot.rw && set -- "$@" --rw
getargbool 0 memboot.sha256 && set -- "$@" --sha256

if [ ! -x /usr/bin/memdisk-attach ]; then
    warn "memboot: /usr/bin/memdisk-attach is not in this initramfs"
    exit 0
fi

# Backends: the one asked for, else memdisk-attach's own order (pmem, phram,
# nbd, copy).  nbd is safe in a systemd initrd too: its daemon survives the
# initqueue unit and the killing spree of switch-root ("@" in argv[0]), and
# it connects the device through netlink, so the SIGSTOP that systemd's
# broadcast_signal() sends every process first (kill(-1, SIGSTOP)) only
# pauses it; no process waits in the NBD_DO_IT ioctl for the signal to
# interrupt (memdisk-attach falls back to that ioctl only on kernels without
# nbd netlink).
if [ -n "$backend" ]; then
    order="$backend"
else
    order="auto"
fi

dev='' rc=1 errs=''
for b in $order; do
    if [ "$b" = auto ]; then
        dev=$(/usr/bin/memdisk-attach "$@" 2>/run/memboot.err)
    else
        dev=$(/usr/bin/memdisk-attach "$@" "--backend=$b" 2>/run/memboot.err)
    fi
    rc=$?
    # 0: attached; 1: no memdisk image (the same for every backend).
    [ $rc -le 1 ] && break
    errs="$errs${errs:+; }$(tr '\n' ' ' </run/memboot.err)"
done
case $rc in
    0)
        how=
        case $dev in
            /dev/pmem*) how=" (pmem)" ;;
            /dev/mtdblock*) how=" (phram)" ;;
            /dev/nbd*) how=" (nbd)" ;;
            /dev/loop*) how=" (loop: a copy in RAM, or a part of a pmem device)" ;;
        esac
        info "memboot: memdisk image attached as $dev$how"
        sum=$(sed -n 's/^memdisk-attach: \(sha256 .*\)/\1/p' /run/memboot.err)
        [ -n "$sum" ] && info "memboot: $sum"
        echo "MEMBOOT_DEVICE=$dev" >/run/memboot.env
        ;;
    1) ;; # no memdisk image: an ordinary boot
    *)
        warn "memboot: memdisk-attach failed (exit $rc): $errs"
        ;;
esac
rm -f /run/memboot.err
exit 0
