"""harness.py - one boot-test case: its row of cases.txt, its image, its boot.

A Case is built from a table row; run() prepares it (prep), has images.sh
build its image and the outer medium of its delivery, boots it with the
launcher (qemu.py) until the event of its "until" column, and reads what the
guest reported.  The host-side checks are in checks.py; run.py runs the
cases and reports.
"""
import os
import re
import secrets
import shlex
import socket
import struct
import subprocess
import tempfile
import threading
import time

import qemu
import vga

BOOT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(BOOT_DIR))
BUILD = os.environ.get("MEMBOOT_BUILD") or os.path.join(REPO, "build")
CACHE = os.environ.get("MEMBOOT_CACHE") or os.path.expanduser("~/.cache/memboot")
MEDIA = os.path.join(CACHE, "media")
IMAGES = os.path.join(BOOT_DIR, "images.sh")
LOADERS = {
    "syslinux": os.environ.get("MEMDISK") or "/usr/lib/syslinux/memdisk",
    "memboot": os.environ.get("MEMBOOT_MEMDISK") or os.path.join(BUILD, "memdisk"),
    "memboot-efi": os.environ.get("MEMBOOT_EFI") or os.path.join(BUILD, "memdisk.efi"),
    "": None,
}
VIAS = ("kernel", "direct", "cd-isolinux", "cd-grub", "net-ipxe", "net-pxelinux",
        "cd-grub-efi", "usb-stick", "usb-grub-efi", "usb-shim", "net-http")
NO_LOADER_VIAS = ("direct", "net-ipxe")    # they can boot the test kernel itself
EFI_ONLY_VIAS = ("cd-grub-efi", "usb-stick", "usb-grub-efi", "usb-shim")   # they start memdisk.efi
EFI_VIAS = ("net-ipxe", "net-http", *EFI_ONLY_VIAS)   # how memdisk.efi can be started
COLUMNS = ("name", "firmware", "ram", "via", "loader", "option", "image", "guest", "kargs",
           "until", "check", "prep")
BOOT_TIMEOUT = int(os.environ.get("MEMBOOT_TIMEOUT", "90"))
LIVE_TIMEOUT = int(os.environ.get("MEMBOOT_LIVE_TIMEOUT", "240"))
DISTRO_TIMEOUT = int(os.environ.get("MEMBOOT_DISTRO_TIMEOUT", "480"))
GUEST_RAM_MIB = 512
MIB2 = 2 * 1024 * 1024
KERNEL_ARGS = "console=ttyS0,115200 panic=-1 quiet"   # as media.sh's boot_cfg
KERNEL_STARTED = "Linux version "   # the kernel's first line on a serial console
PRESS_EVERY = 2                     # seconds between two key presses (prep enter)

RUNNING = set()                 # QEMUs running now (stopped if the run is cut short)
RUNNING_LOCK = threading.Lock()


class Fail(Exception):
    """The case failed; the message says why."""


def need(ok, reason):
    """Fail with REASON unless OK."""
    if not ok:
        raise Fail(reason)


