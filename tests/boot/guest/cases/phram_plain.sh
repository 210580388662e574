# phram_plain.sh - what Debian live-boot runs, word for word:
# modprobe phram "phram=memdisk,$(memdiskfind)", then mtdblock; report the
# device and the sha256 of its first LEN bytes.
found=$(memdiskfind.syslinux)
emit ref_find "$found"
len=$((${found#*,}))
emit len "$len"
capture phram modprobe phram "phram=memdisk,$found"
capture mtdblock modprobe mtdblock
sleep 1
dev=/dev/mtdblock0
[ -b "$dev" ] || dev=
emit dev "$dev"
emit phram_dmesg "$(dmesg | grep -i phram | tail -n 3 | tr '\n' ' ')"
if [ -n "$dev" ]; then
    emit sha256 "$(device_sha256 "$dev" "$len")"
else
    emit sha256 none
fi
:
