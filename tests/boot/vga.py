#!/usr/bin/env python3
"""vga.py - wait until text appears on a QEMU guest's VGA text screen.

Used by the boot tests (imported by harness.py: watch()) for guests that only
write to the screen, by bench/run.sh and by the demo.  Talks to QEMU's
human monitor on a unix socket (-monitor unix:SOCK,server,nowait), saves the
text buffer with `pmemsave 0xb8000 4000 "FILE"` (the quotes matter: unquoted,
the monitor parses '/' as a division), decodes the characters (even bytes,
80x25, code page 437) and polls until NEEDLE is on the screen or the time is up.
The last screen is written to SCREEN either way; with --quit the guest is
stopped at the end.  With --basemem FILE, once the text has appeared, the
guest's base memory (0 to 0xA0000) is saved to FILE, for the finder to scan
on the host.

With --follow SOCK TIMEOUT_SECONDS (used by `make demo`), it prints each new
line that shows up on the screen, once, as it appears, until QEMU goes away
or the time is up.

Usage: vga.py [--quit] [--basemem FILE] SOCK NEEDLE TIMEOUT_SECONDS SCREEN
       vga.py --follow SOCK TIMEOUT_SECONDS
Exit status: 0 found, 1 not found in time, 2 monitor error.
"""
import os
import socket
import sys
import time

PROMPT = b"(qemu) "
COLS, ROWS = 80, 25


def connect(path, deadline):
    """Connect to the monitor socket, waiting for QEMU to create it."""
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            sock.settimeout(10)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def read_prompt(sock):
    """Read monitor output up to the next prompt."""
    data = b""
    while not data.endswith(PROMPT):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("monitor closed")
        data += chunk
    return data


def command(sock, line):
    """Send one monitor command and wait for its prompt."""
    sock.sendall(line.encode() + b"\n")
    return read_prompt(sock)


def screen_text(dump):
    """Turn a text-mode buffer dump into 25 lines of text."""
    chars = dump[0::2].decode("cp437", errors="replace")
    lines = [chars[i:i + COLS].rstrip() for i in range(0, COLS * ROWS, COLS)]
    return "\n".join(lines) + "\n"


def follow(sock_path, timeout):
    """Print every screen line not seen before, as it appears."""
    deadline = time.monotonic() + timeout
    dump_path = f"{sock_path}.screen"
    seen = set()
    try:
        sock = connect(sock_path, deadline)
        read_prompt(sock)
        while time.monotonic() < deadline:
            command(sock, f'pmemsave 0xb8000 {COLS * ROWS * 2} "{dump_path}"')
            with open(dump_path, "rb") as dump:
                for line in screen_text(dump.read()).splitlines():
                    if line.strip() and line not in seen:
                        seen.add(line)
                        print(line, flush=True)
            time.sleep(0.2)
    except OSError:
        pass  # QEMU has gone: the end of the screen's story
    finally:
        if os.path.exists(dump_path):
            os.remove(dump_path)
    return 0


def watch(sock_path, needle, timeout, screen_path, basemem=None, quit_after=False,
          errors=sys.stderr):
    """Poll the screen until NEEDLE shows or TIMEOUT seconds pass; write the
    last screen to SCREEN_PATH and, once NEEDLE showed, base memory to
    BASEMEM; with QUIT_AFTER stop the guest.  Monitor errors are told on
    ERRORS.  Returns 0 found, 1 not found, 2 monitor error."""
    dump_path = screen_path + ".bin"
    deadline = time.monotonic() + timeout
    try:
        sock = connect(sock_path, deadline)
        read_prompt(sock)
    except OSError as err:
        print(f"vga.py: monitor {sock_path}: {err}", file=errors)
        return 2
    found = False
    text = ""
    try:
        while True:
            command(sock, f'pmemsave 0xb8000 {COLS * ROWS * 2} "{dump_path}"')
            if os.path.exists(dump_path):
                with open(dump_path, "rb") as dump:
                    text = screen_text(dump.read())
            if needle in text:
                found = True
                if basemem:
                    command(sock, f'pmemsave 0 0xa0000 "{basemem}"')
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.3)
        if quit_after:
            sock.sendall(b"quit\n")
    except OSError as err:
        print(f"vga.py: monitor: {err}", file=errors)
    finally:
        sock.close()
    with open(screen_path, "w", encoding="utf-8") as out:
        out.write(text)
    return 0 if found else 1


def main(argv):
    """The command line (see the module's usage)."""
    if argv[:1] == ["--follow"] and len(argv) == 3:
        return follow(argv[1], float(argv[2]))
    quit_after = "--quit" in argv
    args = [a for a in argv if a != "--quit"]
    basemem = None
    if "--basemem" in args:
        i = args.index("--basemem")
        basemem = args[i + 1] if i + 1 < len(args) else None
        del args[i:i + 2]
    if len(args) != 4 or ("--basemem" in argv and not basemem):
        print("usage: vga.py [--quit] [--basemem FILE] SOCK NEEDLE TIMEOUT_SECONDS SCREEN",
              file=sys.stderr)
        return 2
    return watch(args[0], args[1], float(args[2]), args[3], basemem, quit_after)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
