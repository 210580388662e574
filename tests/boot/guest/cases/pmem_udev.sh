# pmem_udev.sh - memboot's pmem option, with no memboot tool involved: load
# the module each platform device asks for (as udev would), then report the
# /dev/pmem* that appears, the sha256 of its first LEN bytes, and the ISO
# volume label on it. Then the finders, which must still see the image.
for a in /sys/bus/platform/devices/*/modalias; do
    modprobe "$(cat "$a")" 2>/dev/null
done
modprobe nd_pmem 2>/dev/null   # the namespace's driver (udev loads it by its modalias too)
for m in /sys/bus/nd/devices/*/modalias; do
    [ -f "$m" ] && modprobe "$(cat "$m")" 2>/dev/null
done
sleep 1
dev=
for d in /dev/pmem*; do [ -b "$d" ] && dev=$d && break; done
emit dev "$dev"
emit iomem "$(grep -i persistent /proc/iomem | tr '\n' ';')"
found=$(memdiskfind.syslinux)
emit ref_find "$found"
emit ours_find "$(memdiskfind)"
len=$((${found#*,}))
emit len "$len"
if [ -n "$dev" ]; then
    emit sha256 "$(device_sha256 "$dev" "$len")"
    emit label "$(dd if="$dev" bs=1 skip=32808 count=32 2>/dev/null | tr -d ' ')"
else
    emit sha256 none
fi
:
