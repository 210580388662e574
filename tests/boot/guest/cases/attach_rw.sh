# attach_rw.sh - devices are read-only by default and writable with --rw, and
# writes land in the image in RAM: write a token into the last sector through a
# --rw phram device, then read it back through a fresh nbd device (which reads
# /dev/mem directly, so no cache can answer).
found=$(memdiskfind)
len=$((${found#*,}))
last=$((len / 512 - 1))
mark="MEMBOOT-RW-$TOKEN"

dev=$(memdisk-attach --backend=phram 2>/tmp/ro.err)
emit ro_dev "$dev"
if printf '%s' "$mark" | dd of="$dev" bs=512 seek="$last" conv=notrunc,fsync 2>/tmp/ro_write.err; then
    emit ro_write accepted
else
    emit ro_write refused
fi
emit ro_write_err "$(joined /tmp/ro_write.err)"
memdisk-attach --detach "$dev"

dev=$(memdisk-attach --rw --backend=phram 2>/tmp/rw.err)
emit rw_dev "$dev"
printf '%s' "$mark" | dd of="$dev" bs=512 seek="$last" conv=notrunc,fsync 2>/tmp/rw_write.err
emit rw_write_rc "$?"
emit rw_write_err "$(joined /tmp/rw_write.err)"
memdisk-attach --detach "$dev"

dev=$(memdisk-attach --backend=nbd 2>/tmp/nbd.err)
emit check_dev "$dev"
emit readback "$(dd if="$dev" bs=512 skip="$last" count=1 2>/dev/null | head -c ${#mark})"
memdisk-attach --detach "$dev"
:
# An nbd device captured with 2>&1 must not keep the caller waiting (the
# daemon keeps none of its stdio); asking for it writable then is refused;
# --detach leaves devices it did not make alone.
dev=$(timeout -s KILL 20 memdisk-attach --backend=nbd 2>&1)
emit subst_rc "$?"
emit subst_dev "$dev"
capture mismatch memdisk-attach --rw --backend=nbd
modprobe loop 2>/dev/null
capture foreign memdisk-attach --detach /dev/loop7
capture nbd_detach memdisk-attach --detach "$dev"
:
