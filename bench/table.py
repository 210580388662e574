#!/usr/bin/env python3
"""table.py - turn bench/run.sh's results into the Markdown table.

Input: the results file, one tab-separated line per fact:
    val   KEY LOADER NUMBER   a sample (seconds, KiB or bytes)
    note  KEY LOADER TEXT     text for a cell (a failure, memboot's inflate line)
    meta  KEY -      TEXT     a fact about the run (date, versions, sizes)
LOADER is syslinux, memboot, memboot-pmem (memboot with `pmem` added to the
option), none (the machine without a memdisk), or a UEFI label (efi,
efi-own, efi-gz, san, cdrom: bench/uefi.sh).

Output (stdout): the table, a line on the disk-service target, the pmem
table (memboot `iso pmem` beside `iso` and SYSLINUX `iso`: set-up, disk
service, boot to /init, in-guest read of the whole device), the UEFI table
(memdisk.efi beside iPXE's sanboot and a virtual CD drive, with its two
target lines), and the conditions of the run.  Timings are medians with (min-max); MB = 10^6 bytes.
A timing KEY comes with "cpu:KEY" (QEMU's CPU time over the same interval)
and "wait:KEY" (the time QEMU waited for a CPU).

Usage: table.py RESULTS.tsv
"""
import statistics
import sys
from collections import defaultdict

LOADERS = ("syslinux", "memboot")
TARGET = 1.25       # memboot `iso` must be this much faster than SYSLINUX's best
EFI_WORK_TARGET = 1.25  # memdisk.efi's work after reading: at most this many memcpys
UEFI_COLUMNS = (("efi", "(a) memdisk.efi, firmware RAM disk"),
                ("efi-own", "(a) memdisk.efi `disk=own`"),
                ("efi-gz", "(a) memdisk.efi, gzipped ISO"),
                ("san", "(b) iPXE `sanboot` over HTTP"),
                ("cdrom", "(c) virtual CD drive (`-cdrom`)"))
EFI_LABELS = ("efi", "efi-own", "efi-gz")


class Results:
    """Samples, notes and facts read from the results file."""

    def __init__(self, path):
        self.vals = defaultdict(list)   # (key, loader) -> [float]
        self.notes = {}                 # (key, loader) -> text
        self.meta = {}                  # key -> text
        with open(path, encoding="utf-8") as f:
            for line in f:
                kind, key, loader, value = line.rstrip("\n").split("\t", 3)
                if kind == "val":
                    self.vals[key, loader].append(float(value))
                elif kind == "note":
                    self.notes.setdefault((key, loader), value)
                elif kind == "meta":
                    self.meta[key] = value

    def median(self, key, loader):
        """Median of the samples, or None if there are none."""
        v = self.vals.get((key, loader))
        return statistics.median(v) if v else None

    def spread(self, key, loader):
        """(min, max) of the samples."""
        v = self.vals[key, loader]
        return min(v), max(v)

    def why(self, key, loader):
        """The failure note of KEY for LOADER, or a generic text."""
        return self.notes.get((key, loader), "no result")

    def size(self, name):
        """A byte count from the facts (0 if unknown)."""
        return int(self.meta.get(name, 0))


def mb(nbytes):
    """Bytes as MB (10^6) with one decimal."""
    return f"{nbytes / 1e6:.1f} MB"


def timing_cell(r, key, loader, nbytes=None):
    """'0.745 s (0.731-0.760)', with NBYTES ', 211 MB/s', then '; CPU 0.702 s'."""
    med = r.median(key, loader)
    if med is None:
        return r.why(key, loader)
    lo, hi = r.spread(key, loader)
    cell = f"{med:.3f} s ({lo:.3f}–{hi:.3f})"
    if nbytes:
        cell += f", {nbytes / med / 1e6:.0f} MB/s"
    cpu = r.median("cpu:" + key, loader)
    if cpu is not None:
        cell += f"; CPU {cpu:.3f} s"
    return cell


def speed_cell(r, key):
    """How much faster memboot is than SYSLINUX (ratio of wall-clock medians,
    then of CPU-time medians)."""
    a, b = r.median(key, "syslinux"), r.median(key, "memboot")
    if a is None or b is None or b <= 0:
        return "–"
    text = ratio_text(a / b)
    ca, cb = r.median("cpu:" + key, "syslinux"), r.median("cpu:" + key, "memboot")
    if ca and cb:
        text += f" (CPU {ca / cb:.2f}×)"
    return text


def ratio_text(ratio):
    """'2.10x faster' or '1.30x slower' for a time ratio SYSLINUX/memboot."""
    return f"{ratio:.2f}× faster" if ratio >= 1 else f"{1 / ratio:.2f}× slower"


def memory_cell(r, key, loader):
    """'3 KiB (639 → 636)': base memory taken, from the word at 0x413."""
    base, got = r.median(key, "none"), r.median(key, loader)
    if got is None:
        return r.why(key, loader)
    if base is None:
        return f"? ({got:.0f} KiB left; no baseline: {r.why(key, 'none')})"
    return f"{base - got:.0f} KiB ({base:.0f} → {got:.0f})"


def memory_cmp(r, key):
    """memboot's base memory against SYSLINUX's."""
    base = r.median(key, "none")
    a, b = r.median(key, "syslinux"), r.median(key, "memboot")
    if None in (base, a, b):
        return "–"
    diff = (base - b) - (base - a)
    return "same" if diff == 0 else f"{abs(diff):.0f} KiB {'more' if diff > 0 else 'less'}"


def size_cmp(r):
    """memboot's file size against SYSLINUX's."""
    a, b = r.median("size", "syslinux"), r.median("size", "memboot")
    if a is None or b is None:
        return "–"
    return f"{b / a * 100:.0f} % of SYSLINUX's"


def inflate_cell(r, loader, missing):
    """A loader's own inflate report: median MB/s (min-max) and its first line."""
    line = r.notes.get(("inflate", loader))
    if line is None:
        return missing
    if r.median("inflate", loader) is None:
        return f"“{line}”"
    lo, hi = r.spread("inflate", loader)
    return f"{r.median('inflate', loader):.0f} MB/s ({lo:.0f}–{hi:.0f}), from lines like “{line}”"


def gunzip_cell(r, loader):
    """Decompression time: banner of the .gz ISO minus banner of the plain ISO."""
    gz, plain = r.median("setup gz", loader), r.median("setup big", loader)
    if gz is None:
        why = r.why("setup gz", loader)
        prefix = "failed: memdisk: error: "
        return f"rejects .gz images: “{why[len(prefix):]}”" if why.startswith(prefix) else why
    if plain is None:
        return f"banner at {gz:.3f} s; no plain-ISO time to subtract"
    dt = gz - plain
    out = r.size("big_iso_bytes")
    if dt <= 0:
        return f"{dt:.3f} s (no measurable cost)"
    return f"{dt:.3f} s, {out / dt / 1e6:.0f} MB/s ({gz:.3f} − {plain:.3f})"


def gunzip_cmp(r):
    """Ratio of the two decompression times, when both exist."""
    t = {}
    for loader in LOADERS:
        gz, plain = r.median("setup gz", loader), r.median("setup big", loader)
        if gz is None or plain is None or gz <= plain:
            return "–"
        t[loader] = gz - plain
    return ratio_text(t["syslinux"] / t["memboot"])


def rows(r):
    """The table rows: [measurement, SYSLINUX, memboot, comparison]."""
    big = r.size("big_bytes")
    out = []
    for option in ("iso", "iso raw"):
        key = f"disk {option}"
        out.append([f"Disk service, `{option}`: ISOLINUX reads a {big / 2**20:.0f} MiB initrd",
                    timing_cell(r, key, "syslinux", big), timing_cell(r, key, "memboot", big),
                    speed_cell(r, key)])
    for key, what in (("setup small", f"small ISO ({mb(r.size('small_iso_bytes'))})"),
                      ("setup big", f"large ISO ({mb(r.size('big_iso_bytes'))})")):
        out.append([f"Set-up: QEMU start → ISOLINUX banner, {what}",
                    timing_cell(r, key, "syslinux"), timing_cell(r, key, "memboot"),
                    speed_cell(r, key)])
    for key, what in (("mem iso", "ISO (`iso`)"), ("mem floppy", "1.44 MB floppy (`floppy`)")):
        out.append([f"Resident base memory, {what}",
                    memory_cell(r, key, "syslinux"), memory_cell(r, key, "memboot"),
                    memory_cmp(r, key)])
    sizes = [f"{r.median('size', ld):.0f} bytes" if r.median("size", ld) else "?"
             for ld in LOADERS]
    out.append(["Binary size", *sizes, size_cmp(r)])
    payload = r.size("payload_bytes")
    if payload and r.median("size", "memboot"):
        own = r.median("size", "memboot") - payload
        out.append(["Binary size without memboot's injection payload "
                    f"({payload} bytes, gzip, carried as it is)",
                    sizes[0], f"{own:.0f} bytes (budget 32768)",
                    f"{own / r.median('size', 'syslinux') * 100:.0f} % of SYSLINUX's"
                    if r.median("size", "syslinux") else "–"])
    out.append(["gzip inflate at boot, the loader's own report",
                inflate_cell(r, "syslinux", "– (prints none)"),
                inflate_cell(r, "memboot", "n/a (not implemented yet)"), "–"])
    out.append([f"gzip: decompressing the large ISO ({mb(r.size('big_gz_bytes'))} .gz), "
                "banner time .gz − plain", gunzip_cell(r, "syslinux"), gunzip_cell(r, "memboot"),
                gunzip_cmp(r)])
    return out


PMEM_COLUMNS = (("syslinux", "SYSLINUX MEMDISK `iso`"), ("memboot", "memboot `iso`"),
                ("memboot-pmem", "memboot `iso pmem`"))


def delta_cell(r, key, base="memboot", other="memboot-pmem"):
    """`iso pmem` against `iso` by medians: '+0.021 s (+6 %)'."""
    a, b = r.median(key, base), r.median(key, other)
    if a is None or b is None or a <= 0:
        return "–"
    return f"{b - a:+.3f} s ({(b - a) / a * 100:+.0f} %)"


def read_cell(r, loader):
    """In-guest read of the whole device: device, median time (min-max) and
    MB/s of the median (with the range of single runs' MB/s)."""
    med = r.median("read", loader)
    if med is None:
        return r.why("read", loader)
    dev = r.notes.get(("read_dev", loader), "?").split()
    nbytes = r.median("read_bytes", loader)
    lo, hi = r.spread("read_mbs", loader)
    name = f"{dev[0]} `{dev[1]}`" if len(dev) == 2 else "?"
    return (f"{name}: {nbytes / 1e6:.1f} MB in {med:.3f} s ({r.spread('read', loader)[0]:.3f}–"
            f"{r.spread('read', loader)[1]:.3f}), {nbytes / med / 1e6:.0f} MB/s "
            f"({lo:.0f}–{hi:.0f})")


def hread_cell(r, loader):
    """The same read timed on the host: wall clock and QEMU CPU time."""
    med = r.median("hread", loader)
    nbytes = r.median("read_bytes", loader)
    if med is None or nbytes is None:
        return r.why("read", loader)
    lo, hi = r.spread("hread", loader)
    cell = f"{med:.3f} s ({lo:.3f}–{hi:.3f}), {nbytes / med / 1e6:.0f} MB/s"
    cpu = r.median("cpu:hread", loader)
    if cpu is not None:
        cell += f"; CPU {cpu:.3f} s"
    return cell


def read_cmp(r, key):
    """pmem against memboot's phram, by median MB/s (bytes / median time)."""
    a, b = r.median(key, "memboot"), r.median(key, "memboot-pmem")
    na, nb = r.median("read_bytes", "memboot"), r.median("read_bytes", "memboot-pmem")
    if None in (a, b, na, nb) or a <= 0 or b <= 0:
        return "–"
    ratio = (nb / b) / (na / a)
    text = f"{ratio:.2f}× the MB/s of phram" if ratio >= 1 else f"{1 / ratio:.2f}× slower than phram"
    sa = r.median(key, "syslinux")
    ns = r.median("read_bytes", "syslinux")
    if sa and ns:
        text += f" ({(nb / b) / (ns / sa):.2f}× SYSLINUX + phram)"
    return text


def pmem_rows(r):
    """The pmem table: [measurement, SYSLINUX iso, memboot iso, memboot iso pmem, cmp]."""
    big = r.size("big_bytes")
    out = []
    for key, what in (("setup small", f"small ISO ({mb(r.size('small_iso_bytes'))})"),
                      ("setup big", f"large ISO ({mb(r.size('big_iso_bytes'))})")):
        out.append([f"Set-up: QEMU start → ISOLINUX banner, {what}",
                    *(timing_cell(r, key, ld) for ld, _ in PMEM_COLUMNS), delta_cell(r, key)])
    for key, what in (("own small", f"small ISO ({mb(r.size('small_iso_bytes'))})"),
                      ("own big", f"large ISO ({mb(r.size('big_iso_bytes'))})")):
        out.append([f"memboot's own set-up (its first serial line → its last), {what}",
                    "– (prints nothing on the serial line)",
                    *(timing_cell(r, key, ld) for ld in ("memboot", "memboot-pmem")),
                    delta_cell(r, key)])
    out.append([f"Disk service: ISOLINUX reads a {big / 2**20:.0f} MiB initrd",
                *(timing_cell(r, "disk iso", ld, big) for ld, _ in PMEM_COLUMNS),
                delta_cell(r, "disk iso")])
    out.append([f"QEMU start → guest /init (read ISO, {mb(r.size('read_iso_bytes'))}: "
                "ISOLINUX loads kernel + initramfs, Linux boots)",
                *(timing_cell(r, "boot init", ld) for ld, _ in PMEM_COLUMNS),
                delta_cell(r, "boot init")])
    out.append(["In-guest read of the whole device, `dd bs=1M` to /dev/null, guest clock",
                *(read_cell(r, ld) for ld, _ in PMEM_COLUMNS), read_cmp(r, "read")])
    out.append(["The same read on the host clock (serial lines before and after)",
                *(hread_cell(r, ld) for ld, _ in PMEM_COLUMNS), read_cmp(r, "hread")])
    return out


def markdown(header, body):
    """A Markdown table with aligned columns."""
    table = [header] + body
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]

    def line(row):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"

    sep = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(header), sep] + [line(row) for row in body])


def target_line(r):
    """memboot `iso` against SYSLINUX's faster disk-service mode."""
    mine = r.median("disk iso", "memboot")
    theirs = {opt: r.median(f"disk {opt}", "syslinux") for opt in ("iso", "iso raw")}
    theirs = {k: v for k, v in theirs.items() if v is not None}
    if mine is None or not theirs:
        return "Target (memboot `iso` ≥ 1.25× faster than SYSLINUX's faster mode): no figures."
    opt = min(theirs, key=theirs.get)
    ratio = theirs[opt] / mine
    verdict = "met" if ratio >= TARGET else "NOT met"
    text = (f"Target: memboot `iso` against SYSLINUX's faster mode (`{opt}`, "
            f"{theirs[opt]:.3f} s): {mine:.3f} s, {ratio_text(ratio)} "
            f"(target ≥ {TARGET:.2f}× faster: {verdict}")
    if ratio < TARGET:
        text += f"; it needs {mine - theirs[opt] / TARGET:.3f} s less"
    text += ")"
    cpu_mine, cpu_theirs = r.median("cpu:disk iso", "memboot"), r.median(f"cpu:disk {opt}", "syslinux")
    if cpu_mine and cpu_theirs:
        text += f"; in QEMU CPU time {cpu_theirs / cpu_mine:.2f}×"
    best_mine = r.spread("disk iso", "memboot")[0]
    best_theirs = min(r.spread(f"disk {o}", "syslinux")[0] for o in theirs)
    text += (f"; fastest single runs: memboot {best_mine:.3f} s, SYSLINUX {best_theirs:.3f} s "
             f"(either mode), {ratio_text(best_theirs / best_mine)}")
    if r.spread("disk iso", "memboot")[1] > r.spread(f"disk {opt}", "syslinux")[0]:
        text += ". The two ranges overlap: other load on the host moved single runs more " \
                "than the loaders differ"
    return text + "."


def wait_share(r):
    """Share of the disk-service intervals QEMU spent waiting for a CPU."""
    wall = sum(sum(v) for (k, _), v in r.vals.items() if k.startswith("disk "))
    wait = sum(sum(v) for (k, _), v in r.vals.items() if k.startswith("wait:disk "))
    return f"{wait / wall * 100:.0f} %" if wall else "?"


def ms_cell(r, key, loader, nbytes=None):
    """A short interval in ms: '28.7 ms (18.8–31.0)', with NBYTES ', 215 MB/s'."""
    med = r.median(key, loader)
    if med is None:
        return "–" if loader not in EFI_LABELS else r.why("uefi", loader)
    lo, hi = r.spread(key, loader)
    digits = 0 if med >= 0.1 else 1
    cell = f"{med * 1e3:.{digits}f} ms ({lo * 1e3:.{digits}f}–{hi * 1e3:.{digits}f})"
    if nbytes and med > 0:
        cell += f", {nbytes / med / 1e6:.0f} MB/s"
    return cell


def uefi_cell(r, key, loader, nbytes=None, cpu=True):
    """timing_cell for the UEFI table: a failure note if the boot failed,
    QEMU's CPU time only where asked (over short intervals it is noise:
    threads that end take their CPU time with them)."""
    if r.median(key, loader) is None:
        return r.why("uefi", loader)
    cell = timing_cell(r, key, loader, nbytes)
    return cell if cpu else cell.split("; CPU")[0]


def uefi_read_ratio(r, loader, base):
    """GRUB's read speed of LOADER against BASE's: ratio of the medians."""
    a, b = r.median("uefi read", loader), r.median("uefi read", base)
    if a is None or b is None or a <= 0 or loader == base:
        return "–"
    return f"{b / a:.2f}×"


def uefi_rows(r):
    """The UEFI table: [measurement, (a), (a) own, (a) gz, (b), (c)]."""
    big, iso, gz = r.size("efi_big_bytes"), r.size("efi_iso_bytes"), r.size("efi_gz_bytes")
    image = (iso + 4095) // 4096 * 4096     # the memcpy copies whole pages
    labels = [ld for ld, _ in UEFI_COLUMNS]

    def efi_only(fn):
        return [fn(ld) if ld in EFI_LABELS else "–" for ld in labels]

    def read_cell(ld):
        cell = ms_cell(r, "efi read", ld, gz if ld == "efi-gz" else iso)
        return f"{cell} (the .gz, {mb(gz)})" if ld == "efi-gz" and r.median("efi read", ld) else cell

    def work_cell(ld):
        cell = ms_cell(r, "efi work", ld)
        ratio = r.median("efi ratio", ld)
        return f"{cell}; {ratio:.3f}× the memcpy" if ratio is not None else cell

    return [
        [f"GRUB reads /big.bin ({big / 2**20:.0f} MiB), host clock",
         *(uefi_cell(r, "uefi read", ld, big) for ld in labels)],
        ["GRUB's read speed against (b)", *(uefi_read_ratio(r, ld, "san") for ld in labels)],
        ["GRUB's read speed against (c)", *(uefi_read_ratio(r, ld, "cdrom") for ld in labels)],
        ["QEMU start → GRUB's first line", *(uefi_cell(r, "uefi grub", ld) for ld in labels)],
        ["Loader started → GRUB's first line",
         *(uefi_cell(r, "uefi loader", ld, cpu=False) for ld in labels)],
        ["iPXE downloads the image (HTTP)",
         *efi_only(lambda ld: uefi_cell(r, "uefi download", ld,
                                        gz if ld == "efi-gz" else iso, cpu=False))],
        [f"memdisk.efi: reads the image ({mb(iso)})",
         *efi_only(read_cell)],
        ["memdisk.efi: inflates it", *efi_only(
            lambda ld: ms_cell(r, "efi inflate", ld, iso) if ld == "efi-gz" else "–")],
        ["memdisk.efi `bench`: one memcpy of the image",
         *efi_only(lambda ld: ms_cell(r, "efi memcpy", ld, image))],
        ["memdisk.efi: registers the disk",
         *efi_only(lambda ld: ms_cell(r, "efi register", ld))],
        ["memdisk.efi: image read → disk ready",
         *efi_only(lambda ld: ms_cell(r, "efi ready", ld))],
        ["memdisk.efi: connects the disk, loads BOOTX64.EFI",
         *efi_only(lambda ld: ms_cell(r, "efi connect", ld))],
        ["memdisk.efi's own work after reading (the two rows above)",
         *efi_only(work_cell)],
        ["memdisk.efi's first line → `starting` line, host clock", *efi_only(lambda ld: uefi_cell(r, "uefi efihost", ld, cpu=False))],
    ]


def uefi_targets(r):
    """The two UEFI target lines."""
    work = []
    for ld, title in UEFI_COLUMNS:
        if ld not in EFI_LABELS:
            continue
        ratio, w, m = r.median("efi ratio", ld), r.median("efi work", ld), r.median("efi memcpy", ld)
        if ratio is None:
            work.append(f"{title}: no figures")
            continue
        verdict = "met" if max(r.vals["efi ratio", ld]) <= EFI_WORK_TARGET else \
            ("met by the median, not by every boot" if ratio <= EFI_WORK_TARGET else "NOT met")
        work.append(f"{title}: {w * 1e3:.1f} ms against {m * 1e3:.0f} ms, {ratio:.3f}× "
                    f"(worst boot {max(r.vals['efi ratio', ld]):.3f}×): {verdict}")
    speed = []
    floor = r.median("uefi read", "cdrom")
    big = r.size("efi_big_bytes")
    for ld, title in UEFI_COLUMNS:
        if ld not in EFI_LABELS:
            continue
        t = r.median("uefi read", ld)
        if t is None or floor is None:
            speed.append(f"{title}: no figures")
            continue
        slowest, fastest_cd = r.spread("uefi read", ld)[1], r.spread("uefi read", "cdrom")[0]
        verdict = "met" if t <= floor else "NOT met"
        if t <= floor and slowest > fastest_cd:
            verdict += " by the medians; the ranges overlap"
        speed.append(f"{title}: {big / t / 1e6:.0f} MB/s against {big / floor / 1e6:.0f} MB/s, "
                     f"{floor / t:.2f}×: {verdict}")
    san = r.median("uefi read", "san")
    san_text = f" (b) sanboot over HTTP: {big / san / 1e6:.0f} MB/s." if san else ""
    return (f"Target 1, memdisk.efi's own work after reading the image ≤ "
            f"{EFI_WORK_TARGET:.2f}× one memcpy of the image in the same boot (medians of the "
            "per-boot ratios): " + "; ".join(work) + ".\n\n"
            "Target 2, GRUB reads from the RAM disk at least as fast as from the virtual CD "
            "drive (medians): " + "; ".join(speed) + "." + san_text)


def uefi_conditions(r):
    """The UEFI part's facts."""
    m = r.meta
    return (f"- UEFI: OVMF {m.get('ovmf', '?')} (Debian), q35, {m.get('uefi_ram', '?')} MiB; "
            f"the NIC's EFI iPXE ROM (Debian ipxe-qemu {m.get('ipxe', '?')}, virtio-net); "
            f"nginx {m.get('nginx', '?')} on 127.0.0.1, reached through QEMU's guestfwd and "
            f"socat; medians of {m.get('uefi_runs', '?')} rounds (min–max); ISO "
            f"{mb(r.size('efi_iso_bytes'))}, gzipped {mb(r.size('efi_gz_bytes'))}; memdisk.efi: "
            f"{m.get('path efi', '?')} (sha256 {m.get('sha256 efi', '?')}…, built "
            f"{m.get('built efi', '?')}).\n"
            f"- UEFI, other load on the host: QEMU waited for a CPU during "
            + ", ".join(f"{uefi_wait_share(r, ld)} ({ld})" for ld, _ in UEFI_COLUMNS)
            + " of GRUB's read intervals.")


def uefi_wait_share(r, loader):
    """Share of LOADER's GRUB read intervals QEMU spent waiting for a CPU
    (all its threads: it can pass 100 %)."""
    wall, wait = sum(r.vals.get(("uefi read", loader), [])), \
        sum(r.vals.get(("wait:uefi read", loader), []))
    return f"{wait / wall * 100:.0f} %" if wall else "?"


def has_bios(r):
    """Whether the run measured any of the BIOS parts."""
    return any(k != "size" and not k.startswith(("efi ", "uefi ", "cpu:uefi ", "wait:uefi ",
                                                 "inj ", "cpu:inj ", "wait:inj "))
               for k, _ in r.vals)


def has_inject(r):
    """Whether the run has the injection part."""
    return any(k.startswith("inj ") for k, _ in r.vals) or \
        any(k.startswith("inj ") for k, _ in r.notes)


def inj_ms(r, key, label):
    """Median (min-max) of KEY for LABEL in ms, or why there is none."""
    med = r.median(key, label)
    if med is None:
        return r.why(key, label)
    lo, hi = r.spread(key, label)
    return f"{med * 1e3:.1f} ms ({lo * 1e3:.1f}–{hi * 1e3:.1f})"


def inject_rows(r):
    """Set-up with and without the injection; the read through each backend."""
    a, b = r.median("inj setup", "inject"), r.median("inj setup", "noinject")
    diff = f"+{(a - b) * 1e3:.1f} ms" if a is not None and b is not None else "–"
    setup = [["Loader set-up, its first line → its hand-off line, host clock",
              inj_ms(r, "inj setup", "inject"), inj_ms(r, "inj setup", "noinject"), diff],
             ["The injection's planning, the loader's own clock",
              inj_ms(r, "inj plan", "inject"), "–", "–"]]
    cells = []
    for b in ("phram", "nbd", "copy"):
        med = r.median("inj read_mbs", b)
        if med is None:
            cells.append(r.why("inj read", b))
            continue
        lo, hi = r.spread("inj read_mbs", b)
        dev = r.notes.get(("inj read_dev", b), "?")
        cells.append(f"{dev}: {med:.0f} MB/s ({lo:.0f}–{hi:.0f}), "
                     f"{r.median('inj read', b):.3f} s")
    p, n = r.median("inj read_mbs", "phram"), r.median("inj read_mbs", "nbd")
    ratio = f"phram {p / n:.2f}× nbd's speed" if p and n else "–"
    read = [["In-guest read of read.iso, `dd bs=1M`, guest clock", *cells, ratio]]
    return setup, read


def inject_targets(r):
    """The issue's targets: set-up under 0.1 s, nbd within 1.5x of phram."""
    out = []
    plan = r.median("inj plan", "inject")
    if plan is not None:
        out.append(f"- Target: the injection's set-up cost under 0.1 s under TCG: "
                   f"{plan * 1e3:.1f} ms planning (loader's clock) — "
                   f"{'met' if plan < 0.1 else 'NOT met'}.")
    p, n = r.median("inj read_mbs", "phram"), r.median("inj read_mbs", "nbd")
    if p and n:
        out.append(f"- Target: nbd reads within 1.5× of phram's speed: phram {p:.0f} MB/s, nbd "
                   f"{n:.0f} MB/s, ratio {p / n:.2f} — {'met' if p / n <= 1.5 else 'NOT met'}.")
    return "\n".join(out)


def has_fetch(r):
    """Whether the run has the network-load part."""
    return any(k.startswith("fetch ") for k, _ in r.vals) or any(k == "fetch" for k, _ in r.notes)


def fetch_rows(r):
    """iPXE's load of efi.iso over TFTP and HTTP, on each firmware."""
    size = r.size("fetch_iso_bytes")

    def cell(key, label):
        med = r.median(key, label)
        if med is None:
            return r.why("fetch", label)
        lo, hi = r.spread(key, label)
        return f"{med:.2f} s ({lo:.2f}–{hi:.2f}), {size / med / 1e6:.1f} MB/s"

    def ratio(key, fw):
        t, h = r.median(key, f"{fw}-tftp"), r.median(key, f"{fw}-http")
        return f"HTTP {t / h:.1f}× faster" if t and h else "–"

    rows = []
    for proto, name in (("tftp", "TFTP (QEMU's server)"), ("http", "HTTP (nginx, loopback)")):
        rows.append([f"{name}: `imgfetch` alone", cell("fetch load", f"bios-{proto}"),
                     cell("fetch load", f"efi-{proto}")])
    rows.append(["HTTP against TFTP, `imgfetch` alone", ratio("fetch load", "bios"),
                 ratio("fetch load", "efi")])
    for proto, name in (("tftp", "TFTP"), ("http", "HTTP")):
        rows.append([f"{name}: iPXE's prompt → image loaded", cell("fetch prompt", f"bios-{proto}"),
                     cell("fetch prompt", f"efi-{proto}")])
    return rows


def has_uefi(r):
    """Whether the run has the UEFI part."""
    return any(k.startswith("uefi ") for k, _ in r.vals) or any(k == "uefi" for k, _ in r.notes)


def conditions(r):
    """The facts of the run, as a short list."""
    m = r.meta
    return "\n".join([
        f"- {m.get('date', '?')}; {m.get('nproc', '?')} CPUs ({m.get('cpu', '?')}); "
        f"{m.get('qemu', '?')}, TCG, {m.get('ram', '?')} MiB guest; one QEMU at a time.",
        f"- Other load on the host: load average {m.get('load', '?')} before the run; "
        f"{m.get('busy_starts', '?')} of {m.get('timed_boots', '?')} timed boots started with "
        f"no idle CPU (after waiting {m.get('idle_wait', '?')} s in all for one); QEMU waited "
        f"for a CPU during {wait_share(r)} of the disk-service intervals.",
        f"- Medians of {m.get('runs', '?')} runs (in-guest read: {m.get('read_runs', '?')}) "
        "(min–max), loaders interleaved; CPU = QEMU's "
        "CPU time over the same interval; MB = 10^6 bytes; the run took "
        f"{m.get('seconds', '?')} s.",
        f"- SYSLINUX MEMDISK: {m.get('path syslinux', '?')} "
        f"(sha256 {m.get('sha256 syslinux', '?')}…); memboot: {m.get('path memboot', '?')} "
        f"(sha256 {m.get('sha256 memboot', '?')}…, built {m.get('built memboot', '?')}, "
        f"tree {m.get('tree', '?')}).",
    ])


def main(argv):
    if len(argv) != 1:
        print("usage: table.py RESULTS.tsv", file=sys.stderr)
        return 2
    r = Results(argv[0])
    header = ["Measurement", "SYSLINUX MEMDISK", "memboot", "memboot vs SYSLINUX"]
    if has_bios(r):
        print(markdown(header, rows(r)))
        print()
        print(target_line(r))
        print()
    if any(ld == "memboot-pmem" for _, ld in r.vals) or \
            any(ld == "memboot-pmem" or k == "read" for k, ld in r.notes):
        print(markdown(["pmem", *(title for _, title in PMEM_COLUMNS), "`iso pmem` vs `iso`"],
                       pmem_rows(r)))
        print()
    if has_uefi(r):
        print(markdown(["UEFI", *(title for _, title in UEFI_COLUMNS)], uefi_rows(r)))
        print()
        print(uefi_targets(r))
        print()
    if has_inject(r):
        setup, read = inject_rows(r)
        size = r.size("inj_iso_bytes")
        print(markdown([f"Injection, Debian live ISO ({size / 1e6:.0f} MB)", "memboot `iso`",
                        "memboot `iso noinject`", "difference"], setup))
        print()
        print(markdown(["Backend", "phram (`/dev/mtdblock0`)", "nbd (memboot's server)",
                        "copy (tmpfs + loop)", "phram vs nbd"], read))
        print()
        print(inject_targets(r))
        print()
    if has_fetch(r):
        size = r.size("fetch_iso_bytes")
        print(markdown([f"Network load of efi.iso ({size / 1e6:.0f} MB) by iPXE",
                        "SeaBIOS (iPXE ROM)", "OVMF (EFI iPXE ROM)"], fetch_rows(r)))
        print()
        print(f"- Network load: medians of {r.meta.get('fetch_runs', '?')} runs (min–max), "
              f"host clock on the serial lines; iPXE {r.meta.get('ipxe', '?')}, "
              f"nginx {r.meta.get('nginx', '?')}; QEMU's user network (slirp).")
        print()
    print(conditions(r))
    if has_uefi(r):
        print(uefi_conditions(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
