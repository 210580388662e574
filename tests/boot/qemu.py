#!/usr/bin/env python3
"""qemu.py - the one place that builds a QEMU command line (boot tests, bench, demo).

Every QEMU that memboot's tests, benchmarks and demo start is described by the
same few options: which firmware, how much RAM, what the machine boots (QEMU's
own -kernel/-initrd/-append, a CD, the network through QEMU's DHCP and TFTP, a
floppy, a USB stick) plus an optional extra hard disk, where the serial line goes, and an
optional monitor socket.  QEMU always runs under TCG (KVM hangs on these
machines), with no display and -no-reboot.

Firmware is a line of data in FIRMWARE: SeaBIOS (QEMU's default PC) or OVMF
(q35; its code as a read-only pflash drive and a fresh copy of its variable
store, made per launch in the --state folder, as the second one).

As a module: command(...) returns the argument list.  As a program it execs
QEMU (so the process keeps its pid: a caller can wait for it, kill it or read
its CPU time in /proc), or with --print0 prints the command NUL-separated, for
bash's `mapfile -d ''`.

Usage: qemu.py [--print0] [--firmware NAME] [--state DIR] [--ram MIB]
               [--kernel FILE [--initrd FILE] [--append TEXT]] [--cdrom FILE]
               [--tftp DIR --bootfile NAME [--http PORT]] [--floppy FILE] [--stick FILE] [--disk FILE]
               [--serial FILE|stdio] [--monitor SOCKET]
Environment: QEMU (default qemu-system-x86_64).
"""
import argparse
import os
import shutil
import sys

OVMF = "/usr/share/OVMF"
# The address the guest reaches the host's web server at (--http).
HTTP_GUEST_ADDR = "10.0.2.100"

# name: the machine type, the firmware's code (a read-only pflash drive; None:
# QEMU's built-in SeaBIOS), its variable store (copied per launch, then the
# second pflash drive), what the booted Linux sees (/sys/firmware/efi or not),
# and the Debian package that ships it.
FIRMWARE = {
    "seabios": {"machine": "pc", "code": None, "vars": None, "guest": "bios",
                "package": "seabios"},
    # A 486 (QEMU's model: CPUID, but no TSC and no CMOV) under SeaBIOS:
    # older than memboot's memdisk needs.
    "seabios-486": {"machine": "pc", "code": None, "vars": None, "guest": "bios",
                    "package": "seabios", "extra": ["-cpu", "486"]},
    "ovmf": {"machine": "q35", "code": f"{OVMF}/OVMF_CODE_4M.fd",
             "vars": f"{OVMF}/OVMF_VARS_4M.fd", "guest": "uefi", "package": "ovmf"},
    # Secure Boot on: OVMF's secboot build (SMM, so its flash must be secure)
    # and Debian's variable store whose PK, KEK and db hold the test
    # certificate /usr/share/ovmf/PkKek-1-snakeoil.pem.
    "ovmf-sb": {"machine": "q35,smm=on", "code": f"{OVMF}/OVMF_CODE_4M.secboot.fd",
                "vars": f"{OVMF}/OVMF_VARS_4M.snakeoil.fd", "guest": "uefi", "package": "ovmf",
                "extra": ["-global", "driver=cfi.pflash01,property=secure,value=on"]},
}


def firmware_args(name, state):
    """The -machine and pflash arguments of firmware NAME; a variable store is
    copied into the folder STATE first (a fresh one per launch)."""
    fw = FIRMWARE.get(name)
    if fw is None:
        raise ValueError(f"unknown firmware '{name}' (known: {', '.join(FIRMWARE)})")
    args = ["-machine", fw["machine"], *fw.get("extra", [])]
    if fw["code"]:
        args += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={fw['code']}"]
    if fw["vars"]:
        if not state:
            raise ValueError(f"firmware '{name}' needs a folder for its variable store (--state)")
        os.makedirs(state, exist_ok=True)
        copy = os.path.join(state, os.path.basename(fw["vars"]))
        shutil.copyfile(fw["vars"], copy)
        args += ["-drive", f"if=pflash,format=raw,unit=1,file={copy}"]
    return args


def boot_args(kernel=None, initrd=None, append=None, cdrom=None, tftp=None,
              bootfile=None, http=None, floppy=None, stick=None, disk=None):
    """The arguments that say what the machine boots (at most one of kernel,
    cdrom, tftp, floppy, stick) and its extra IDE disk."""
    chosen = [x for x in (kernel, cdrom, tftp, floppy, stick) if x]
    if len(chosen) > 1:
        raise ValueError("boot one thing: --kernel, --cdrom, --tftp, --floppy or --stick")
    args = []
    if disk:
        args += ["-drive", f"file={disk},format=raw,if=ide"]
    if kernel:
        args += ["-kernel", kernel]
        if initrd:
            args += ["-initrd", initrd]
        if append is not None:
            args += ["-append", append]
    elif cdrom:
        args += ["-cdrom", cdrom, "-boot", "d"]
    elif floppy:
        args += ["-drive", f"file={floppy},if=floppy,format=raw", "-boot", "a"]
    elif stick:
        # A removable USB mass-storage device on an XHCI controller, first in
        # the boot order: UEFI firmware starts its \EFI\BOOT\BOOTX64.EFI.
        args += ["-device", "qemu-xhci,id=xhci",
                 "-drive", f"file={stick},if=none,id=stick,format=raw,snapshot=on",
                 "-device", "usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=0"]
    if tftp:
        if not bootfile:
            raise ValueError("--tftp needs --bootfile")
        # QEMU's own DHCP and TFTP answer inside the QEMU process;
        # restrict=on: nothing leaves it.
        # http=PORT: the guest's http://10.0.2.100/ is the host's
        # 127.0.0.1:PORT (a web server on loopback), through guestfwd; the
        # cmd: form (socat) serves every connection, the chardev form only
        # the first.
        fwd = (f",guestfwd=tcp:{HTTP_GUEST_ADDR}:80-cmd:socat - TCP:127.0.0.1:{http}"
               if http else "")
        args += ["-netdev", f"user,id=n0,restrict=on,tftp={tftp},bootfile={bootfile}{fwd}",
                 "-device", "virtio-net-pci,netdev=n0", "-boot", "n"]
    else:
        args += ["-nic", "none"]
    return args


def sercon_args(firmware, state):
    """SeaBIOS's serial console: it copies what option ROMs (iPXE) write to
    the screen to COM1 too (the fw_cfg file etc/sercon-port holds the port
    as a little-endian integer). OVMF mirrors its console by itself."""
    if FIRMWARE[firmware]["code"]:
        return []
    if not state:
        raise ValueError("--sercon needs a folder for the port file (--state)")
    os.makedirs(state, exist_ok=True)
    port = os.path.join(state, "sercon-port")
    with open(port, "wb") as f:
        f.write((0x3F8).to_bytes(2, "little"))
    return ["-fw_cfg", f"name=etc/sercon-port,file={port}"]


def command(firmware="seabios", state=None, ram=512, serial=None, monitor=None, sercon=False,
            **boot):
    """The whole QEMU command line (a list); BOOT are boot_args' keywords."""
    args = [os.environ.get("QEMU", "qemu-system-x86_64"), "-accel", "tcg"]
    args += firmware_args(firmware, state)
    if sercon:
        args += sercon_args(firmware, state)
    args += ["-m", str(ram), "-display", "none", "-no-reboot"]
    if serial == "stdio":
        args += ["-serial", "stdio"]
    elif serial:
        args += ["-serial", f"file:{serial}"]
    else:
        args += ["-serial", "none"]
    args += ["-monitor", f"unix:{monitor},server,nowait" if monitor else "none"]
    return args + boot_args(**boot)


def parse_args(argv):
    """The command-line options (see the module's usage)."""
    ap = argparse.ArgumentParser(prog="qemu.py", description="Start QEMU for memboot's tests.")
    ap.add_argument("--print0", action="store_true", help="print the command, NUL-separated")
    ap.add_argument("--firmware", default="seabios", choices=sorted(FIRMWARE))
    ap.add_argument("--state", help="folder for the firmware's per-run variable store")
    ap.add_argument("--ram", type=int, default=512, help="MiB (default 512)")
    ap.add_argument("--kernel", help="boot this file through QEMU's Linux loader")
    ap.add_argument("--initrd")
    ap.add_argument("--append")
    ap.add_argument("--cdrom", help="boot this CD image")
    ap.add_argument("--tftp", help="boot from the network: QEMU's TFTP serves this folder")
    ap.add_argument("--bootfile", help="the file DHCP names (with --tftp)")
    ap.add_argument("--http", type=int, metavar="PORT",
                    help="with --tftp: http://10.0.2.100/ in the guest is 127.0.0.1:PORT")
    ap.add_argument("--floppy", help="boot this floppy image")
    ap.add_argument("--stick", help="boot this USB stick image (raw; writes are not kept)")
    ap.add_argument("--disk", help="an extra IDE hard disk (raw)")
    ap.add_argument("--serial", help="FILE or stdio (default: no serial port)")
    ap.add_argument("--monitor", help="the human monitor on this unix socket")
    ap.add_argument("--sercon", action="store_true",
                    help="SeaBIOS: copy the screen of option ROMs (iPXE) to the serial port")
    return ap.parse_args(argv)


def main(argv):
    """Exec QEMU, or print its command line."""
    opts = vars(parse_args(argv))
    to_print = opts.pop("print0")
    try:
        cmd = command(**opts)
    except (ValueError, OSError) as err:
        print(f"qemu.py: {err}", file=sys.stderr)
        return 2
    if to_print:
        sys.stdout.write("".join(a + "\0" for a in cmd))
        return 0
    sys.stdout.flush()
    os.execvp(cmd[0], cmd)
    return 2  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
