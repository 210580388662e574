# demo.sh - the guest side of `make demo`: find the image the memdisk left in
# RAM, make it a block device, mount it and hash it, one stage per line.
emit stage "Linux $(uname -r) running its initramfs"
found=$(memdiskfind)
emit find "$found"
emit ref "$(memdiskfind.syslinux)"
emit json "$(memdiskfind --json | tr -d '\n' | sed 's/  */ /g')"
dev=$(memdisk-attach --verbose 2>/tmp/attach.err)
emit dev "$dev"
emit attach_log "$(joined /tmp/attach.err)"
modprobe isofs 2>/dev/null
mkdir -p /mnt
if mount -t iso9660 -o ro "$dev" /mnt 2>/tmp/mount.err; then
    # The ISO 9660 volume identifier: 32 bytes at 0x8028.
    emit label "$dev $(dd if="$dev" bs=1 skip=32808 count=32 2>/dev/null | tr -d ' ')"
    emit files "$(ls /mnt | tr '\n' ' ')"
    umount /mnt
else
    emit mount_err "$(joined /tmp/mount.err)"
fi
len=$((${found#*,}))
emit sha256 "$(head -c "$len" "$dev" | sha256sum | cut -d' ' -f1)"
:
