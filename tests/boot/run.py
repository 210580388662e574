#!/usr/bin/env python3
"""run.py - memboot's QEMU boot tests: run the cases of cases.txt.

Boots test media in QEMU (TCG only) and checks what the guest itself reports:
each Linux guest runs a case script from the test initramfs and prints
"MEMBOOT <token> key=value" lines on the serial console; screen-only guests
are read from the VGA text buffer through the monitor.  Every boot gets a
fresh random token, so stale output can never pass.

Usage: tests/boot/run.sh [--list] [CASE...]     (no CASE: run them all)
Prints "PASS name (Ns) - note" or "FAIL name: reason (Ns)" (with the logs'
tails) per case as it ends, then one line "N passed, N failed"; exits 1 if
any case failed.  Logs: $MEMBOOT_CACHE/runs/last/CASE/.

Environment:
  MEMDISK          loader of "syslinux" cases (default Debian's SYSLINUX MEMDISK)
  MEMBOOT_MEMDISK  loader of "memboot" cases (default $MEMBOOT_BUILD/memdisk)
  MEMBOOT_EFI      loader of "memboot-efi" cases (default $MEMBOOT_BUILD/memdisk.efi)
  MEMBOOT_BUILD    folder with our static tools (default <repo>/build)
  MEMBOOT_CACHE    cache for the kernel, media and runs (default ~/.cache/memboot)
  MEMBOOT_JOBS     QEMUs run at the same time (default 2)
  MEMBOOT_TIMEOUT  hard limit per QEMU boot in seconds (default 90)
  MEMBOOT_LIVE_TIMEOUT  the same for live-system boots (default 240)
  MEMBOOT_DISTRO_TIMEOUT  the same for unmodified distribution ISOs (default 480)
  MEMBOOT_KEEP     number of old run folders kept in the cache (default 3)
  MEMBOOT_FORCE_OPTION  WORD: append ",WORD" to the option of every case
                   whose loader is memboot and whose option starts with "iso"
                   (unless WORD is already one of its words), e.g.
                   MEMBOOT_FORCE_OPTION=pmem to see which cases survive the
                   pmem layout; expectations are not changed (default none)
"""
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402 - after the line above
from checks import CHECKS, run_check  # noqa: E402

TABLE = os.path.join(harness.BOOT_DIR, "cases.txt")
JOBS = max(1, int(os.environ.get("MEMBOOT_JOBS", "2")))
KEEP_RUNS = int(os.environ.get("MEMBOOT_KEEP", "3"))
LOGS = ("serial.log", "probe/serial.log", "screen.txt", "harness.log", "qemu.out")
LARGE = ("*.iso", "*.img", "*.gz", "*.fd", "probe/*.iso", "tftp/*.iso", "tftp/*.gz", "tftp/*.img",
         "www/*.iso",
         "tftp/vmlinuz")


def run_case(row, run_dir):
    """Run one case; write its verdict line to RUN_DIR/NAME/verdict and
    return it."""
    start = time.monotonic()
    case = harness.Case(row, run_dir)
    try:
        case.prepare()
        case.boot()
        run_check(case)
        verdict = f"PASS {case.name} ({time.monotonic() - start:.0f}s)"
        verdict += f" - {case.note}" if case.note else ""
        # Passed: keep the logs, drop the (large) images.
        for pattern in LARGE:
            for f in glob.glob(case.path(pattern)):
                os.remove(f)
    except harness.Fail as fail:
        verdict = f"FAIL {case.name}: {fail} ({time.monotonic() - start:.0f}s)"
    except Exception:  # noqa: BLE001 - a harness bug fails the case, with its traceback
        case.tell(traceback.format_exc())
        verdict = (f"FAIL {case.name}: harness error (see harness.log) "
                   f"({time.monotonic() - start:.0f}s)")
    if case.httpd:
        case.httpd.stop()
    case.log.close()
    with open(case.path("verdict"), "w", encoding="utf-8") as f:
        f.write(verdict + "\n")
    return verdict


