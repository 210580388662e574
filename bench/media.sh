# shellcheck shell=bash
# media.sh - the benchmarks' media, built once into $BENCH (sourced by
# bench/run.sh after tests/boot/media.sh, whose shared media and builders
# they reuse): the large ISO (150 MiB /pad.bin) and its gzip, the small ISO
# that waits at ISOLINUX's prompt, the floppy with a fixed token, the ISO
# of the in-guest read, and the UEFI part's ISO (GRUB for x86_64-efi that
# reads a large file).  Each is rebuilt only when its inputs change.

# bench_fresh NAME HASH: true when $BENCH/NAME exists and was built from HASH.
bench_fresh() {
    [[ -e $BENCH/$1 && -f $BENCH/$1.stamp && $(cat "$BENCH/$1.stamp") == "$2" ]]
}

# bench_stamp NAME HASH: record that $BENCH/NAME was built from HASH.
bench_stamp() { printf '%s\n' "$2" >"$BENCH/$1.stamp"; }

# big_cfg: the ISOLINUX configuration of the large ISO: serial console, no
# prompt, and a kernel line without "quiet" (with it, ISOLINUX does not print
# its "Loading ..." lines).
big_cfg() {
    printf '%s\n' "SERIAL 0 115200" "PROMPT 0" "TIMEOUT 0" "DEFAULT linux" \
        "LABEL linux" "  LINUX /vmlinuz" "  INITRD /pad.bin" \
        "  APPEND console=ttyS0,115200 panic=-1"
}

# prompt_cfg: the configuration of the small ISO: ISOLINUX prints its banner
# and then waits at "boot:" for ever (a still guest for the memory reading).
prompt_cfg() {
    printf '%s\n' "SERIAL 0 115200" "PROMPT 1" "TIMEOUT 0" "DEFAULT linux" \
        "LABEL linux" "  LINUX /vmlinuz" "  INITRD /initrd.gz" \
        "  APPEND console=ttyS0,115200 panic=-1"
}

# build_big_bin: 150 MiB of random data, made once (its content never matters).
build_big_bin() {
    local f=$BENCH/big.bin
    [[ -f $f && $(file_size "$f") -eq $((BIG_MIB << 20)) ]] && return 0
    log "bench media: big.bin ($BIG_MIB MiB of random data)"
    head -c "${BIG_MIB}M" /dev/urandom >"$f.new"
    mv "$f.new" "$f"
}

# build_big_iso: the large ISO (iso-tree + big.bin as /pad.bin) and its gzip.
build_big_iso() {
    local hash
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(big_cfg)" \
        "big=$(stat -c %s-%Y "$BENCH/big.bin")")
    bench_fresh big.iso.gz "$hash" && return 0
    log "bench media: big.iso and big.iso.gz"
    big_cfg >"$BENCH/big.cfg"
    run_xorriso "$BENCH/big.iso" "$BENCH/big.cfg" "$BENCH/big.bin"
    gzip -6n -c "$BENCH/big.iso" >"$BENCH/big.iso.gz.new"
    mv "$BENCH/big.iso.gz.new" "$BENCH/big.iso.gz"
    bench_stamp big.iso.gz "$hash"
}

# build_small_iso: the harness's normal test ISO (make_iso, size rule "odd"),
# with prompt_cfg as its configuration.
build_small_iso() {
    local hash
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(prompt_cfg)")
    bench_fresh small.iso "$hash" && return 0
    log "bench media: small.iso"
    prompt_cfg >"$BENCH/small.cfg"
    make_iso "$BENCH/small.iso" "$BENCH/small.cfg" odd
    bench_stamp small.iso "$hash"
}

# build_read_iso: the ISO of the in-guest read (7.): the harness's ISOLINUX
# tree with boot_cfg for guest case bench_read (fixed token) and big.bin as
# /pad.bin, lengthened by whole sectors until the ISO is a 4 KiB multiple
# (phram needs that under SYSLINUX MEMDISK, which reports the file's size).
build_read_iso() {
    local hash pad=$BENCH/read-pad.bin short _
    hash=$(inputs_hash "$MEDIA/iso-tree.stamp" "$(boot_cfg bench_read "$READ_TOKEN")" \
        "big=$(stat -c %s-%Y "$BENCH/big.bin")")
    bench_fresh read.iso "$hash" && return 0
    log "bench media: read.iso"
    boot_cfg bench_read "$READ_TOKEN" >"$BENCH/read.cfg"
    cp "$BENCH/big.bin" "$pad"
    for _ in 1 2 3; do
        run_xorriso "$BENCH/read.iso" "$BENCH/read.cfg" "$pad"
        short=$(((4096 - $(file_size "$BENCH/read.iso") % 4096) % 4096))
        [[ $short -eq 0 ]] && break
        truncate -s "+$short" "$pad"
    done
    rm -f "$pad"
    [[ $short -eq 0 ]] || die "could not make read.iso a 4 KiB multiple"
    bench_stamp read.iso "$hash"
}

