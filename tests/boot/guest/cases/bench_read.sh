# bench_read.sh - bench/run.sh's in-guest read speed (not a boot-test case).
# Makes the MEMDISK image a block device the way a user would: /dev/pmemN if
# the kernel made one by itself (memboot's pmem option; modules loaded by
# modalias, as udev would), else memdisk-attach --backend=phram
# (/dev/mtdblockN), or the backend memboot.backend=NAME on the memdisk's
# command line names (bench/inject.sh: memdisk-attach reads it there).  Then drops the page cache and reads the whole device once
# with dd bs=1M to /dev/null, timed in the guest from /proc/timer_list's
# "now at N nsecs" (CLOCK_MONOTONIC; busybox date has no %N), and reports
#     read_start=1                          just before the read
#     read=BACKEND DEV BYTES NS MB/s RC     just after it (MB = 10^6 bytes)
now_ns() {
    sed -n '/^now at /{s/^now at \([0-9]*\) nsecs.*/\1/p;q}' /proc/timer_list
}

for a in /sys/bus/platform/devices/*/modalias; do
    modprobe "$(cat "$a")" 2>/dev/null
done
modprobe nd_pmem 2>/dev/null
for m in /sys/bus/nd/devices/*/modalias; do
    [ -f "$m" ] && modprobe "$(cat "$m")" 2>/dev/null
done
dev=
for i in 1 2 3 4 5 6 7 8 9 10; do
    for d in /dev/pmem*; do [ -b "$d" ] && dev=$d && break; done
    [ -n "$dev" ] && break
    # No pmem range in the memory map: no device will come.
    grep -qi persistent /proc/iomem || break
    sleep 0.2
done
want=$(memdiskfind --verbose 2>&1 | sed -n 's/.*memboot\.backend=\([a-z]*\).*/\1/p' | head -n1)
if [ -n "$dev" ] && [ -z "$want" ]; then
    backend=pmem
elif [ -n "$want" ]; then
    backend=$want
    capture attach memdisk-attach
    dev=$(head -n1 /tmp/attach.out)
else
    backend=phram
    capture attach memdisk-attach --backend=phram
    dev=$(head -n1 /tmp/attach.out)
fi
emit dev "$dev"
if [ -z "$dev" ] || [ ! -b "$dev" ]; then
    emit read "$backend none 0 0 0 1"
    exit 1
fi
bytes=$(blockdev --getsize64 "$dev")
sync
echo 3 >/proc/sys/vm/drop_caches
emit read_start 1
t0=$(now_ns)
dd if="$dev" of=/dev/null bs=1M 2>/tmp/dd.err
rc=$?
t1=$(now_ns)
ns=$((t1 - t0))
emit read "$backend $dev $bytes $ns $(awk -v b="$bytes" -v n="$ns" 'BEGIN { printf "%.1f", (n > 0 ? b * 1000 / n : 0) }') $rc"
emit dd_err "$(joined /tmp/dd.err)"
:
