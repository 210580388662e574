# shellcheck shell=bash disable=SC2034
# common.sh - paths and small helpers for the boot tests' shell parts (sourced).
#
# Environment:
#   MEMBOOT_BUILD  folder with our static tools (default: <repo>/build)
#   MEMBOOT_CACHE  cache for the kernel and media (default: ~/.cache/memboot)
#   MEMDISK        the MEMDISK loader used by "memdisk" cases
#                  (default: Debian's /usr/lib/syslinux/memdisk)
#   MEMBOOT_MEMDISK  our loader, for "memboot" cases (default: $MEMBOOT_BUILD/memdisk)
#   MEMBOOT_EFI    our UEFI loader, for "memboot-efi" cases (default: $MEMBOOT_BUILD/memdisk.efi)

BOOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BOOT_DIR/../.." && pwd)
BUILD=${MEMBOOT_BUILD:-$REPO/build}
CACHE=${MEMBOOT_CACHE:-$HOME/.cache/memboot}
MEDIA=$CACHE/media
MEMDISK=${MEMDISK:-/usr/lib/syslinux/memdisk}
MEMBOOT_MEMDISK=${MEMBOOT_MEMDISK:-$BUILD/memdisk}
MEMBOOT_EFI=${MEMBOOT_EFI:-$BUILD/memdisk.efi}

# Host files that go into the media.
ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
PXELINUX_BIN=/usr/lib/PXELINUX/pxelinux.0
SYSLINUX_BIOS=/usr/lib/syslinux/modules/bios
MBR_BIN=/usr/lib/syslinux/mbr/mbr.bin
HOST_BUSYBOX=/bin/busybox
HOST_MEMDISKFIND=/usr/bin/memdiskfind
HOST_LDSO=/lib64/ld-linux-x86-64.so.2
HOST_LIBC=/lib/x86_64-linux-gnu/libc.so.6
GRUB_EFI=/usr/lib/grub/x86_64-efi       # GRUB's x86_64-efi platform (grub-efi-amd64-bin)

# Kernel modules the guest may need (dependencies are added from modules.dep):
# nfit binds the ACPI NVDIMM root device of a UEFI RAM disk's NFIT range.
GUEST_MODULES=(phram mtdblock nbd loop nd_pmem nd_e820 libnvdimm nd_btt nfit isofs)

# Placeholder for the per-run token in the floppy boot sector (see floppy.S).
FLOPPY_TOKEN_PLACEHOLDER=@@@@@@@@@@@@@@@@

# log MSG: progress message on stderr.
log() { printf '%s\n' "$*" >&2; }

# die MSG: error message on stderr, then exit.
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# new_token: print a random 16-hex-digit token.
new_token() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# file_size FILE: print the size of FILE in bytes.
file_size() { stat -c %s "$1"; }

# file_sha256 FILE: print the sha256 of FILE.
file_sha256() { sha256sum "$1" | cut -d' ' -f1; }

# kernel_version: print the guest kernel version fetched by scripts/deps.sh.
kernel_version() {
    [[ -s $CACHE/kernel/current ]] || die "no guest kernel: run scripts/deps.sh"
    cut -d' ' -f1 "$CACHE/kernel/current"
}
