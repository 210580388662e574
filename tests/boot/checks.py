"""checks.py - the host-side checks of the boot tests (the table's check column).

check_NAME(case[, ARG]) is the check "NAME[:ARG]".  It reads what the boot
left: case.results (the guest's "MEMBOOT <token> key=value" lines; a key the
guest did not report reads as ""), the serial log, the screen, base memory.
Each thing it asserts is a need(condition, reason): the first that does not
hold fails the case with its reason.  It may set case.note for the PASS line.
"""
import hashlib
import os
import re
import subprocess
import uuid

import qemu
from harness import BUILD, Fail, need, parse_found, read_text

FLOPPY_BYTES = 1474560
MIB2 = 2 * 1024 * 1024
FOUR_GIB = 1 << 32
# What memdisk.efi says when it starts the image's loader (the default one).
EFI_STARTED = "memdisk.efi: starting \\EFI\\BOOT\\BOOTX64.EFI"
# NFIT range types (UEFI's RAM disk types, as the firmware registers them).
NFIT_TYPES = {uuid.UUID("77ab535a-45fc-624b-5560-f7b281d1f96e"): "VirtualDisk",
              uuid.UUID("3d5abd30-4175-87ce-6d64-d2ade523c4bb"): "VirtualCD"}
# Terminal escapes OVMF's console puts on the serial line (colours, modes).
ESCAPES = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][A-Za-z0-9]|[=>c])")


def run_check(case):
    """Run the case's check."""
    name, sep, arg = case.check.partition(":")
    CHECKS[name](case, *([arg] if sep else []))


def q(value):
    """VALUE, or "?" when it is empty (for messages)."""
    return value or "?"


def num(text):
    """TEXT as a number (decimal, or hex with 0x), None if it is not one."""
    try:
        return int(text, 0)
    except (TypeError, ValueError):
        return None


def image_len(case):
    """The image length the loader should report: memboot's memdisk and
    memdisk.efi reserve and report whole 4 KiB pages (the tail is zeros, so
    that phram=memdisk,$(memdiskfind) works on current kernels); SYSLINUX's
    reports the file's size."""
    size = os.path.getsize(case.raw or case.image)
    return (size + 4095) // 4096 * 4096 if case.loader in ("memboot", "memboot-efi") else size


def image_sha256(case):
    """The sha256 of the first image_len bytes the guest should see: the
    file, then zeros."""
    digest = hashlib.sha256()
    with open(case.raw or case.image, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    digest.update(bytes(image_len(case) - os.path.getsize(case.raw or case.image)))
    return digest.hexdigest()


def serial(case):
    """The case's serial log, without CRs."""
    return read_text(case.path("serial.log")).replace("\r", "")


def first_line(case, prefix):
    """The first serial line that starts with PREFIX, or ""."""
    return next((l for l in serial(case).splitlines() if l.startswith(prefix)), "")


def guest_ran(case):
    """The guest reported completion, its case script exited 0, and it ran
    on the firmware the case names (its /init says which)."""
    r = case.results
    want = qemu.FIRMWARE[case.firmware]["guest"]
    need(r["done"], "guest never printed 'done' (boot failed or timed out)")
    need(not r["error"], f"guest: {r['error']}")
    need(r["case_rc"] == "0", f"guest case script exited {q(r['case_rc'])}")
    need(r["firmware"] == want,
         f"the guest says it booted on '{q(r['firmware'])}' firmware, expected {want}")


def check_find(case):
    """Our memdiskfind and Debian's agree byte for byte, and found an image
    as long as the one on the host."""
    guest_ran(case)
    r = case.results
    need(r["ref_rc"] == "0", f"Debian memdiskfind exited {q(r['ref_rc'])}: {r['ref_err']}")
    need(r["ours_rc"] == "0", f"memdiskfind exited {q(r['ours_rc'])}: {r['ours_err']}")
    need(r["ours_out_hex"] == r["ref_out_hex"],
         f"outputs differ: ours '{r['ours_out']}' vs Debian '{r['ref_out']}'")
    size, found = image_len(case), num(r["ref_out"].partition(",")[2]) or 0
    need(found == size, f"found length {found}, expected {size} bytes")
    phram_json(case, found)
    need(r["nomem_rc"] == "2" and r["ref_nomem_rc"] == "2",
         f"without /dev/mem: exit {q(r['nomem_rc'])} (Debian's {q(r['ref_nomem_rc'])}), expected 2")
    need("cannot open /dev/mem" in r["nomem_err"],
         f"without /dev/mem the message is: {r['nomem_err']}")
    case.note = r["ours_out"]


def check_reserved_pages(case):
    """The disk starts inside the image (offset=512): memdiskfind names it
    there, and the kernel's memory map reserves every page it touches, the
    first one included (a reserved range from its page's start to past its
    last page's end), so that no page is shared with System RAM."""
    guest_ran(case)
    r = case.results
    found = parse_found(r["ours_out"])
    need(r["ours_rc"] == "0" and found, f"memdiskfind: '{r['ours_out']}' {r['ours_err']}")
    addr, length = found
    need(addr % 4096 == 512, f"the disk is at {addr:#x}: not 512 bytes into a page")
    lo, hi = addr // 4096 * 4096, (addr + length + 4095) // 4096 * 4096
    ranges = []
    for item in r["iomem"].split(";"):
        m = re.match(r"\s*([0-9a-f]+)-([0-9a-f]+) : (.*)", item)
        if m:
            ranges.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)))
    cover = [x for x in ranges if x[0] <= lo and hi <= x[1] and x[2] == "Reserved"]
    need(cover, f"no reserved range covers the pages {lo:#x}-{hi:#x} of the disk at "
         f"{addr:#x}+{length:#x}: " + "; ".join(f"{a:#x}-{b:#x} {t}" for a, b, t in ranges
                                                if a < hi and lo < b))
    case.note = f"disk at {addr:#x}+{length:#x}; reserved {cover[0][0]:#x}-{cover[0][1]:#x}"


def check_find_msg(case, text):
    """check_find, and the loader said TEXT on the serial line."""
    check_find(case)
    need(text in serial(case), f"the loader never said '{text}'")
    case.note += f"; said: {text}"


def phram_json(case, length):
    """--phram names the same range with an erase size that divides LENGTH
    (when one is given); --json carries the address and length."""
    r = case.results
    addr, p = num(r["ref_out"].partition(",")[0]), r["ours_phram_out"]
    need(r["ours_phram_rc"] == "0" and p.startswith("memdisk,"), f"memdiskfind --phram: '{p}'")
    _, pa, pl, es = (p.split(",", 3) + ["", ""])[:4]
    need(num(pa) == addr and num(pl) == length, f"--phram range '{p}' differs from '{r['ref_out']}'")
    if es:
        need(num(es) and length % num(es) == 0 and num(es) < 4096,
             f"--phram erase size {es} does not fit {length}")
    else:
        need(length % 4096 == 0, f"--phram gives no erase size for a length of {length}")
    need(r["ours_json_rc"] == "0", f"memdiskfind --json exited {q(r['ours_json_rc'])}")
    out = r["ours_json_out"]
    need(f'"address": {addr},' in out and f'"length": {length},' in out,
         f"--json lacks address/length: {out}")


def check_attach(case, prefix=""):
    """memdisk-attach made a device (named PREFIX...) whose first LEN bytes
    hash like the image on the host; a second run names the same device;
    --detach removes it (pmem, which belongs to the kernel, stays)."""
    guest_ran(case)
    r = case.results
    dev, size, sha = r["dev"], image_len(case), image_sha256(case)
    need(r["attach_rc"] == "0", f"memdisk-attach exited {q(r['attach_rc'])}: {r['attach_err']}")
    need(dev and dev.startswith(prefix), f"device '{dev}' is not {prefix}*")
    need(r["len"] == str(size), f"guest image length {q(r['len'])}, expected {size}")
    guest = r["sha256"] or "none"
    read_err = f"; read error: {r['read_err']}" if r["read_err"] else ""
    need(guest == sha, f"sha256 of {dev} differs from the image's "
         f"(guest {guest[:12]}, host {sha[:12]}){read_err}")
    need(r["again_rc"] == "0" and r["again_out"] == dev,
         f"a second memdisk-attach gave '{r['again_out']}' (exit {q(r['again_rc'])}), not {dev}")
    need(r["detach_rc"] == "0",
         f"memdisk-attach --detach {dev} exited {q(r['detach_rc'])}: {r['detach_err']}")
    after = r["after_detach"]
    if dev.startswith("/dev/pmem"):
        need(re.fullmatch(r"[1-9][0-9]*", after), f"pmem device gone after --detach: {after}")
    else:
        need(after in ("gone", "0"), f"{dev} still has {q(after)} sectors after --detach")
    case.note = dev + (f" {case.kargs[-1]}" if case.expect_addr is not None else "")


def check_rw(case):
    """A write through a default (read-only) device is refused; one through a
    --rw device lands in the image in RAM (read back through nbd)."""
    guest_ran(case)
    r = case.results
    wrote = f"MEMBOOT-RW-{case.token}"
    need(r["ro_dev"].startswith("/dev/mtdblock"), f"read-only attach gave '{r['ro_dev']}'")
    need(r["ro_write"] == "refused", f"a write to the read-only {r['ro_dev']} was accepted")
    need(r["rw_write_rc"] == "0", f"write to --rw {q(r['rw_dev'])} failed: {r['rw_write_err']}")
    need(r["check_dev"].startswith("/dev/nbd"), f"nbd attach gave '{r['check_dev']}'")
    need(r["readback"] == wrote,
         f"read back '{r['readback']}' through {r['check_dev']}, wrote {wrote}")
    need(r["subst_rc"] == "0" and r["subst_dev"].startswith("/dev/nbd"),
         f"$(memdisk-attach --backend=nbd 2>&1) gave '{r['subst_dev']}' (exit "
         f"{q(r['subst_rc'])}): the daemon holds the caller's stderr?")
    need(r["mismatch_rc"] == "2" and "already attached read-only" in r["mismatch_err"],
         f"--rw over a read-only nbd device: exit {q(r['mismatch_rc'])}: {r['mismatch_err']}")
    need(r["foreign_rc"] == "2" and "not made by memdisk-attach" in r["foreign_err"],
         f"--detach /dev/loop7: exit {q(r['foreign_rc'])}: {r['foreign_err']}")
    need(r["nbd_detach_rc"] == "0", f"--detach {r['subst_dev']}: {r['nbd_detach_err']}")
    case.note = (f"ro write refused ({r['ro_write_err']}); --rw write read back through "
                 f"{r['check_dev']}; mode mismatch and foreign detach refused")


def file_dword(path, offset):
    """The little-endian dword at OFFSET of file PATH, as 8 hex digits."""
    with open(path, "rb") as f:
        f.seek(offset)
        return f"{int.from_bytes(f.read(4), 'little'):08X}"


def probe_e820(case):
    """probe.S's E820 entries: (base, length, type), low dwords."""
    return [tuple(int(x, 16) for x in line.split()[2:5])
            for line in serial(case).splitlines() if line.startswith("P e8 ")]


def check_probe(case):
    """What probe.S saw of the memdisk (see its header): booted from 80h; two
    hard disks; the BIOS's own disk still answers as 81h and reads its own
    sector; the installation check gives !MEMDISK and an MDI of 30 bytes
    pointing at the image; CHS and EDD reads return the image's bytes; EDD
    lock, eject and media change answer as SYSLINUX MEMDISK's do; verify,
    seek and reads past the end fail; a chained call keeps the caller's IF
    and DF; E820 reserves the image and the driver."""
    def line(prefix):
        """The first serial line that starts with PREFIX, or ""."""
        return first_line(case, prefix)

    two_disks = r"f=0 .... .... ..02$"
    need(case.reached, f"the probe never finished: {'|'.join(serial(case).splitlines()[-3:])}")
    need(line("P dl=80"), f"booted from {line('P dl=')}")
    need(re.search(two_disks, line("P 08 80 ")), f"AH=08h on 80h: {line('P 08 80 ')} (want 2 disks)")
    need(re.search(two_disks, line("P 08 81 ")),
         f"AH=08h on 81h (the BIOS's disk): {line('P 08 81 ')}")
    need(line("P rd 81 f=0 4B534452"), f"sector 0 of 81h: {line('P rd 81')} (want RDSK)")
    need(line(f"P rd 80 f=0 {file_dword(case.image, 0x1B8)}"),
         f"CHS read of 80h: {line('P rd 80')}")
    need(line(f"P ed f=0 {file_dword(case.image, 512)}"), f"EDD read of 80h: {line('P ed')}")
    need(re.fullmatch(r"P 41 f=0 30.. AA55 ...7", line("P 41 ")),
         f"EDD check (AH=41h): {line('P 41 ')}")
    need(line("P 48 ") == "P 48 f=0 001E 00004000 0200",
         f"EDD parameters (AH=48h): {line('P 48 ')} (want 30 bytes, 4000h sectors, 512)")
    # EDD's lock (status: none held), eject (B2h: not removable) and media
    # change; verify, read, seek, EDD verify and seek past the end fail (CHS:
    # AL = 0 sectors transferred); a call passed on to the BIOS returns the
    # caller's IF and DF (it was made with IF=0, DF=1: 0400).
    for prefix, pattern, what in (
            ("P 45 ", r"P 45 f=0 ..00", "EDD lock status (AX=4502h): success, no lock held"),
            ("P 46 ", r"P 46 f=1 B2..", "EDD eject (AH=46h): error B2h, not removable"),
            ("P 49 ", r"P 49 f=0 00..", "EDD media change (AH=49h): success"),
            ("P 04 ", r"P 04 f=1 ..00", "CHS verify past the end: an error, AL = 0"),
            ("P 02 ", r"P 02 f=1 ..00", "CHS read past the end: an error, AL = 0"),
            ("P 0c ", r"P 0c f=1 ....", "CHS seek past the last cylinder: an error"),
            ("P 44 ", r"P 44 f=1 ....", "EDD verify past the end: an error"),
            ("P 47 ", r"P 47 f=1 ....", "EDD seek past the end: an error"),
            ("P fl ", r"P fl 0400", "a chained call's FLAGS: the caller's IF=0, DF=1")):
        need(re.fullmatch(pattern, line(prefix)), f"{what}: got '{line(prefix)}'")
    # memboot's driver chains through the safe hook's old INT 13h, where the
    # probe's handler sees the drive number the BIOS gets: 81h becomes the
    # BIOS's 80h; 82h (past the BIOS's one disk) and E0h keep their numbers.
    # (SYSLINUX's driver chains through a copy of its own: the probe sees
    # nothing there, FF.)
    if case.loader == "memboot":
        for want in ("P sh 81 80", "P sh 82 82", "P sh E0 E0"):
            need(line(want[:8]) == want, f"drive renumbering: got '{line(want[:8])}', want '{want}'")
    ic = line("P ic ")
    a, c, d, bb, seg, off, mdi, diskbuf = (ic.split()[2:] + [""] * 8)[:8]
    need(f"{a} {c} {d} {bb}" == "4D21 4D45 4944 4B53", f"installation check: {ic}")
    need(mdi[4:8] == "001E", f"MDI does not start with 30 (bytes): {ic}")
    img, drv = num("0x" + diskbuf), num("0x" + seg)
    need(img is not None and drv is not None, f"installation check: {ic}")
    reserved = [(b, l) for b, l, t in probe_e820(case) if t == 2]
    need(any(b <= img and img + 8388608 <= b + l for b, l in reserved),
         f"no reserved E820 entry covers the image at {diskbuf}")
    need(any(b <= drv * 16 < b + l for b, l in reserved),
         f"no reserved E820 entry covers the driver at {seg}0")
    case.note = f"image at {diskbuf}, driver at {seg}:{off}, MDI {mdi}"