def report(verdict, run_dir, name):
    """Print a finished case's verdict, and the logs' tails if it failed;
    returns True for PASS."""
    print(verdict, flush=True)
    if verdict.startswith("PASS"):
        return True
    for log in LOGS:
        path = os.path.join(run_dir, name, log)
        text = harness.read_text(path)
        if not text.strip():
            continue
        print(f"    --- {path} (last 40 lines) ---")
        for line in text.replace("\r", "").splitlines()[-40:]:
            print(f"    | {line}")
    sys.stdout.flush()
    return False


def new_run_dir():
    """Create this run's folder in the cache, point "last" at it and remove
    old runs (only those left alone for two hours: another run may still be
    using a recent one)."""
    runs = os.path.join(harness.CACHE, "runs")
    os.makedirs(runs, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=runs)
    link = os.path.join(runs, "last")
    tmp = f"{link}.{os.getpid()}"
    os.symlink(os.path.basename(run_dir), tmp)
    os.replace(tmp, link)
    # Folder names start with the date, so sorting lists them oldest first.
    old = sorted(glob.glob(os.path.join(runs, "2*/")))
    for folder in old[:max(0, len(old) - KEEP_RUNS)]:
        if time.time() - os.path.getmtime(folder) > 7200:
            shutil.rmtree(folder, ignore_errors=True)
    return run_dir


def run_all(rows, run_dir, failed=0):
    """Run the cases, JOBS at a time; print the verdicts and the summary
    line (FAILED cases already failed); returns True if every case passed."""
    start = time.monotonic()
    passed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        jobs = {pool.submit(run_case, row, run_dir): row["name"] for row in rows}
        try:
            for job in concurrent.futures.as_completed(jobs):
                if report(job.result(), run_dir, jobs[job]):
                    passed += 1
                else:
                    failed += 1
        except BaseException:
            for job in jobs:
                job.cancel()
            with harness.RUNNING_LOCK:
                for proc in harness.RUNNING:
                    proc.terminate()
            raise
    print(f"suite time: {time.monotonic() - start:.0f}s; logs in {run_dir}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed", flush=True)
    return failed == 0


def prebuild(rows):
    """Build the large shared media the chosen ROWS need (an unmodified
    distribution ISO takes minutes; built here once, before any case runs,
    so that no case holds the media lock that long while the others wait).
    Prints a FAIL line for each case whose media could not be built;
    returns the other rows."""
    kinds = sorted({row["image"] for row in rows if row["image"].startswith("distro:")})
    broken = set()
    for kind in kinds:
        if subprocess.run([harness.IMAGES, "media", kind], stdout=sys.stderr,
                          check=False).returncode != 0:
            broken.add(kind)
    for row in rows:
        if row["image"] in broken:
            print(f"FAIL {row['name']}: could not build the {row['image']} media", flush=True)
    return [row for row in rows if row["image"] not in broken]


def main(argv):
    """Select the cases, prepare the host and the media, run."""
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    rows = harness.read_table(TABLE, CHECKS)
    if argv[:1] == ["--list"]:
        print("\n".join(row["name"] for row in rows))
        return 0
    by_name = {row["name"]: row for row in rows}
    for name in argv:
        if name not in by_name:
            print(f"error: no case named '{name}' (see --list)", file=sys.stderr)
            return 1
    chosen = [by_name[name] for name in argv] if argv else rows
    deps = os.path.join(harness.REPO, "scripts", "deps.sh")
    subprocess.run([deps], stdout=sys.stderr, check=True)
    run_dir = new_run_dir()
    if subprocess.run([harness.IMAGES, "media"], stdout=sys.stderr, check=False).returncode != 0:
        for row in chosen:
            print(f"FAIL {row['name']}: could not build the test media")
        print(f"0 passed, {len(chosen)} failed")
        return 1
    ready = prebuild(chosen)
    return 0 if run_all(ready, run_dir, len(chosen) - len(ready)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
