#!/bin/sh
# memboot dracut pre-trigger hook (in the segment a memboot loader appends to
# an initramfs it did not build; memboot-attach in /usr/lib/memboot because
# /sbin and /usr/sbin may be links the segment must not replace: /usr/sbin
# is one to bin in mkinitcpio images and in Fedora 42 and later): queue
# memboot-attach as the initqueue's first job.  udevd is running by now and the initqueue starts right after
# udev's coldplug trigger, before any "settled" job (dmsquash-live-root is
# one): the device memdisk-attach makes gets its by-label link from udev,
# which wakes the jobs waiting for the live medium.

# shellcheck disable=SC1091 # dracut's, in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

case "$(getarg memboot=)" in
    off|0|no) ;;
    *) /sbin/initqueue --onetime --unique --name memboot /usr/lib/memboot/memboot-attach ;;
esac