# build_bench_floppy: the harness's floppy (its boot sector prints on the
# screen and halts) with a fixed token.
build_bench_floppy() {
    local hash
    hash=$(inputs_hash "$MEDIA/floppy.img.stamp" "token=$FLOPPY_TOKEN")
    bench_fresh floppy.img "$hash" && return 0
    log "bench media: floppy.img"
    make_floppy "$BENCH/floppy.img" "$FLOPPY_TOKEN"
    bench_stamp floppy.img "$hash"
}

# EFI_MARK: the text around which the UEFI ISO's GRUB prints its markers.
EFI_MARK=MEMBOOT-UEFI-BENCH

# efi_grub_cfg: the grub.cfg of the UEFI part's ISO, no menu: GRUB writes
# on the serial line itself (port I/O), and only there (with `terminal_output
# serial console` every character would come twice, interleaved, since OVMF
# mirrors its console on the same port).  It loads the test kernel, then
# reads /big.bin whole as the initrd between two markers, then halts.
# `initrd` reads the file with one grub_file_read into memory it allocated:
# the disk's own read speed, with nothing computed on the data (GRUB's crc or
# hashsum would checksum every byte, which under TCG costs more than the
# reading and would hide the differences between the disks).
efi_grub_cfg() {
    printf '%s\n' "serial --unit=0 --speed=115200" \
        "terminal_input serial console" "terminal_output serial" \
        "echo $EFI_MARK grub" \
        "linux /vmlinuz console=ttyS0,115200 panic=-1" \
        "echo $EFI_MARK read-start" \
        "if initrd /big.bin; then echo $EFI_MARK read-end; else echo $EFI_MARK read-failed; fi" \
        "halt"
}

# build_efi_bin: the UEFI ISO's large file: the first EFI_BIG_MIB MiB of
# big.bin (random, so incompressible).
build_efi_bin() {
    local f=$BENCH/efi-big.bin
    [[ -f $f && $(file_size "$f") -eq $((EFI_BIG_MIB << 20)) &&
        ! $BENCH/big.bin -nt $f ]] && return 0
    log "bench media: efi-big.bin ($EFI_BIG_MIB MiB of big.bin)"
    head -c "${EFI_BIG_MIB}M" "$BENCH/big.bin" >"$f.new"
    mv "$f.new" "$f"
}

# build_efi_iso: the UEFI part's ISO: grub-mkrescue for x86_64-efi only (an
# El Torito EFI image, and a GPT with an ESP, as grub-mkrescue makes them)
# with efi_grub_cfg, the test kernel as /vmlinuz and efi-big.bin as /big.bin;
# it boots on UEFI only.  And efi.iso.gz, its gzip (-6n; the random file
# makes deflate store most of it).
build_efi_iso() {
    local hash out=$BENCH/efi.iso tree=$BENCH/efi.d
    hash=$(inputs_hash "$MEDIA/vmlinuz.stamp" "$(efi_grub_cfg)" "$GRUB_EFI/kernel.img" \
        "$GRUB_EFI/normal.mod" "modules=$EFI_GRUB_MODULES" \
        "big=$(stat -c %s-%Y "$BENCH/efi-big.bin")")
    bench_fresh efi.iso "$hash" && [[ -f $out.gz ]] && return 0
    log "bench media: efi.iso"
    rm -rf "$tree"
    mkdir -p "$tree/boot/grub"
    efi_grub_cfg >"$tree/boot/grub/grub.cfg"
    grub-mkrescue -d "$GRUB_EFI" --locales= --fonts= --themes= \
        --install-modules="$EFI_GRUB_MODULES" -o "$out.new" "$tree" \
        "vmlinuz=$MEDIA/vmlinuz" "big.bin=$BENCH/efi-big.bin" >"$BENCH/efi.log" 2>&1 ||
        { cat "$BENCH/efi.log" >&2; rm -rf "$tree"; die "grub-mkrescue failed for efi.iso"; }
    rm -rf "$tree" "$BENCH/efi.log"
    gzip -6n -c "$out.new" >"$out.gz.new"
    mv "$out.new" "$out"
    mv "$out.gz.new" "$out.gz"
    bench_stamp efi.iso "$hash"
}

# build_bench_media: the harness's shared media, then ours.
build_bench_media() {
    ensure_media >&2 || die "could not build the test media (tests/boot/media.sh)"
    mkdir -p "$BENCH"
    (
        flock 9
        build_big_bin
        build_big_iso
        build_small_iso
        build_bench_floppy
        build_read_iso
        build_efi_bin
        build_efi_iso
    ) 9>"$BENCH/.lock"
}