def check_probe_count(case, count):
    """harddisk=82h over a BIOS with one disk: the probe booted from 82h, and
    the BIOS's own disk (80h, below ours: passed on unchanged) reports COUNT
    hard disks, because the memdisk counted the drives up to its own and
    wrote that to the BIOS data area, as SYSLINUX MEMDISK does."""
    line = first_line(case, "P 08 80 ")
    need(case.reached, f"the probe never finished: {'|'.join(serial(case).splitlines()[-3:])}")
    need(first_line(case, "P dl=") == "P dl=82", f"booted from {first_line(case, 'P dl=')}")
    need(re.fullmatch(rf"P 08 80 f=0 .... .... ..{int(count):02X}", line),
         f"AH=08h for 80h: '{line}', want {count} hard disks")
    case.note = line


def check_probe_msg(case, text):
    """The loader said TEXT, and the probe still ran through the memdisk."""
    said = next((l for l in serial(case).splitlines() if text in l), "")
    need(said, f"the loader never said '{text}'")
    need(case.reached, f"the probe never finished after '{text}'")
    need(first_line(case, "P rd 80 f=0"), f"the disk did not answer: {first_line(case, 'P rd 80')}")
    case.note = f"{said}; then the ordinary layout: the probe read its disk"


def check_probe_mem(case, limit):
    """check_probe, and mem=LIMIT took effect: no usable E820 entry reaches
    above LIMIT bytes."""
    check_probe(case)
    for b, l, t in probe_e820(case):
        need(t != 1 or b + l <= int(limit), f"usable RAM {b:08X}+{l:08X} runs past mem={limit}")
    case.note += f"; no usable RAM above {limit}"


def check_pmem(case):
    """With the pmem option the kernel itself made the image a /dev/pmemN
    (modules loaded by modalias only), whose first LEN bytes hash as the image
    and carry its volume label; both finders still find it."""
    guest_ran(case)
    r = case.results
    dev, size = r["dev"], image_len(case)
    need(dev.startswith("/dev/pmem"), f"no /dev/pmem* (iomem: {r['iomem'] or 'none'})")
    need(r["len"] == str(size), f"finder length {q(r['len'])}, expected {size}")
    need(r["sha256"] == image_sha256(case), f"sha256 of {dev} differs from the image's")
    need(r["label"] == "MEMBOOT_TEST", f"volume label '{r['label']}' on {dev}")
    need(r["ref_find"] and r["ours_find"] == r["ref_find"],
         f"finders: ours '{r['ours_find']}', Debian's '{r['ref_find']}'")
    case.note = f"{dev} ({r['iomem'].split(';')[0]}), label {r['label']}, found at {r['ref_find']}"


def check_error(case, text):
    """The loader printed "memdisk: error: ...TEXT..." and then gave the
    machine back to the BIOS with INT 18h, which went on to the next boot
    device: no hang, no silent failure."""
    log = serial(case).splitlines()
    line = next((l for l in log if "memdisk: error:" in l), "")
    need(line, f"no error message; serial: {'|'.join(log[-3:])}")
    need(text.lower() in line.lower(), f"the message lacks '{text}': {line}")
    need(case.reached, "no INT 18h after the message")
    case.note = line


def check_screen(case):
    """The until text appeared on the VGA screen."""
    screen = read_text(case.path("screen.txt"))
    need(case.reached,
         f"'{case.until_text}' never appeared on the screen: {' '.join(screen.split())[:300]}")
    line = next((l for l in screen.splitlines() if case.until_text in l), "")
    case.note = "screen: " + re.sub(" +", " ", line)


def check_geodsp(case, want):
    """SYSLINUX's geometry display (geodsp1s.img from syslinux-common) ran
    from the RAM disk: its lines for drive 80h show the geometry INT 13h
    AH=08h gave (want: "0006,3F,20", max cylinder, max head, sectors, hex),
    the CHS and EDD reads of the image's first and last sectors, up to its
    verdict ("D=EDD")."""
    screen = read_text(case.path("screen.txt"))
    flat = " ".join(screen.split())
    need(case.reached, f"'{case.until_text}' never appeared on the screen: {flat[-300:]}")
    need(re.search(r"CHS " + re.escape(want) + r"\b", flat),
         f"geodsp shows no \"CHS {want}\" line: {flat[-300:]}")
    need(flat.count("@EDD") >= 2, f"geodsp did not make its two EDD reads: {flat[-300:]}")
    case.note = "geodsp: " + " | ".join(l.strip() for l in screen.splitlines()
                                        if l.strip().startswith(("80CHS", "CHS", "@CHS", "@EDD")))


def check_phram_plain(case, want):
    """Debian live-boot's plain "phram=memdisk,$(memdiskfind)" line.  With
    SYSLINUX MEMDISK and an ISO whose size is not a multiple of 4 KiB the
    kernel refuses it (WANT fails: the failure memboot fixes); with memboot's
    memdisk it gives the image intact (WANT works)."""
    guest_ran(case)
    r = case.results
    if want == "fails":
        need(not r["dev"] and "not multiple of erasesize" in r["phram_dmesg"],
             f"phram accepted {r['ref_find']} (dev '{r['dev']}', dmesg: {r['phram_dmesg']})")
        case.note = f"refused as on Debian 12: {r['phram_dmesg']}"
        return
    need(r["phram_rc"] == "0" and r["dev"],
         f"modprobe phram phram=memdisk,{r['ref_find']} failed: {r['phram_err']}")
    need(r["sha256"] == image_sha256(case),
         f"sha256 of {r['dev']} differs from the image's (zero-padded to {q(r['len'])})")
    case.note = f"phram=memdisk,{r['ref_find']} -> {r['dev']}"


def check_tail_refused(case):
    """SYSLINUX MEMDISK reserves only the image's bytes, so the last 2 KiB of
    an odd-sized ISO share a page with System RAM, which /dev/mem refuses:
    the nbd backend must say so (exit 2), not serve a wrong image."""
    guest_ran(case)
    r = case.results
    err = r["attach_err"]
    need(r["attach_rc"] == "2",
         f"memdisk-attach exited {q(r['attach_rc'])}, expected 2 (dev '{r['dev']}')")
    need("share a page with System RAM" in err, f"no clear message: {err}")
    need("2048 at the end" in err, f"message does not count the 2048 unreachable bytes: {err}")
    case.note = "refused: 2048 bytes share a page with RAM"


def check_none(case):
    """Without a memdisk both tools say "no image" (exit 1) and memdiskfind
    --verbose explains why."""
    guest_ran(case)
    r = case.results
    verbose = r["verbose_err"]
    need(r["find_rc"] == "1", f"memdiskfind exited {q(r['find_rc'])}, expected 1")
    need(r["attach_rc"] == "1", f"memdisk-attach exited {q(r['attach_rc'])}, expected 1")
    need(verbose, "memdiskfind --verbose printed nothing on stderr")
    need(re.search(r"mBFT|no MEMDISK", verbose, re.I),
         f"--verbose message lacks 'mBFT'/'no MEMDISK': {verbose}")
    case.note = (f"{r['firmware']} firmware; " if r["firmware"] else "") + f"verbose: {verbose}"


def memdiskfind_mem(case, *options):
    """Our memdiskfind over the guest's base memory saved on the host:
    (exit status, output)."""
    proc = subprocess.run([os.path.join(BUILD, "memdiskfind"), *options, "--mem",
                           case.path("basemem.bin"), "--base", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    return proc.returncode, proc.stdout.strip()


def check_vga(case):
    """The floppy's boot sector printed our token on the screen; then our
    memdiskfind, run on the host over the guest's base memory saved at that
    moment, finds the floppy as the loader described it."""
    need(case.reached, f"'{case.until_text}' never appeared on the VGA screen")
    dump = case.path("basemem.bin")
    need(os.path.exists(dump) and os.path.getsize(dump) > 0, "no base-memory dump")
    rc, out = memdiskfind_mem(case)
    need(rc == 0, f"memdiskfind --mem on the dump: {out}")
    found = num(out.partition(",")[2]) or 0
    if case.image_kind == "isofloppy":
        # The emulated floppy inside the CD: memboot describes exactly the
        # floppy; SYSLINUX's disk runs from the floppy to the end of the ISO.
        if case.loader == "memboot":
            need(found == FLOPPY_BYTES,
                 f"memdiskfind --mem found '{out}', expected the {FLOPPY_BYTES}-byte floppy")
        else:
            need(found >= FLOPPY_BYTES, f"memdiskfind --mem found '{out}', shorter than the floppy")
    else:
        need(found == image_len(case),
             f"memdiskfind --mem found '{out}', expected {image_len(case)} bytes")
        _, json = memdiskfind_mem(case, "--json")
        need('"drive": "floppy"' in json and '"cmdline": "floppy"' in json
             and '"geometry": {"cylinders": 80, "heads": 2, "sectors": 18' in json,
             f"memdiskfind --json on the dump: {json}")
    screen = read_text(case.path("screen.txt"))
    shown = next((l for l in screen.splitlines() if "MEMBOOT-FLOPPY" in l), "")
    case.note = f"screen: {shown}; dump: {out}"


def check_live(case, prefix="/dev/"):
    """The live system reached the root in its squashfs, and the root says its
    medium is a device named PREFIX... whose first LEN bytes hash like the
    image on the host."""
    r = case.results
    medium, found, size = r["medium"], parse_found(r["find"]), image_len(case)
    need(r["done"], "the live root never said 'done' (boot failed or timed out)")
    need(r["live_root"].startswith("up"), "no live root")
    need(medium.startswith(prefix) and medium.endswith(" iso9660"),
         f"live medium is '{medium}', expected {prefix}* (iso9660)")
    need(found and found[1] == size,
         f"memdiskfind in the live root: '{r['find']}', expected length {size}")
    sha = image_sha256(case)
    need(r["sha256"] == sha, f"sha256 of {medium.split()[0]} differs from the image's "
         f"(guest {r['sha256'][:12]}, host {sha[:12]})")
    secs = f"{case.secs:.1f}" if case.secs is not None else "?"
    case.note = (f"medium {medium.split()[0]}, root {q(r['root'])}, image "
                 f"{os.path.getsize(case.image)} bytes; live root done {secs} s after QEMU started")


def check_live_settled(case, prefix="/dev/"):
    """check_live, and live-boot's own memdiskfind + phram step did not run
    beside memboot's device (no MTD device in the live root): memboot's
    initramfs-tools script moves Debian's memdiskfind out of its way, which
    spares the twenty failed phram attempts over a range nd_pmem owns."""
    check_live(case, prefix)
    mtd = case.results["mtd"]
    need(not mtd, f"an MTD device exists beside {case.results['medium'].split()[0]}: {mtd} "
         "(live-boot's phram step ran)")
    case.note += "; no phram view beside it"


def check_live_http(case, prefix="/dev/"):
    """check_live for a boot through memboot's iPXE script over HTTP
    (via net-http): the script said which loader ${platform} chose (memdisk
    on SeaBIOS, memdisk.efi on OVMF), and nginx's log shows the script, that
    loader and the whole ISO served with status 200."""
    efi = case.firmware == "ovmf"
    loader = "memdisk.efi" if efi else "memdisk"
    said = f"memboot: test.iso on {'efi' if efi else 'pcbios'} through {loader}"
    # (OVMF mirrors iPXE's console on the serial line; SeaBIOS's iPXE writes
    # to the screen only: there nginx's log shows which loader it fetched.)
    need(not efi or said in efi_serial(case), f"the script never said '{said}'")
    log = read_text(case.path("httpd/access.log"))
    other = "/memdisk " if efi else "/memdisk.efi "
    need(f"GET {other}" not in log, f"{other.strip()} was fetched too on {case.firmware}")
    size = os.path.getsize(case.image)
    for path, want in (("/memboot.ipxe", None), (f"/{loader}", None), ("/test.iso", size)):
        m = re.search(rf'"GET {re.escape(path)} HTTP/[0-9.]+" 200 (\d+)', log)
        need(m and (want is None or int(m.group(1)) == want),
             f"nginx did not serve {path} whole (log: {log.strip()[-300:] or 'empty'})")
    check_live(case, prefix)
    case.note += f"; over HTTP (nginx): memboot.ipxe, {loader}, test.iso ({size} bytes)"


def check_live_sb(case, prefix="/dev/pmem"):
    """Secure Boot (firmware ovmf-sb): the firmware started memdisk.efi
    (signed with the db's test key), memdisk.efi started the ISO's signed
    shim, shim its GRUB, GRUB the signed kernel; the kernel says Secure Boot
    is on and runs locked down, so /dev/mem is closed, and still the live
    root's medium is the NFIT's pmem device, intact, and memdiskfind in the
    live root answers (from memdisk.efi's ACPI copy of the tables)."""
    r, text = case.results, efi_serial(case)
    need(EFI_STARTED in text, f"memdisk.efi never said '{EFI_STARTED}': {efi_tail(case)}")
    need(r["secureboot"] == "Secure boot enabled",
         f"the kernel's word on Secure Boot: {q(r['secureboot'])} (expected 'Secure boot enabled')")
    need(re.search(r"\[(integrity|confidentiality)\]", r["lockdown"]),
         f"the kernel is not locked down: lockdown {q(r['lockdown'])}")
    check_live(case, prefix)
    case.note += f"; Secure Boot on, lockdown {r['lockdown']}, memdiskfind {r['find']}"


def check_live_sb_shim(case, prefix="/dev/pmem"):
    """check_live_sb, with memdisk.efi started by shim (via usb-shim): shim's
    lock protocol was there, and memdisk.efi had shim verify the ISO's
    loader before starting it."""
    text = efi_serial(case)
    line = next((l.strip() for l in text.splitlines()
                 if "memdisk.efi: shim verified \\EFI\\BOOT\\BOOTX64.EFI" in l), "")
    need(line, f"memdisk.efi never said that shim verified the ISO's loader: {efi_tail(case)}")
    check_live_sb(case, prefix)
    case.note += f"; {line}"


def check_sb_shim_refuses(case):
    """Secure Boot, memdisk.efi started by shim (via usb-shim), an image whose
    EFI loader nobody signed: shim's Verify refuses it, memdisk.efi says so
    and does not start it."""
    text = efi_serial(case)
    need(EFI_STARTED not in text, f"memdisk.efi started the unsigned loader: {efi_tail(case)}")
    line = next((l.strip() for l in text.splitlines()
                 if "memdisk.efi: error: shim refuses \\EFI\\BOOT\\BOOTX64.EFI" in l), "")
    need(line, f"memdisk.efi never said that shim refuses the loader: {efi_tail(case)}")
    case.note = line


def check_sb_refused(case):
    """Secure Boot (firmware ovmf-sb) with an unsigned memdisk.efi: the
    firmware refuses to start it (OVMF: "Access Denied"), and memdisk.efi
    never runs."""
    text = efi_serial(case)
    line = next((l.strip() for l in text.splitlines() if "Access Denied" in l), "")
    need(line, f"the firmware never said 'Access Denied': {efi_tail(case)}")
    need("memdisk.efi:" not in text, f"the unsigned memdisk.efi ran: {efi_tail(case)}")
    case.note = f"refused by the firmware: {line}"


def check_live_plain(case, prefix="/dev/"):
    """check_live for a live ISO whose initramfs was built as a distribution
    builds it (nothing of memboot's in it: live.sh, flavor dracut-plain):
    the loader said which family it found, and the medium came through the
    segment it appended (check_live: the root, its medium, the sha256)."""
    text = efi_serial(case)
    need(re.search(r"inject: .*: dracut\b.*appended", text),
         f"{case.loader} did not say it found dracut and appended its segment: {efi_tail(case)}")
    check_live(case, prefix)


def check_live_plain_none(case):
    """The same ISO without memboot's segment (noinject, or SYSLINUX's
    memdisk): dracut's initqueue waits for the medium's label in vain and
    gives up (rd.retry shortens the wait), and the live root never runs."""
    r, text = case.results, efi_serial(case)
    need(not r["done"] and not r["live_root"],
         f"the live root ran without memboot's segment: {r['live_root']}, medium {r['medium']}")
    need("dracut-initqueue" in text and "MEMBOOT_LIVE" in text,
         f"dracut never waited for the medium's label: {efi_tail(case)}")
    need(case.reached, f"dracut did not give up in {case.secs or 0:.0f} s: {efi_tail(case)}")
    case.note = (f"dracut gave up waiting for by-label/MEMBOOT_LIVE after {case.secs:.0f} s; "
                 "no live root")


def blkid(path, tag):
    """The value of TAG (LABEL, UUID) of the file system in PATH."""
    return subprocess.run(["blkid", "-p", "-o", "value", "-s", tag, path], stdout=subprocess.PIPE,
                          text=True, check=False).stdout.strip()


def check_mkinitcpio(case, prefix="/dev/"):
    """memboot's run hook, run as mkinitcpio runs it (mkinitcpio.sh), said it
    attached the image as the device memdisk-attach reports (named
    PREFIX...); once udev settled, /dev/disk/by-label/LABEL and by-uuid/UUID
    (the ISO's, as blkid reads them on the host) lead to that device; its
    first LEN bytes hash like the image; re-probed without 69-memboot.rules
    an mtdblock device loses the link and a pmem one keeps it."""
    guest_ran(case)
    r = case.results
    dev, iso = r["dev"], case.raw or case.image
    said = f"memboot: memdisk image attached as {dev}"
    need(r["again_rc"] == "0" and dev,
         f"memdisk-attach after the hook exited {q(r['again_rc'])}: {r['again_err']}")
    need(dev.startswith(prefix), f"device '{dev}' is not {prefix}*")
    need(r["hook_rc"] == "0" and r["hook_out"] == said,
         f"run_hook (exit {q(r['hook_rc'])}) said '{r['hook_out']}', not that it attached {dev}")
    need(said in serial(case), "the hook's line is not on the console")
    label, uuid = blkid(iso, "LABEL"), blkid(iso, "UUID")
    need(r["label"] == label, f"guest looked for label '{r['label']}', the ISO's is '{label}'")
    need(r["label_link"] == dev, f"/dev/disk/by-label/{label} -> '{r['label_link']}', "
         f"not {dev} (labels: {r['links'] or 'none'})")
    need(r["uuid"] == uuid and r["uuid_link"] == dev, f"by-uuid: guest uuid '{r['uuid']}' -> "
         f"'{r['uuid_link']}', ISO's uuid '{uuid}', device {dev}")
    need(r["len"] == str(image_len(case)),
         f"memdiskfind length {q(r['len'])}, expected {image_len(case)}")
    read_err = f" (read error: {r['read_err']})" if r["read_err"] else ""
    need(r["sha256"] == image_sha256(case), f"sha256 of {dev} differs from the image's{read_err}")
    # Without 69-memboot.rules only pmem (60-persistent-storage.rules) keeps
    # its link; put back, the rule gives it back.
    link = f"by-label/{label} (-> '{r['norule_link']}')"
    if dev.startswith("/dev/mtdblock"):
        need("norule_link" in r and not r["norule_link"],
             f"without 69-memboot.rules {dev} still has {link}")
    else:
        need(r["norule_link"] == dev, f"without 69-memboot.rules {dev} lost {link}")
    need(r["rule_link"] == dev,
         f"69-memboot.rules put back: by-label/{label} -> '{r['rule_link']}'")
    case.note = (f"{r['hook_out']}; by-label/{label} and by-uuid/{uuid} -> {dev} after "
                 f"{r['label_wait']}s; sha256 ok; without our rule: '{r['norule_link']}'; "
                 f"/init ran {q(r['boot_s'])}s")



def check_archiso(case, prefix="/dev/"):
    """The unmodified archiso stand-in (mkinitcpio.sh, MKI_VARIANT=archiso)
    booted through memboot: the loader said it found mkinitcpio (archiso);
    the segment's hooks/memdisk, run where archiso's HOOKS run memdisk,
    attached the image as PREFIX...; archiso's lookup found the ISO's label
    on that device; its first LEN bytes hash like the image."""
    guest_ran(case)
    r, text = case.results, serial(case)
    need("inject: " in text and "mkinitcpio (archiso)" in text,
         "the loader did not say it found mkinitcpio (archiso)")
    dev = r["dev"]
    said = f"memboot: memdisk image attached as {dev}"
    need(dev.startswith(prefix), f"device '{dev}' is not {prefix}*")
    need(r["hook_rc"] == "0" and r["hook_out"] == said,
         f"hooks/memdisk (exit {q(r['hook_rc'])}) said '{r['hook_out']}', not that it attached {dev}")
    label = blkid(case.raw or case.image, "LABEL")
    need(r["label_link"] == dev, f"/dev/disk/by-label/{label} -> '{r['label_link']}', not {dev}")
    need(r["len"] == str(image_len(case)), f"image length {q(r['len'])}, expected {image_len(case)}")
    need(r["sha256"] == image_sha256(case), f"sha256 of {dev} differs from the image's")
    case.note = f"{said}; by-label/{label} -> {dev}; sha256 ok; /init ran {q(r['boot_s'])}s"


def check_archiso_none(case):
    """The same stand-in without memboot's segment (noinject, or SYSLINUX's
    memdisk): archiso's own memdisk hook has no memdiskfind or phram to work
    with, so no device appears and archiso's label lookup finds nothing."""
    guest_ran(case)
    r = case.results
    need(r["hook_rc"] == "0", f"hooks/memdisk exited {q(r['hook_rc'])}")
    need(not r["label_link"] and not r["dev"],
         f"a medium appeared: label -> '{r['label_link']}', device '{r['dev']}'")
    case.note = (f"no medium: by-label/{r['label']} absent after {r['label_wait']} s "
                 f"(hook said '{r['hook_out']}')")


# ---------------------------------------------------------------- unmodified distributions

# What Debian live-boot says when it gives up looking for its medium.
NO_MEDIUM = "Unable to find a medium containing a live file system"
# Signs that a live system got past its initramfs into its root.
LIVE_ROOT_SIGNS = ("Welcome to Debian", "systemd[1]:", " login:")


def listing(case):
    """The listing distro.sh wrote of the ISO's initrd (key=value lines)."""
    text = read_text(case.path(f"{case.name}.initrd.txt"))
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l and not l.startswith("#"))


def check_no_medium(case):
    """Today's wall, for an unmodified distribution ISO booted from RAM: the
    ISO's own boot loader started the ISO's own kernel (its version is the
    one of the modules in the ISO's initrd; its command line is the ISO's,
    with boot=live), on the firmware the case names (after memdisk.efi
    started the ISO's EFI loader, for memboot-efi), and then live-boot gave
    up: "Unable to find a medium containing a live file system".  Fails if the
    live system found its medium (it went on into its root) or if the kernel
    never started."""
    text = efi_serial(case)
    found = [s for s in LIVE_ROOT_SIGNS if s in text]
    need(not found, f"the live system found its medium: its root ran ({', '.join(found)})")
    version = re.search(r"Linux version (\S+)", text)
    pressed = f"Enter pressed {case.presser.presses} times; " if case.presser else ""
    need(version, f"the kernel never started ({pressed}serial: "
         f"{' | '.join(l.strip() for l in text.splitlines() if l.strip())[-300:] or 'empty'})")
    kernel = listing(case).get("kernel", "")
    need(kernel and version.group(1) == kernel,
         f"Linux {version.group(1)} started, but the ISO's initrd is for '{kernel}'")
    cmdline = re.search(r"Command line: (.*)", text)
    args = cmdline.group(1).split() if cmdline else []
    need("boot=live" in args and "console=ttyS0,115200" in args,
         f"the kernel's command line is not the ISO's: {cmdline.group(1) if cmdline else 'none'}")
    need(not any(a.startswith("memboot") for a in args), f"memboot arguments in {args}")
    uefi = bool(re.search(r"\] efi: EFI v", text))
    want = qemu.FIRMWARE[case.firmware]["guest"]
    need(uefi == (want == "uefi"), f"the kernel {'did' if uefi else 'did not'} boot on UEFI; "
         f"expected {want}")
    if case.loader == "memboot-efi":
        need(EFI_STARTED in text and text.index(EFI_STARTED) < version.start(),
             f"memdisk.efi never said '{EFI_STARTED}' before Linux: {efi_tail(case)}")
    need(case.reached and NO_MEDIUM in text,
         f"live-boot never said '{NO_MEDIUM}' (no medium, no root, in "
         f"{case.secs or 0:.0f} s): {' | '.join(text.strip().splitlines()[-3:])}")
    kernel_at = case.presser.stop_secs if case.presser else None
    case.note = (f"Linux {kernel} ({' '.join(a for a in args if not a.startswith('BOOT_IMAGE'))})"
                 + (f" at {kernel_at:.0f} s" if kernel_at is not None else "")
                 + (f" after {case.presser.presses} Enter presses" if case.presser else "")
                 + f"; '{NO_MEDIUM}' at {case.secs:.0f} s")


# ---------------------------------------------------------------- memdisk.efi

HOOK_ADDED = "memboot: added to this initramfs (initramfs-tools)"
HOOK_DEVICE = re.compile(r"memboot: memdisk image is (/dev/\S+)")
HOOK_SHA = re.compile(r"memboot: sha256 ([0-9a-f]{64}) \((/dev/\S+), the image's (\d+) bytes\)")


def check_distro_live(case, prefix="/dev/"):
    """An unmodified distribution ISO found its medium through the segment
    memboot appended to its initrd: the ISO's own boot loader started the
    ISO's own kernel with the ISO's own command line; the loader said which
    family it found; the segment's hook joined the initramfs and attached the
    image as PREFIX...; memdisk-attach's sha256 of that device over the
    image's length (memboot.sha256 on the memdisk's command line) is the
    image's on the host (the ISO, then zeros to the page); live-boot found no
    reason to say "Unable to find a medium" and the live root reached its
    login prompt."""
    text = efi_serial(case)
    version = re.search(r"Linux version (\S+)", text)
    need(version, f"the kernel never started: {efi_tail(case)}")
    kernel = listing(case).get("kernel", "")
    need(version.group(1) == kernel, f"Linux {version.group(1)} started, not the ISO's {kernel}")
    cmdline = re.search(r"Command line: (.*)", text)
    args = cmdline.group(1).split() if cmdline else []
    need("boot=live" in args and not any(a.startswith("memboot") for a in args),
         f"the kernel's command line is not the ISO's: {args}")
    if case.loader in ("memboot", "memboot-efi"):
        need("inject: " in text and "initramfs-tools (live-boot)" in text,
             f"{case.loader} did not say it found initramfs-tools (live-boot): {efi_tail(case)}")
    need(HOOK_ADDED in text, f"the segment's hook never said '{HOOK_ADDED}'")
    dev = HOOK_DEVICE.search(text)
    need(dev and dev.group(1).startswith(prefix),
         f"the hook attached {dev.group(1) if dev else 'nothing'}; expected {prefix}*")
    need(NO_MEDIUM not in text, f"live-boot said '{NO_MEDIUM}'")
    io = re.search(r"I/O error, dev \S+", text)
    need(not io, f"the kernel reported '{io.group(0) if io else ''}' (the medium failed a read)")
    sha = HOOK_SHA.search(text)
    need(sha, "memdisk-attach printed no sha256 (memboot.sha256 on the memdisk line)")
    need(int(sha.group(3)) == image_len(case),
         f"memdisk-attach hashed {sha.group(3)} bytes; the image is {image_len(case)}")
    want = image_sha256(case)
    need(sha.group(1) == want, f"sha256 of {sha.group(2)} is {sha.group(1)[:12]}, the image's "
         f"{want[:12]}")
    need(case.reached, f"no login prompt in {case.secs or 0:.0f} s: "
         f"{' | '.join(text.strip().splitlines()[-3:])}")
    at = re.search(r"\[\s*(\d+\.\d+)\] memboot: added", text)
    case.note = (f"Linux {kernel}; hook at {at.group(1) if at else '?'} s of Linux; medium "
                 f"{dev.group(1)}, sha256 {want[:12]} over {sha.group(3)} bytes; login prompt "
                 f"{case.secs:.0f} s after QEMU started")


VERIFIED = "Verification successfull"      # (live-boot's spelling)


def check_distro_verified(case):
    """live-boot's own verify-checksums, asked for with
    memboot.verify-checksums on the memdisk line (the ISO's kernel command
    line is the distribution's): the hook attached the image and passed the
    request on, and live-boot checked every file its sha256sum.txt lists, on
    the medium memboot exposed, and said they all match."""
    text = efi_serial(case)
    need(HOOK_ADDED in text, f"the segment's hook never said '{HOOK_ADDED}'")
    dev = HOOK_DEVICE.search(text)
    need(dev, "the hook attached nothing")
    need("memboot: live-boot will verify the medium's checksums" in text,
         "the hook did not pass memboot.verify-checksums on to live-boot")
    need(NO_MEDIUM not in text, f"live-boot said '{NO_MEDIUM}'")
    need(case.reached and VERIFIED in text,
         f"live-boot never said '{VERIFIED}': {' | '.join(text.strip().splitlines()[-3:])}")
    case.note = (f"live-boot verified the ISO's files on {dev.group(1)}: '{VERIFIED}' "
                 f"{case.secs:.0f} s after QEMU started")


def efi_serial(case):
    """The serial log without CRs and terminal escapes (OVMF mirrors its
    console there: memdisk.efi's lines, GRUB's, iPXE's; then Linux's ttyS0)."""
    return ESCAPES.sub("", serial(case))


def efi_tail(case):
    """memdisk.efi's last lines (or the serial log's), for a failure message."""
    lines = [l.strip() for l in efi_serial(case).splitlines() if l.strip()]
    said = [l for l in lines if "memdisk.efi:" in l]
    return " | ".join((said or lines)[-4:]) or "(serial log empty)"


def is_iso(path):
    """PATH holds an ISO 9660 volume (CD001 at 32769)."""
    with open(path, "rb") as f:
        f.seek(32769)
        return f.read(5) == b"CD001"


def nfit_spas(results):
    """The System Physical Address ranges (structure type 0) of the NFITs the
    guest reported as hex (keys nfit_hex_NAME): (base, length, type name)."""
    spas = []
    for key in sorted(k for k in results if k.startswith("nfit_hex_")):
        try:
            table = bytes.fromhex(results[key])
        except ValueError:
            raise Fail(f"{key} is not hex: {results[key][:40]}") from None
        need(len(table) >= 40 and table[:4] == b"NFIT", f"{key} is no NFIT: {results[key][:80]}")
        off = 40                        # the header (36 bytes) and 4 reserved bytes
        while off + 4 <= len(table):
            kind, length = int.from_bytes(table[off:off + 2], "little"), \
                int.from_bytes(table[off + 2:off + 4], "little")
            need(length >= 4 and off + length <= len(table),
                 f"{key}: a structure of {length} bytes at {off} of {len(table)}")
            if kind == 0:
                need(length >= 56, f"{key}: an SPA range of {length} bytes")
                guid = uuid.UUID(bytes_le=table[off + 16:off + 32])
                spas.append((int.from_bytes(table[off + 32:off + 40], "little"),
                             int.from_bytes(table[off + 40:off + 48], "little"),
                             NFIT_TYPES.get(guid, str(guid))))
            off += length
    return spas


def check_efi_grub(case):
    """memdisk.efi started \\EFI\\BOOT\\BOOTX64.EFI from the image, then the
    until text (GRUB's banner) came on the serial line."""
    text = efi_serial(case)
    need(EFI_STARTED in text, f"memdisk.efi never said '{EFI_STARTED}': {efi_tail(case)}")
    need(case.reached and case.until_text in text,
         f"'{case.until_text}' never came after memdisk.efi started the loader: {efi_tail(case)}")
    need(text.index(EFI_STARTED) < text.rindex(case.until_text),
         f"'{case.until_text}' only before memdisk.efi started the loader")
    started = next(l for l in text.splitlines() if EFI_STARTED in l)
    grub = next(l for l in text.splitlines() if case.until_text in l)
    case.note = f"{started.strip()}; then: {grub.strip()[:60]}"


def check_efi_pmem(case, mode=""):
    """An image memdisk.efi booted, as Linux sees it: memdisk.efi started
    \\EFI\\BOOT\\BOOTX64.EFI; loading modules by modalias (nfit, nd_pmem)
    gave a /dev/pmemN over exactly the image's pages (2 MiB aligned) whose
    bytes hash like the image (zero-padded to whole pages); the NFIT has
    exactly one range over it, of the image's type (VirtualCD for an ISO,
    VirtualDisk else); both finders print the same, naming the pmem range;
    memdisk-attach's device hashes like the image.  MODE own: memdisk.efi's
    own block device and its own NFIT (disk=own); MODE high: the image above
    4 GiB (place=high): memboot's memdiskfind reads the mBFT's 64-bit
    extension, Debian's finds nothing, memdisk-attach exposes it intact."""
    r = case.results
    text = efi_serial(case)
    errors = [l.strip() for l in text.splitlines() if "memdisk.efi: error:" in l]
    need(r["done"] or not errors, f"memdisk.efi failed: {' | '.join(errors)}")
    guest_ran(case)
    need(EFI_STARTED in text, f"memdisk.efi never said '{EFI_STARTED}': {efi_tail(case)}")
    dev, size, sha = r["dev"], image_len(case), image_sha256(case)
    mods = r["modules"].split()
    need(dev.startswith("/dev/pmem"),
         f"no /dev/pmem* after {q(r['rounds'])} rounds of modalias loading (modules: "
         f"{r['modules'] or 'none'}; ACPI tables: {r['acpi_tables']}; iomem: {r['iomem'] or '-'})")
    need("nfit" in mods and "nd_pmem" in mods,
         f"nfit and nd_pmem should be loaded by modalias; loaded: {r['modules']}")
    addr, dev_size = num(r["dev_res"]), num(r["dev_size"])
    need(addr is not None and addr % MIB2 == 0,
         f"{dev}'s range starts at '{r['dev_res']}', not on a 2 MiB boundary")
    need(dev_size == size, f"{dev} has {dev_size} bytes, expected {size} (the image's pages)")
    need(r["len"] == str(size),
         f"the guest hashed {q(r['len'])} bytes (length from {q(r['len_from'])}), expected {size}")
    read_err = f"; read error: {r['read_err']}" if r["read_err"] else ""
    need(r["sha256"] == sha, f"sha256 of {dev} differs from the image's (guest "
         f"{r['sha256'][:12]}, host {sha[:12]}){read_err}")
    spas = nfit_spas(r)
    over = [x for x in spas if x[0] < addr + size and addr < x[0] + x[1]]
    listed = ", ".join(f"{b:#x}+{l:#x} {t}" for b, l, t in spas) or "none"
    need(len(over) == 1,
         f"{len(over)} NFIT ranges overlap the image at {addr:#x}+{size:#x} (ranges: {listed})")
    base, length, kind = over[0]
    need((base, length) == (addr, size),
         f"the NFIT range {base:#x}+{length:#x} is not the image's {addr:#x}+{size:#x}")
    want = "VirtualCD" if is_iso(case.raw or case.image) else "VirtualDisk"
    need(kind == want, f"the NFIT range's type is {kind}, expected {want}")
    how = "own block device" if mode == "own" else "firmware's RAM disk protocol"
    if mode == "own":
        need("installed memdisk.efi's own block device" in text,
             f"disk=own, but memdisk.efi did not install its own block device: {efi_tail(case)}")
        need("installed an NFIT with one range" in text,
             f"disk=own, but memdisk.efi did not install its own NFIT: {efi_tail(case)}")
    else:
        need("through the firmware's RAM disk protocol" in text,
             f"memdisk.efi did not use the firmware's RAM disk protocol: {efi_tail(case)}")
    finders = (f"ours '{r['ours_out']}' (exit {q(r['ours_rc'])}), Debian's '{r['ref_out']}' "
               f"(exit {q(r['ref_rc'])}); before nfit and nd_pmem: ours '{r['ours_pre']}', "
               f"Debian's '{r['ref_pre']}'")
    if mode == "high":
        # Above 4 GiB the MDI cannot hold the address: memboot's finder reads
        # the mBFT's 64-bit extension, SYSLINUX's declines the table.
        need(addr >= FOUR_GIB, f"place=high, but the image is at {addr:#x}")
        need(r["ours_rc"] == "0" and parse_found(r["ours_out"]) == (addr, size),
             f"memboot's memdiskfind should read the 64-bit extension and print "
             f"{addr:#x},{size:#x}: {finders}; {r['ours_err']}")
        need(r["ref_rc"] == "1" and not r["ref_out"],
             f"Debian's memdiskfind should find nothing (the extended table is not "
             f"SYSLINUX's): {finders}")
        need(r["attach_rc"] == "0" and r["attach_sha256"] == sha,
             f"memdisk-attach: exit {q(r['attach_rc'])} {r['attach_out']} {r['attach_err']}, "
             f"sha256 {r['attach_sha256'][:12] or 'none'} (host {sha[:12]})")
        check_acpi_copy(case, addr, size)
        case.note = (f"{dev} at {addr:#x}+{size:#x} ({kind}, {how}); memboot's memdiskfind "
                     f"{r['ours_out']} (64-bit extension), Debian's nothing; memdisk-attach "
                     f"{r['attach_out']}; sha256 ok")
        return
    need(addr + size <= FOUR_GIB, f"the image is at {addr:#x}, above 4 GiB, though it fits below")
    need(r["ref_pre"] and r["ours_pre"] == r["ref_pre"],
         f"the finders differ before any module claimed the range: {finders}")
    need(r["ref_rc"] == "0", f"Debian's memdiskfind exited {q(r['ref_rc'])}: {r['ref_err']}")
    need(r["ours_rc"] == "0" and r["ours_out_hex"] == r["ref_out_hex"],
         f"finders differ: {finders}; {r['ours_err']} (iomem: {r['iomem']})")
    need(parse_found(r["ref_out"]) == (addr, size),
         f"memdiskfind found '{r['ref_out']}', but {dev} is {addr:#x},{size:#x}")
    need(r["attach_rc"] == "0" and r["attach_out"],
         f"memdisk-attach exited {q(r['attach_rc'])}: {r['attach_err']}")
    need(r["attach_sha256"] == sha, f"sha256 of memdisk-attach's {r['attach_out']} differs "
         f"from the image's (guest {r['attach_sha256'][:12] or 'none'}, host {sha[:12]})")
    check_acpi_copy(case, addr, size)
    case.note = (f"{dev} = NFIT {kind} range {addr:#x}+{size:#x} ({how}); memdiskfind "
                 f"{r['ref_out']} (and from the ACPI copy); memdisk-attach "
                 f"{r['attach_out']}; sha256 ok")


def check_acpi_copy(case, addr, size):
    """memboot's memdiskfind reads the same image from memdisk.efi's ACPI
    copy of the tables (/sys/firmware/acpi/tables/MBFT), command line
    included."""
    r = case.results
    need(r["acpi_rc"] == "0" and parse_found(r["acpi_out"]) == (addr, size),
         f"memdiskfind --acpi MBFT printed '{r['acpi_out']}' (exit {q(r['acpi_rc'])}: "
         f"{r['acpi_err']}), expected {addr:#x},{size:#x}; ACPI tables: {r['acpi_tables']}")
    need('"found_in": "acpi"' in r["acpi_words_out"] and '"cmdline": "' in r["acpi_words_out"],
         f"memdiskfind --acpi --json lacks found_in acpi or the command line: "
         f"{r['acpi_words_out'][:300]}")


def check_efi_pmem_msg(case, text):
    """check_efi_pmem, and memdisk.efi said TEXT."""
    check_efi_pmem(case)
    line = next((l.strip() for l in efi_serial(case).splitlines() if text in l), "")
    need(line, f"memdisk.efi never said '{text}': {efi_tail(case)}")
    case.note += f"; said: {line}"


def check_efi_error(case, text):
    """memdisk.efi printed "memdisk.efi: error: ...TEXT..." and started
    nothing, and then iPXE went on to its script's next command (memdisk.efi
    returned an error to its caller instead of hanging or rebooting)."""
    lines = efi_serial(case).splitlines()
    errors = [(i, l.strip()) for i, l in enumerate(lines) if "memdisk.efi: error:" in l]
    need(errors, f"memdisk.efi printed no error: {efi_tail(case)}")
    hit = next(((i, l) for i, l in errors if text.lower() in l.lower()), None)
    need(hit, f"memdisk.efi's errors lack '{text}': {' | '.join(l for _, l in errors)}")
    need(not any(EFI_STARTED in l for l in lines), "memdisk.efi started a loader all the same")
    went = [i for i, l in enumerate(lines) if "MEMBOOT-IPXE-WENT-ON" in l and "echo" not in l]
    need(went and went[-1] > hit[0],
         f"iPXE did not go on to its script's next command after the error: {efi_tail(case)}")
    case.note = f"{hit[1]}; then iPXE went on"


CHECKS = {name[len("check_"):]: f for name, f in list(globals().items())
          if name.startswith("check_") and callable(f)}