def read_table(path, known_checks):
    """The rows of the case table PATH as dicts (COLUMNS; "-" becomes "");
    a malformed line stops the run with its line number."""
    rows = []
    with open(path, encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            fields = shlex.split(line, comments=True)
            if not fields:
                continue
            where = f"{path}:{number}"
            if len(fields) != len(COLUMNS):
                raise SystemExit(f"{where}: {len(fields)} columns, expected {len(COLUMNS)}")
            row = {k: ("" if v == "-" else v) for k, v in zip(COLUMNS, fields)}
            problems = [
                row["firmware"] not in qemu.FIRMWARE and f"firmware '{row['firmware']}'",
                row["via"] not in VIAS and f"via '{row['via']}'",
                not re.fullmatch(r"([1-9][0-9]*)?", row["ram"]) and f"ram '{row['ram']}'",
                row["loader"] not in LOADERS and f"loader '{row['loader']}'",
                (row["loader"] == "memboot-efi" and row["via"] not in EFI_VIAS)
                and f"loader memboot-efi via {row['via']}",
                (row["via"] in EFI_ONLY_VIAS and row["loader"] != "memboot-efi")
                and f"via {row['via']} without loader memboot-efi",
                (row["loader"] == "memboot-efi"
                 and qemu.FIRMWARE.get(row["firmware"], {}).get("guest") != "uefi")
                and "loader memboot-efi on a firmware without UEFI",
                (row["via"] == "direct" and row["loader"] != "") and "loader with direct",
                (row["loader"] == "" and row["via"] not in NO_LOADER_VIAS) and "via without loader",
                row["check"].partition(":")[0] not in known_checks and f"check '{row['check']}'",
                row["prep"] not in PREPS and f"prep '{row['prep']}'",
                not (row["until"] == "done" or row["until"].startswith(("serial:", "vga:")))
                and f"until '{row['until']}'",
                any(r["name"] == row["name"] for r in rows) and "a second case of that name",
            ]
            bad = [p for p in problems if p]
            if bad:
                raise SystemExit(f"{where}: case {row['name']}: unknown or wrong {', '.join(bad)}")
            rows.append(row)
    return rows


class Results(dict):
    """The guest's results: key -> value, "" for a key it did not report."""

    def __missing__(self, key):
        """A key the guest did not report reads as ""."""
        return ""


def read_results(log, token):
    """The guest's "MEMBOOT TOKEN key=value" lines of serial log LOG as
    Results (done=1 once the guest said done)."""
    results = Results()
    prefix = f"MEMBOOT {token} "
    for line in read_text(log).splitlines():
        if not line.startswith(prefix):
            continue
        kv = line[len(prefix):].rstrip("\r")
        if kv == "done":
            results["done"] = "1"
        elif "=" in kv:
            key, _, value = kv.partition("=")
            results[key] = value
    return results


def read_text(path):
    """The contents of PATH as text ("" if it does not exist)."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def parse_found(text):
    """A finder's "0xADDR,0xLEN" answer as (address, length), None if TEXT
    is not one."""
    m = re.fullmatch(r"0x([0-9a-fA-F]+),0x([0-9a-fA-F]+)", text or "")
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def new_token():
    """A random 16-hex-digit token: stale output can never pass."""
    return secrets.token_hex(8)


class Case:
    """One case of the table, with what its run found out."""

    def __init__(self, row, run_dir):
        """Fill the case from its table ROW; its folder is in RUN_DIR."""
        self.name, self.firmware, self.via, self.loader = (
            row[k] for k in ("name", "firmware", "via", "loader"))
        self.ram = int(row["ram"] or GUEST_RAM_MIB)
        self.option = forced_option(row["loader"], row["option"])
        self.image_kind, self.guest, self.until, self.check, self.prep = (
            row[k] for k in ("image", "guest", "until", "check", "prep"))
        self.kargs = row["kargs"].split(",") if row["kargs"] else []
        self.loader_bin = LOADERS[row["loader"]]
        self.dir = os.path.join(run_dir, row["name"])
        self.token = new_token()
        self.until_text = row["until"].partition(":")[2].replace("{token}", self.token)
        self.image = self.raw = self.disk = ""   # the files images.sh built
        self.more = []              # files a boot loader loads beside the image
        self.results = Results()    # the guest's key=value lines
        self.reached = False        # the "until" event happened
        self.secs = None            # seconds from QEMU's start to that event
        self.note = ""              # shown on the PASS line
        self.expect_addr = None     # where the image must land (prep pmem)
        self.press = None           # (key, until TEXT on the serial line): prep enter
        self.httpd = None           # the web server of a net-http case (Httpd)
        self.presser = None         # what the boot's Presser did (presses, stop_secs)
        os.makedirs(self.dir, exist_ok=True)
        self.log = open(os.path.join(self.dir, "harness.log"), "a", encoding="utf-8")

    def path(self, *names):
        """A path in the case's folder."""
        return os.path.join(self.dir, *names)

    def tell(self, text):
        """Write TEXT to the case's harness.log."""
        self.log.write(text.rstrip("\n") + "\n")
        self.log.flush()

    def shell(self, *args):
        """Run images.sh with ARGS (its stderr into harness.log); returns its
        key=value output as a dict, or None if it failed."""
        self.tell("images.sh " + " ".join(shlex.quote(a) for a in args))
        proc = subprocess.run([IMAGES, *args], stdout=subprocess.PIPE, stderr=self.log,
                              stdin=subprocess.DEVNULL, text=True, check=False)
        if proc.returncode != 0:
            return None
        return dict(line.partition("=")[::2] for line in proc.stdout.splitlines() if "=" in line)

    def build_image(self, folder=None, name=None, guest=None, token=None, kargs=None):
        """Have images.sh build an image of the case's kind (by default the
        case's own); returns the paths of the image, the raw image and the
        extra disk ("" where there is none), and the list of more files."""
        out = self.shell("image", self.image_kind or "-", folder or self.dir, name or self.name,
                         guest or self.guest or "-", token or self.token,
                         *(self.kargs if kargs is None else kargs))
        need(out is not None, f"could not build the image {self.image_kind} (see harness.log)")
        return out["image"], out["raw"], out["disk"], out.get("more", "").split()

    def prepare(self):
        """Prep, image and outer medium: everything before the boot."""
        need(self.loader_bin is None or os.path.isfile(self.loader_bin),
             f"loader {self.loader_bin} does not exist")
        if self.prep:
            PREPS[self.prep](self)
        self.image, self.raw, self.disk, self.more = self.build_image()
        if self.via == "net-ipxe" and not self.loader:
            tftp = self.path("tftp")
            need(self.shell("outer", "net-ipxe-linux", tftp, *self.linux()) is not None,
                 "could not build the outer medium (net-ipxe, no memdisk)")
        elif self.via == "net-http":
            need(self.shell("outer", "net-http", self.outer(), self.path("www"), self.image,
                            self.option.replace(",", " ")) is not None,
                 "could not build the outer medium (net-http)")
            self.httpd = Httpd(self.path("www"), self.path("httpd"))
        elif self.via != "kernel" and self.via != "direct":
            via = "net-ipxe-efi" if self.via == "net-ipxe" and self.loader == "memboot-efi" \
                else self.via
            need(self.shell("outer", via, self.outer(), self.loader_bin, self.image,
                            self.option.replace(",", " "), *self.more) is not None,
                 f"could not build the outer medium ({via})")

    def outer(self):
        """Where the outer medium of the case's delivery goes."""
        if self.via.startswith("cd-"):
            return self.path("outer.iso")
        if self.via.startswith("usb-"):
            return self.path("outer.img")
        return self.path("tftp")

    def linux(self):
        """The test kernel, its initramfs and its command line, for a boot
        with no memdisk."""
        return (os.path.join(MEDIA, "vmlinuz"), os.path.join(MEDIA, "initrd.gz"),
                " ".join([KERNEL_ARGS, f"memboot.case={self.guest}", f"memboot.token={self.token}",
                          *self.kargs]))

    def launch(self, serial, monitor=None, loader=None, image=None):
        """The launcher's keywords that boot the case (LOADER and IMAGE
        instead of the case's own, for a probe boot)."""
        kw = {"firmware": self.firmware, "state": self.dir, "ram": self.ram,
              "serial": serial, "monitor": monitor}
        if self.via == "kernel":
            kw.update(kernel=loader or self.loader_bin, initrd=image or self.image or None,
                      append=self.option.replace(",", " "), disk=self.disk or None)
        elif self.via == "direct":
            kw.update(zip(("kernel", "initrd", "append"), self.linux()))
        elif self.via.startswith("cd-"):
            kw.update(cdrom=self.outer())
        elif self.via.startswith("usb-"):
            kw.update(stick=self.outer())
        else:
            kw.update(tftp=self.path("tftp"),
                      bootfile="pxelinux.0" if self.via == "net-pxelinux" else "boot.ipxe")
            if self.via == "net-http":
                kw.update(http=self.httpd.port)
        return kw

    def start(self, kw, limit):
        """Start QEMU (qemu.command(**KW)) under an outer timeout of LIMIT
        seconds plus a margin; returns the process."""
        cmd = qemu.command(**kw)
        self.tell("qemu: " + " ".join(shlex.quote(a) for a in cmd))
        with open(self.path("qemu.out"), "ab") as out:
            proc = subprocess.Popen(["timeout", "-k", "5", str(limit + 10), *cmd],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        with RUNNING_LOCK:
            RUNNING.add(proc)
        return proc

    def stop(self, proc):
        """Stop QEMU and reap it."""
        if proc.poll() is None:
            proc.terminate()
        proc.wait()
        with RUNNING_LOCK:
            RUNNING.discard(proc)

    def boot_serial(self, log, text, grace, limit, press=None, **launch):
        """Boot until TEXT is on the serial line (logged to LOG; QEMU then gets
        GRACE seconds more to power off), QEMU exits, or LIMIT seconds pass.
        PRESS (KEY, STOP): press KEY through the monitor every PRESS_EVERY
        seconds until STOP is on the serial line (self.presser says what it
        did).  Returns (TEXT appeared, seconds from QEMU's start to it)."""
        open(log, "wb").close()
        mon = new_monitor_path() if press else None
        t0 = time.monotonic()
        t0_wall = time.time()
        proc = self.start(self.launch(log, monitor=mon, **launch), limit)
        presser = self.presser = Presser(mon, *press, t0) if press else None
        seen = secs = None
        try:
            while proc.poll() is None:
                now = time.monotonic()
                said = read_text(log)
                if presser:
                    presser.tick(said, now)
                if seen is None and text in said:
                    seen, secs = now, now - t0
                if (seen is not None and now - seen >= grace) or now - t0 >= limit:
                    break
                time.sleep(0.25)
        finally:
            self.stop(proc)
            if presser:
                presser.close()
                self.tell(f"pressed {presser.key} {presser.presses} times"
                          + (f"; '{presser.stop}' after {presser.stop_secs:.1f} s"
                             if presser.stop_secs is not None else f"; never saw '{presser.stop}'"))
            if mon and os.path.exists(mon):
                os.remove(mon)
        found = text in read_text(log)
        if found and secs is None:
            # Said and powered off between two polls: the log's last write
            # is when it said it, to within the power-off.
            secs = os.path.getmtime(log) - t0_wall
        return found, secs

    def boot_vga(self):
        """Boot until the until text is on the VGA screen (polled through
        the monitor; base memory is saved then) or MEMBOOT_TIMEOUT passes."""
        mon = new_monitor_path()
        proc = self.start(self.launch(self.path("serial.log"), monitor=mon), BOOT_TIMEOUT)
        try:
            rc = vga.watch(mon, self.until_text, BOOT_TIMEOUT, self.path("screen.txt"),
                           basemem=self.path("basemem.bin"), quit_after=True, errors=self.log)
            time.sleep(0.2)
        finally:
            self.stop(proc)
            if os.path.exists(mon):
                os.remove(mon)
        return rc == 0

    def boot(self):
        """Boot the prepared case until its "until" event; read the results."""
        kind, _, _ = self.until.partition(":")
        if kind == "vga":
            self.reached = self.boot_vga()
            return
        limit = BOOT_TIMEOUT
        if self.image_kind.startswith("live:"):
            # Live systems unpack a real distribution initrd and hash their
            # medium from the live root.
            limit = max(limit, LIVE_TIMEOUT)
        elif self.image_kind.startswith("distro:"):
            # A distribution's ISO of hundreds of MB, loaded over TFTP, and a
            # live-boot that looks for its medium for a minute before it gives up.
            limit = max(limit, DISTRO_TIMEOUT)
        log = self.path("serial.log")
        if kind == "serial":
            self.reached, self.secs = self.boot_serial(log, self.until_text, 1, limit, self.press)
            return
        self.reached, self.secs = self.boot_serial(log, f"MEMBOOT {self.token} done", 5, limit,
                                                   self.press)
        self.results = read_results(log, self.token)
        if self.expect_addr is not None:
            found = parse_found(self.results["ref_find"])
            need(found and found[0] == self.expect_addr,
                 f"image at '{self.results['ref_find'].partition(',')[0]}', "
                 f"expected {self.expect_addr:#x} (probe mismatch)")


def new_monitor_path():
    """A fresh path for a monitor socket (short: unix socket names are
    limited to 107 bytes)."""
    fd, mon = tempfile.mkstemp(prefix="memboot-mon.", dir=os.environ.get("TMPDIR", "/tmp"))
    os.close(fd)
    os.remove(mon)
    return mon


class Httpd:
    """nginx from Debian serving ROOT on a free port of 127.0.0.1 (QEMU's
    guestfwd makes it http://10.0.2.100/ in the guest: qemu.py --http), its
    files under DIR; stopped with stop() or when the run ends."""

    def __init__(self, root, folder):
        os.makedirs(folder, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        conf = os.path.join(folder, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(("user root;\n" if os.geteuid() == 0 else "") + f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    default_type application/octet-stream;
    sendfile on;
    server {{
        listen 127.0.0.1:{self.port};
        root {root};
    }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-e", os.path.join(folder, "error.log"), "-p",
                                      folder, "-c", conf], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        with RUNNING_LOCK:
            RUNNING.add(self.proc)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                need(self.proc.poll() is None, f"nginx exited at start (see {folder}/error.log)")
                time.sleep(0.05)
        raise Fail(f"nginx did not listen on 127.0.0.1:{self.port} within 5 s")

    def stop(self):
        """Stop nginx."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()


class Presser:
    """Presses a key through QEMU's monitor every PRESS_EVERY seconds, as a
    person at a boot menu that waits for one would, until a text appears on
    the serial line."""

    def __init__(self, sock_path, key, stop, t0):
        """KEY (a sendkey name) on the monitor at SOCK_PATH until STOP is on
        the serial line; T0 is QEMU's start (monotonic)."""
        self.sock_path, self.key, self.stop, self.t0 = sock_path, key, stop, t0
        self.sock = None
        self.presses = 0
        self.stop_secs = None       # when STOP appeared, from QEMU's start
        self.next = t0 + PRESS_EVERY

    def tick(self, serial_text, now):
        """Press the key if it is time and STOP has not appeared yet."""
        if self.stop_secs is not None:
            return
        if self.stop in serial_text:
            self.stop_secs = now - self.t0
            self.close()
            return
        if now < self.next:
            return
        self.next = now + PRESS_EVERY
        try:
            if self.sock is None:
                self.sock = vga.connect(self.sock_path, now)   # one try
                vga.read_prompt(self.sock)
            vga.command(self.sock, f"sendkey {self.key}")
            self.presses += 1
        except OSError:
            self.close()        # QEMU not listening yet (or gone): next time

    def close(self):
        """Let go of the monitor."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def forced_option(loader, option):
    """OPTION with ",$MEMBOOT_FORCE_OPTION" added for memboot's iso cases."""
    word = os.environ.get("MEMBOOT_FORCE_OPTION", "")
    if word and loader == "memboot" and option.startswith("iso") \
            and f",{word}," not in f",{option},":
        return f"{option},{word}"
    return option


# ---------------------------------------------------------------- preps

def patch_initrd_max(src, dst, value):
    """Copy the Linux-boot-protocol image SRC to DST with initrd_addr_max
    (u32 at 0x22c) set to VALUE, so that QEMU loads the initrd right below it."""
    with open(src, "rb") as f:
        data = bytearray(f.read())
    need(data[0x202:0x206] == b"HdrS", f"{src} has no Linux boot header")
    version = struct.unpack_from("<H", data, 0x206)[0]
    need(version >= 0x203, f"{src}: boot protocol {version:#x} has no initrd_addr_max")
    struct.pack_into("<I", data, 0x22C, value)
    with open(dst, "wb") as f:
        f.write(data)


def prep_pmem(case):
    """Arrange for the kernel to see the image as legacy persistent memory.
    MEMDISK reports the image as one reserved E820 range and Linux does not
    merge adjacent type-12 ranges, so memmap=SIZE!START must cover exactly
    that range, and nd_pmem needs it 2 MiB aligned: the ISO is a 2 MiB
    multiple (image iso:2m) and a copy of the loader gets an initrd_addr_max
    that makes QEMU put the image on a 2 MiB boundary.  A probe boot (guest
    case find) measures where the image lands; it moves by the same amount
    as initrd_addr_max."""
    top = 0x18000000 - 1
    probe_loader = case.path("loader-probe")
    patch_initrd_max(case.loader_bin, probe_loader, top)
    folder, token = case.path("probe"), new_token()
    image = case.build_image(folder=folder, name="probe", guest="find", token=token, kargs=[])[0]
    log = os.path.join(folder, "serial.log")
    done, _ = case.boot_serial(log, f"MEMBOOT {token} done", 5, BOOT_TIMEOUT,
                               loader=probe_loader, image=image)
    need(done, f"probe boot did not finish (log: {log})")
    results = read_results(log, token)
    found = parse_found(results["ref_out"])
    need(results["ref_rc"] == "0" and found, f"probe found no image: '{results['ref_out']}'")
    addr = found[0]
    aligned = addr // MIB2 * MIB2
    case.loader_bin = case.path("loader-pmem")
    patch_initrd_max(LOADERS[case.loader], case.loader_bin, top - (addr - aligned))
    case.expect_addr = aligned
    case.kargs.append(f"memmap={os.path.getsize(image):#x}!{aligned:#x}")


def prep_enter(case):
    """The medium's boot menu waits for a key (ISOLINUX "timeout 0", a GRUB
    with no timeout): press Enter through the monitor until the kernel speaks
    on the serial line."""
    case.press = ("ret", KERNEL_STARTED)


# OVMF's test key: Debian's ovmf ships it with the certificate that its
# snakeoil variable store's PK, KEK and db hold; the key is encrypted with
# the passphrase "snakeoil" (the package's README.Debian).
SB_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
SB_KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key"
SB_PASS = "snakeoil"


def prep_sign(case):
    """Secure Boot (firmware ovmf-sb): the loader is a copy of memdisk.efi
    signed with OVMF's test key, by scripts/sign.sh as `make sign` does."""
    pass_file = case.path("sb-pass")
    with open(pass_file, "w", encoding="ascii") as f:
        f.write(SB_PASS)
    signed = case.path("memdisk.efi.signed")
    proc = subprocess.run([os.path.join(REPO, "scripts", "sign.sh"), SB_KEY, SB_CERT,
                           case.loader_bin, signed], env={**os.environ, "SIGN_PASS_FILE": pass_file},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    case.tell(proc.stdout.strip())
    need(proc.returncode == 0, f"signing {case.loader_bin} failed: {proc.stdout.strip()}")
    case.loader_bin = signed


def damaged_copy(case, name, edit):
    """A copy of the loader with edit(bytearray) applied; it becomes the case's loader."""
    with open(case.loader_bin, "rb") as f:
        data = bytearray(f.read())
    edit(data)
    out = case.path(name)
    with open(out, "wb") as f:
        f.write(data)
    case.loader_bin = out


def prep_cutself(case):
    """memdisk cut like a download that stopped: its last 4 KiB (inside the
    packed body, which ends the file) are gone; the header still counts them."""
    damaged_copy(case, "memdisk-cut", lambda d: d.__delitem__(slice(len(d) - 4096, None)))


def prep_flipself(case):
    """memdisk with one bit flipped 8000 bytes before its end (in the packed body)."""
    def flip(d):
        d[len(d) - 8000] ^= 0x10
    damaged_copy(case, "memdisk-flip", flip)


PREPS = {"": None, "pmem": prep_pmem, "enter": prep_enter, "sign": prep_sign,
         "cutself": prep_cutself, "flipself": prep_flipself}
