#!/usr/bin/env python3
"""qemu_serial.py - run QEMU and time text on its serial console.

QEMU's first serial port is a pipe to this process (-serial stdio); every
chunk os.read() returns is stamped with time.monotonic() the moment it
arrives, so the time of any byte is known to within the scheduling delay of
this process (well under a millisecond).  The clock starts just before QEMU
is started.

MARKs are regular expressions (Python `re`, over the bytes decoded as
Latin-1), searched in order: the search for a mark starts where the previous
mark's match ended.  A mark's time is the arrival time of the last byte of its
match.  Once the last mark is seen, QEMU is killed at once.

When a mark is seen, the CPU time QEMU has used so far (all its threads) and
the time its threads have waited for a CPU are read from the kernel's
scheduler statistics (/proc/PID/task/*/schedstat, nanoseconds).  The CPU time
of an interval hardly depends on other load on the host; the wait time shows
how much that load delayed QEMU.

Usage:
    qemu_serial.py [--timeout S] [--log FILE] [--fail REGEX]
                   [--mark NAME=REGEX]... -- QEMU ARGS...

Output (stdout), one line per mark:  NAME WALL CPU WAIT
(seconds since QEMU's start: wall clock, QEMU's CPU time, QEMU's wait for a
CPU), and for every match of --info REGEX in the output:  info TEXT

QEMU dies with this process, even if it is killed (PR_SET_PDEATHSIG).

Exit status: 0 every mark seen; 1 timeout, QEMU exited first, or a --fail
regex matched (the reason and the tail of the serial output on stderr);
2 usage error.
"""
import argparse
import ctypes
import glob
import os
import re
import select
import signal
import subprocess
import sys
import time


def parse_args(argv):
    """Split our options from the QEMU command line after '--'."""
    if "--" not in argv:
        raise SystemExit("usage: qemu_serial.py [options] -- QEMU ARGS...")
    cut = argv.index("--")
    ap = argparse.ArgumentParser(prog="qemu_serial.py")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--log", help="write the whole serial output here")
    ap.add_argument("--fail", action="append", default=[],
                    help="stop with an error when this regex appears")
    ap.add_argument("--info", action="append", default=[],
                    help="print every match of this regex as 'info TEXT'")
    ap.add_argument("--mark", action="append", default=[], required=True,
                    help="NAME=REGEX, searched in order")
    opts = ap.parse_args(argv[:cut])
    opts.qemu = argv[cut + 1:]
    marks = []
    for m in opts.mark:
        name, sep, rx = m.partition("=")
        if not sep or not name:
            ap.error(f"bad --mark {m!r}: want NAME=REGEX")
        marks.append((name, re.compile(rx)))
    opts.marks = marks
    opts.fails = [re.compile(rx) for rx in opts.fail]
    opts.infos = [re.compile(rx) for rx in opts.info]
    return opts


class Serial:
    """The serial output so far, with the arrival time of every chunk."""

    def __init__(self):
        self.data = bytearray()
        self.ends = []      # end offset of each chunk
        self.times = []     # arrival time of each chunk

    def add(self, chunk, when):
        """Append a chunk that arrived at time WHEN."""
        self.data += chunk
        self.ends.append(len(self.data))
        self.times.append(when)

    def time_of(self, offset):
        """Arrival time of the byte at OFFSET."""
        lo, hi = 0, len(self.ends) - 1
        while lo < hi:                      # first chunk ending after OFFSET
            mid = (lo + hi) // 2
            if self.ends[mid] > offset:
                hi = mid
            else:
                lo = mid + 1
        return self.times[lo]

    def text(self):
        """The output as text (Latin-1: one character per byte)."""
        return self.data.decode("latin-1")

    def tail(self, lines=15):
        """The last LINES lines, for error messages."""
        text = self.text().replace("\r", "")
        return "\n".join(text.splitlines()[-lines:])


def cpu_stats(pid):
    """(CPU seconds, seconds waiting for a CPU) of process PID, all threads."""
    run = wait = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                fields = f.read().split()
        except OSError:             # the thread has just ended
            continue
        run += int(fields[0])
        wait += int(fields[1])
    return run / 1e9, wait / 1e9


def die_with_parent():
    """In the child: own session, and SIGKILL when this process dies."""
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG


def stop(proc):
    """Kill QEMU (and anything it started) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def run(opts):
    """Start QEMU, stamp its serial output, and report the marks."""
    serial = Serial()
    found = []              # (name, wall, cpu, wait)
    pos = 0                 # where the search for the next mark starts
    reason = None
    t0 = time.monotonic()
    proc = subprocess.Popen(opts.qemu, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=die_with_parent)
    fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    fds = [fd, err_fd]
    errout = bytearray()
    deadline = t0 + opts.timeout
    try:
        while len(found) < len(opts.marks):
            left = deadline - time.monotonic()
            if left <= 0:
                reason = f"timeout after {opts.timeout:g} s"
                break
            ready, _, _ = select.select(fds, [], [], min(left, 1.0))
            if fd in ready:
                chunk = os.read(fd, 65536)
                now = time.monotonic()
                if not chunk:
                    reason = f"QEMU exited (status {proc.wait()})"
                    break
                serial.add(chunk, now)
            if err_fd in ready:
                data = os.read(err_fd, 65536)
                errout += data
                if not data:                # QEMU closed its stderr
                    fds.remove(err_fd)
            text = serial.text()
            while len(found) < len(opts.marks):
                name, rx = opts.marks[len(found)]
                m = rx.search(text, pos)
                if not m:
                    break
                pos = m.end()
                found.append((name, serial.time_of(m.end() - 1) - t0, *cpu_stats(proc.pid)))
            failed = next((m for m in (rx.search(text) for rx in opts.fails) if m), None)
            if failed and len(found) < len(opts.marks):
                reason = f"guest said: {failed.group(0).strip()}"
                break
    finally:
        stop(proc)
    if opts.log:
        with open(opts.log, "wb") as log:
            log.write(serial.data)
    text = serial.text()
    for rx in opts.infos:
        for m in rx.finditer(text):
            print("info", m.group(0).strip())
    for name, wall, cpu, wait in found:
        print(f"{name} {wall:.6f} {cpu:.6f} {wait:.6f}")
    if reason:
        missing = opts.marks[len(found)]
        print(f"qemu_serial: '{missing[0]}' ({missing[1].pattern!r}) never appeared: {reason}",
              file=sys.stderr)
        if errout.strip():
            print("qemu stderr: " + errout.decode("latin-1").strip()[-500:], file=sys.stderr)
        print("--- tail of the serial output ---\n" + serial.tail(), file=sys.stderr)
        return 1
    return 0


def main(argv):
    opts = parse_args(argv)
    if not opts.qemu:
        print("qemu_serial.py: no QEMU command after '--'", file=sys.stderr)
        return 2
    # Stop QEMU too when we are told to stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    return run(opts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
