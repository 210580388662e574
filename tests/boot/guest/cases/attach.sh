# attach.sh - make the MEMDISK image a block device with memdisk-attach and
# report the device and the sha256 of its first LEN bytes.
# Kernel argument memboot.backend=NAME forces --backend=NAME.
emit ref_find "$(memdiskfind.syslinux 2>&1)"
len=$(image_len)
emit len "$len"
if [ -n "${ARG_backend:-}" ]; then
    capture attach memdisk-attach --verbose "--backend=$ARG_backend"
else
    capture attach memdisk-attach --verbose
fi
dev=$(head -n1 /tmp/attach.out)
emit dev "$dev"
if [ -n "$dev" ] && [ -b "$dev" ] && [ -n "$len" ]; then
    emit dev_size "$(blockdev --getsize64 "$dev" 2>/dev/null)"
    emit sha256 "$(device_sha256 "$dev" "$len")"
    emit read_err "$(joined /tmp/read.err)"
else
    emit sha256 "none"
fi
emit pmem_iomem "$(grep -i persistent /proc/iomem | tr '\n' ';')"
if [ -n "$dev" ] && [ -b "$dev" ]; then
    # A second run must report the same device, not make another.
    if [ -n "${ARG_backend:-}" ]; then
        capture again memdisk-attach "--backend=$ARG_backend"
    else
        capture again memdisk-attach
    fi
    capture detach memdisk-attach --detach "$dev"
    # What is left of the device: its size in sectors, or "gone".
    emit after_detach "$(cat "/sys/block/${dev#/dev/}/size" 2>/dev/null || echo gone)"
fi
:
