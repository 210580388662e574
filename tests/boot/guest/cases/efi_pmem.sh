# efi_pmem.sh - an image memdisk.efi left in RAM, as the booted Linux sees
# it: the modules the devices ask for are loaded by modalias only, as udev
# would (nfit for the ACPI NVDIMM root device, then nd_pmem for the
# namespace on the NFIT's range), until a /dev/pmemN appears.  Reports the
# device, its range and size, the sha256 of its first LEN bytes (LEN from
# Debian's memdiskfind, else ours, else the device's size), both finders'
# answers (and memboot's from the ACPI copy), memdisk-attach's device and its hash, and the NFIT's bytes (the
# host counts its ranges over the image).

# load_modaliases: modprobe every device's modalias (those no module claims fail quietly).
load_modaliases() {
    for a in /sys/bus/*/devices/*/modalias; do
        [ -f "$a" ] && modprobe -q "$(cat "$a")" 2>/dev/null
    done
}

# The finders before any module claims the range, for comparison.
emit ref_pre "$(memdiskfind.syslinux 2>&1)"
emit ours_pre "$(memdiskfind 2>&1)"

dev=
for round in 1 2 3 4 5 6 7 8 9 10; do
    load_modaliases
    for d in /dev/pmem*; do [ -b "$d" ] && dev=$d && break; done
    [ -n "$dev" ] && break
    sleep 0.5
done
emit rounds "$round"
emit modules "$(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
emit dev "$dev"
emit iomem "$(grep -i -B1 -e persistent -e namespace /proc/iomem | tr -s ' ' | tr '\n' ';')"
emit acpi_tables "$(ls /sys/firmware/acpi/tables | tr '\n' ' ')"
# The NFIT as hex; a second one would be NFIT2 (the host reads them all).
for t in /sys/firmware/acpi/tables/NFIT*; do
    [ -f "$t" ] && emit "nfit_hex_${t##*/}" "$(od -An -tx1 -v "$t" | tr -d ' \n')"
done

capture ref memdiskfind.syslinux
capture ours memdiskfind
capture ours_json memdiskfind --json
# memboot's ACPI copy of the tables (what a kernel in lockdown reads)
capture acpi memdiskfind --acpi /sys/firmware/acpi/tables/MBFT
capture acpi_words memdiskfind --acpi /sys/firmware/acpi/tables/MBFT --json

if [ -n "$dev" ]; then
    ns=/sys/block/${dev#/dev/}/device
    emit dev_size "$(blockdev --getsize64 "$dev")"
    emit dev_res "$(cat "$ns/resource" 2>/dev/null)"
    emit dev_ns "$(basename "$(readlink -f "$ns")")"
    emit dev_ro "$(cat "/sys/block/${dev#/dev/}/ro" 2>/dev/null)"
fi
len= from=
for who in ref ours; do
    out=$(cat "/tmp/$who.out")
    case $out in
        0x*,0x*) [ -z "$len" ] && len=$((${out#*,})) from=$who ;;
    esac
done
if [ -z "$len" ] && [ -n "$dev" ]; then
    len=$(blockdev --getsize64 "$dev") from=dev
fi
emit len "$len"
emit len_from "$from"
if [ -n "$dev" ] && [ -n "$len" ]; then
    emit sha256 "$(device_sha256 "$dev" "$len")"
    emit read_err "$(joined /tmp/read.err)"
else
    emit sha256 none
fi

capture attach memdisk-attach --verbose
adev=$(head -n1 /tmp/attach.out)
if [ -n "$adev" ] && [ -b "$adev" ] && [ -n "$len" ]; then
    emit attach_sha256 "$(device_sha256 "$adev" "$len")"
fi
:
