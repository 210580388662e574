#!/usr/bin/env bash
# distro.sh - unmodified distribution media: live ISOs built the way the
# distribution builds them, with nothing of memboot in them (sourced by
# images.sh after media.sh; run it to build them: tests/boot/distro.sh debian).
#
# Shared media in $MEDIA:
#   debian-live.iso      a Debian 12 live ISO made by Debian's live-build
#                        (lb config DEBIAN_LB_OPTIONS, then lb build, as root,
#                        from the Debian mirror apt already uses): isohybrid,
#                        ISOLINUX and EFI GRUB, /live/vmlinuz, /live/initrd.img
#                        (initramfs-tools + live-boot, MODULES=most),
#                        /live/filesystem.squashfs.  About 8 minutes to build.
#   debian-live.initrd.txt   what distro_check_initrd found in its initrd: the
#                        property the memdisk boots of it depend on (none of
#                        memdiskfind, phram, mtdblock, nfit, libnvdimm,
#                        nd_pmem, anything of memboot's) and what it does hold
#                        (nbd, loop, brd, mtd, busybox)
# The ISO is rebuilt only when its stamp changes: live-build's and
# debootstrap's versions, the options, the mirror and DEBIAN_LB_RECIPE (bump
# it when the way the ISO is made changes); not these scripts, so that editing
# them does not cost a rebuild.  The build runs in a scratch folder
# ($MEDIA/debian-live.build, removed afterwards, chroot and all); only the ISO,
# its listing and the build's log are kept.  The ISO's size is not a multiple
# of 4 KiB (as with the test ISOs: current kernels refuse phram over such a
# length unless given an erase size; see odd_size_iso).
#
# Image kind distro:debian (images.sh): the case folder gets a hard link to
# the ISO, after distro_check_initrd has checked the property again.

DEBIAN_LB_OPTIONS=(-d bookworm --binary-images iso-hybrid --debian-installer none --memtest none
    --apt-recommends false --firmware-binary false --firmware-chroot false --archive-areas main
    --linux-flavours amd64 --bootappend-live "boot=live components console=ttyS0,115200"
    --security false --updates false)
DEBIAN_LB_SUITE=bookworm
DEBIAN_LB_RECIPE=1
DEBIAN_LIVE=debian-live.iso

# What the initrd of an unmodified ISO must not hold (find -iname patterns):
# anything that lets it find a memdisk's image (Debian live-boot uses
# memdiskfind + phram + mtdblock when syslinux-utils was installed; nfit,
# libnvdimm and nd_pmem turn a UEFI RAM disk into /dev/pmemN) or anything of
# memboot's.  And what is of interest for an integration that adds itself
# (shown in the listing; nbd and busybox are needed).
DISTRO_ABSENT=('memdiskfind*' 'phram.ko*' 'mtdblock.ko*' 'nfit.ko*' 'libnvdimm.ko*' 'nd_pmem.ko*'
    '*memboot*' 'memdisk-attach*')
DISTRO_INTEREST=('nbd.ko*' 'loop.ko*' 'brd.ko*' 'mtd.ko*' 'busybox')
DISTRO_NEEDED=('nbd.ko*' 'busybox')

# apt_mirror SUITE: print the URI of the first enabled "deb" source of apt
# (/etc/apt/sources.list and sources.list.d: one-line .list and deb822
# .sources files) whose suites include SUITE.
apt_mirror() {
    local suite=$1 f uris
    uris=$(for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.{list,sources}; do
        [[ -f $f ]] || continue
        if [[ $f == *.sources ]]; then
            # deb822: stanzas of "Field: value" lines, separated by blank lines.
            awk -v suite="$suite" '
                function flush() {
                    if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") \
                        && tolower(enabled) != "no" && uris != "") {
                        split(uris, u, " "); print u[1]; found = 1; exit
                    }
                    types = suites = uris = enabled = ""
                }
                /^[ \t]*#/ { next }
                /^[ \t]*$/ { flush(); next }
                { f = tolower($1); sub(/:.*/, "", f); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
                  if (f == "types") types = v; else if (f == "suites") suites = v
                  else if (f == "uris") uris = v; else if (f == "enabled") enabled = v }
                END { if (!found) flush() }' "$f"
        else
            # deb [options] URI SUITE COMPONENT...
            awk -v suite="$suite" '
                $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                              if ($(i + 1) == suite) { print $i; exit } }' "$f"
        fi
    done)
    [[ -n $uris ]] || return 1
    printf '%s\n' "${uris%%$'\n'*}"
}

# host_version PKG: the installed version of a Debian package ("" if none).
host_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# debian_live_stamp MIRROR: the stamp of debian-live.iso (not inputs_hash:
# that includes media.sh, and an edit there must not cost an 8-minute build).
debian_live_stamp() {
    printf '%s\n' "recipe=$DEBIAN_LB_RECIPE" "live-build=$(host_version live-build)" \
        "debootstrap=$(host_version debootstrap)" "mirror=$1" "options=${DEBIAN_LB_OPTIONS[*]}" |
        sha256sum | cut -d' ' -f1
}

# as_root CMD...: run CMD as root (directly, or through sudo).
as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# scrub_build DIR: remove a live-build folder: first whatever is still
# mounted under it (a build that was cut short leaves proc, sysfs, devpts in
# its chroot), then the files, never crossing into another file system.
scrub_build() {
    local dir=$1 mnt
    [[ -e $dir ]] || return 0
    dir=$(readlink -f "$dir")
    if [[ -f $dir/config/common ]]; then
        (cd "$dir" && as_root lb clean --purge >/dev/null 2>&1) || true
    fi
    # Deepest mounts first.
    while read -r mnt; do
        as_root umount -l "$mnt" 2>/dev/null || true
    done < <(findmnt -rn -o TARGET | awk -v d="$dir/" 'index($0 "/", d) == 1' | sort -r)
    as_root rm -rf --one-file-system "$dir"
    [[ ! -e $dir ]] || { log "distro: could not remove $dir"; return 1; }
}

# lb_step LOG CMD...: run a live-build command as root in the current
# folder, its output appended to LOG; on failure show LOG's tail.
lb_step() {
    local log=$1
    shift
    printf '\n$ %s\n' "$*" >>"$log"
    as_root "$@" >>"$log" 2>&1 </dev/null ||
        { log "distro: '$*' failed; the end of $log:"; tail -n 30 "$log" >&2; return 1; }
}

# build_distro_debian: build $MEDIA/debian-live.iso with live-build if its
# stamp changed (about 8 minutes), then check its initrd.
build_distro_debian() {
    local iso=$MEDIA/$DEBIAN_LIVE work=$MEDIA/debian-live.build log=$MEDIA/debian-live.build.log
    local listing=$MEDIA/debian-live.initrd.txt mirror hash size t0
    mirror=$(apt_mirror "$DEBIAN_LB_SUITE") ||
        { log "distro: no apt source for $DEBIAN_LB_SUITE in /etc/apt"; return 1; }
    hash=$(debian_live_stamp "$mirror")
    if is_fresh "$DEBIAN_LIVE" "$hash"; then
        [[ -s $listing ]] || distro_check_initrd "$iso" "$listing"
        return
    fi
    command -v lb >/dev/null ||
        { log "distro: live-build is not installed (scripts/deps.sh)"; return 1; }
    log "media: $DEBIAN_LIVE (live-build $(host_version live-build), mirror $mirror;" \
        "about 8 minutes)"
    t0=$(date +%s)
    scrub_build "$work" || return 1
    rm -f "$iso" "$MEDIA/$DEBIAN_LIVE.stamp" "$listing"
    mkdir -p "$work"
    : >"$log"
    (
        cd "$work" &&
            lb_step "$log" lb config --mirror-bootstrap "$mirror" --mirror-chroot "$mirror" \
                --mirror-binary "$mirror" "${DEBIAN_LB_OPTIONS[@]}" &&
            lb_step "$log" lb build &&
            odd_size_iso "$work" "$log"
    ) || { scrub_build "$work"; return 1; }
    as_root chown "$(id -u):$(id -g)" "$work/odd.iso"
    mv "$work/odd.iso" "$iso.new"
    scrub_build "$work" || return 1
    distro_check_initrd "$iso.new" "$listing" || { rm -f "$iso.new"; return 1; }
    mv "$iso.new" "$iso"
    set_stamp "$DEBIAN_LIVE" "$hash"
    size=$(file_size "$iso")
    log "media: $DEBIAN_LIVE: $size bytes, built in $(($(date +%s) - t0)) s"
    printf '%s\n' "built in $(($(date +%s) - t0)) s: $size bytes" >>"$log"
}

# odd_size_iso WORK LOG: make WORK/odd.iso from live-build's tree in WORK
# (after lb build), an ISO whose size is not a multiple of 4 KiB.  xorriso
# pads an isohybrid image (-isohybrid-mbr, which live-build gives it) to
# whole cylinders of 1 MiB, so live-build's own ISO is always a 4 KiB
# multiple, whatever file config/includes.binary adds.  So live-build's own
# xorriso command (it records it as binary/.disk/mkisofs) is run again on the
# same tree with -partition_cyl_align off: the same image without the
# padding (MBR, GPT, APM and El Torito made as before).  If that is a 4 KiB
# multiple too, a file of 2 KiB (then 4, 6) goes into config/includes.binary
# and into binary/ as lb binary_includes puts it there, and the command runs
# again.  (Not lb clean --binary and lb binary: that makes a new squashfs,
# whose size differs by more than the file's.)
odd_size_iso() {
    local work=$1 log=$2 size pad
    rerun_xorriso "$work" "$log" || return 1
    size=$(file_size "$work/odd.iso")
    printf '%s\n' "live-build: $(file_size "$work/live-image-amd64.hybrid.iso") bytes;" \
        "without cylinder padding: $size bytes" >>"$log"
    local inc=$work/config/includes.binary
    for pad in 2048 4096 6144; do
        ((size % 4096 != 0)) && return 0
        log "distro: $size bytes, a 4 KiB multiple: again with a $pad-byte /pad.bin"
        as_root mkdir -p "$inc" &&
            head -c "$pad" /dev/zero | as_root tee "$inc/pad.bin" >/dev/null &&
            as_root cp --preserve=timestamps "$inc/pad.bin" "$work/binary/pad.bin" &&
            rerun_xorriso "$work" "$log" || return 1
        size=$(file_size "$work/odd.iso")
        printf '%s\n' "with a $pad-byte /pad.bin: $size bytes" >>"$log"
    done
    ((size % 4096 != 0)) ||
        { log "distro: the ISO is still a 4 KiB multiple ($size bytes)"; return 1; }
}

# rerun_xorriso WORK LOG: live-build's recorded xorriso command
# (WORK/binary/.disk/mkisofs), with -partition_cyl_align off and WORK/odd.iso
# as its output, run in WORK.
rerun_xorriso() {
    local work=$1 log=$2 cmd iso=live-image-amd64.hybrid.iso
    cmd=$(cat "$work/binary/.disk/mkisofs") || return 1
    [[ $cmd == "xorriso -as mkisofs "*" -o $iso binary" ]] ||
        { log "distro: unexpected xorriso command in binary/.disk/mkisofs: $cmd"; return 1; }
    cmd="${cmd% -o "$iso" binary} -partition_cyl_align off -o odd.iso binary"
    (cd "$work" && rm -f odd.iso && lb_step "$log" sh -c "$cmd")
}

# distro_check_initrd ISO LISTING: unpack the ISO's /live/initrd.img
# (unmkinitramfs: every cpio segment, compressed or not) and check that it
# holds none of DISTRO_ABSENT and each of DISTRO_NEEDED; write what it holds
# of DISTRO_INTEREST, its kernel and the scripts that mention memdiskfind to
# LISTING.  Fails loudly otherwise.
distro_check_initrd() {
    local iso=$1 listing=$2 tmp pat hits state bad=0 kver
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/memboot-initrd.XXXXXX")
    xorriso -osirrox on -indev "$iso" -extract /live/initrd.img "$tmp/initrd.img" >/dev/null 2>&1 ||
        { rm -rf "$tmp"; log "distro: $iso has no /live/initrd.img"; return 1; }
    unmkinitramfs "$tmp/initrd.img" "$tmp/root" 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; rm -rf "$tmp"; log "distro: unmkinitramfs failed on $iso"; return 1; }
    kver=$(cd "$tmp/root" && find . -path '*/lib/modules/*' -prune -name '[0-9]*' -print | head -n1)
    {
        printf '# /live/initrd.img of %s (unmkinitramfs), checked by tests/boot/distro.sh\n' \
            "$(basename "${iso%.new}")"
        printf 'iso_bytes=%s\ninitrd_bytes=%s\nkernel=%s\nfiles=%s\n' "$(file_size "$iso")" \
            "$(file_size "$tmp/initrd.img")" "${kver##*/}" \
            "$(cd "$tmp/root" && find . ! -type d | wc -l)"
        for pat in "${DISTRO_ABSENT[@]}"; do
            hits=$(cd "$tmp/root" && find . -iname "$pat" | sort | tr '\n' ' ')
            if [[ -n $hits ]]; then
                printf 'PRESENT-BUT-MUST-NOT-BE %s: %s\n' "$pat" "$hits"
            else
                printf 'absent %s\n' "$pat"
            fi
        done
        for pat in "${DISTRO_INTEREST[@]}"; do
            hits=$(cd "$tmp/root" && find . -name "$pat" ! -type d | sort | tr '\n' ' ')
            state=missing
            [[ -n $hits ]] && state=present
            printf '%s %s: %s\n' "$state" "$pat" "${hits% }"
        done
        # Scripts that would use a finder if one were there (live-boot's
        # memdiskfind + phram): where an added segment can hook in.
        printf 'mentions memdiskfind: %s\n' \
            "$(cd "$tmp/root" && grep -rlI memdiskfind . | sort | tr '\n' ' ' | sed 's/ $//')"
    } >"$listing.new"
    rm -rf "$tmp"
    if grep -q '^PRESENT-BUT-MUST-NOT-BE' "$listing.new"; then
        log "distro: $iso's initrd holds what an unmodified ISO must not:"
        grep '^PRESENT-BUT-MUST-NOT-BE' "$listing.new" >&2
        bad=1
    fi
    for pat in "${DISTRO_NEEDED[@]}"; do
        grep -qF "present $pat: " "$listing.new" ||
            { log "distro: $iso's initrd has no $pat"; bad=1; }
    done
    [[ -n $kver ]] || { log "distro: $iso's initrd has no /lib/modules/KVER"; bad=1; }
    if [[ $bad -ne 0 ]]; then
        mv "$listing.new" "$listing.bad"
        log "distro: the property does not hold (listing: $listing.bad)"
        return 1
    fi
    mv "$listing.new" "$listing"
}

# ensure_distro_media FLAVOR: build the unmodified ISO of FLAVOR (debian)
# under the media lock.
ensure_distro_media() {
    mkdir -p "$MEDIA"
    (
        flock 9
        case $1 in
            debian) build_distro_debian ;;
            *) die "unknown distribution '$1'" ;;
        esac
    ) 9>"$MEDIA/.lock"
}

# make_distro_image OUT FLAVOR: the unmodified ISO of FLAVOR as OUT (a hard
# link into the cache; a copy across file systems), after its initrd was
# checked once more (the listing goes next to OUT).
make_distro_image() {
    local out=$1 flavor=$2 iso
    case $flavor in
        debian) iso=$MEDIA/$DEBIAN_LIVE ;;
        *) die "unknown distribution '$flavor'" ;;
    esac
    ensure_distro_media "$flavor" || return 1
    distro_check_initrd "$iso" "${out%.iso}.initrd.txt" || return 1
    ln -f "$iso" "$out" 2>/dev/null || cp "$iso" "$out"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    # shellcheck source=tests/boot/media.sh
    source "$(dirname "${BASH_SOURCE[0]}")/media.sh"
    ensure_distro_media "${1:-debian}"
    log "media: $MEDIA/$DEBIAN_LIVE is up to date"
    cat "$MEDIA/debian-live.initrd.txt" >&2
fi
