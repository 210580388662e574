#!/bin/sh
# run.sh - the boot tests' entry point (make boot): runs run.py, which holds
# the runner; the cases are in cases.txt.  Usage: tests/boot/run.sh [--list]
# [CASE...] (see run.py).
exec python3 "$(dirname "$0")/run.py" "$@"
