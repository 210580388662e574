#!/usr/bin/env bash
# install.sh - `make install` puts the binaries and man pages where PREFIX and
# DESTDIR say (PREFIX=/usr gives /usr/bin/memdiskfind, the path Debian
# live-boot looks for), and the installed binaries run.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
pass=0 fail=0

# expect DESCRIPTION COMMAND...: count a pass if COMMAND succeeds.
expect() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL install: $what"; fi
}

make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
expect "memdiskfind in /usr/bin" test -x "$dest/usr/bin/memdiskfind"
expect "memdisk-attach in /usr/bin" test -x "$dest/usr/bin/memdisk-attach"
expect "memdisk in /usr/lib/memboot" test -f "$dest/usr/lib/memboot/memdisk"
expect "memdisk is a boot-protocol image" sh -c "dd if='$dest/usr/lib/memboot/memdisk' bs=1 skip=514 count=4 2>/dev/null | grep -q HdrS"
expect "memdisk.efi in /usr/lib/memboot" test -f "$dest/usr/lib/memboot/memdisk.efi"
expect "memdisk.efi is an EFI application" tests/check_pe.sh "$dest/usr/lib/memboot/memdisk.efi"
expect "the iPXE script in /usr/share/memboot" grep -q '^#!ipxe' "$dest/usr/share/memboot/memboot.ipxe"
expect "memdiskfind.1" test -f "$dest/usr/share/man/man1/memdiskfind.1"
expect "memdisk-attach.1" test -f "$dest/usr/share/man/man1/memdisk-attach.1"
expect "static memdiskfind" sh -c "file '$dest/usr/bin/memdiskfind' | grep -q 'statically linked'"
expect "static memdisk-attach" sh -c "file '$dest/usr/bin/memdisk-attach' | grep -q 'statically linked'"
expect "memdiskfind --version runs" "$dest/usr/bin/memdiskfind" --version
expect "memdisk-attach --help runs" "$dest/usr/bin/memdisk-attach" --help
expect "man page renders" sh -c "MANWIDTH=80 man -l '$dest/usr/share/man/man1/memdisk-attach.1' | grep -q BACKENDS"
expect "bad option exits 2" sh -c "'$dest/usr/bin/memdiskfind' --bogus; test \$? -eq 2"
expect "bad backend exits 2" sh -c "'$dest/usr/bin/memdisk-attach' --backend=floppy; test \$? -eq 2"
# mkinitcpio: the hooks and the udev rule under /usr/lib/initcpio; build()
# with stand-in helpers asks for the tools, the modules (optional) and the
# installed rule; the run hook is plain sh.
ic=$dest/usr/lib/initcpio
expect "mkinitcpio install hook" test -f "$ic/install/memboot"
expect "mkinitcpio run hook" test -f "$ic/hooks/memboot"
expect "mkinitcpio udev rule" test -f "$ic/udev/69-memboot.rules"
expect "mkinitcpio run hook is POSIX sh" sh -n "$ic/hooks/memboot"
expect "mkinitcpio build() adds the installed rule, tools, modules, run hook" bash -c "
    add_binary() { echo \"bin \$1\"; }; add_module() { echo \"mod \$1\"; }
    add_udev_rule() { echo \"rule \$(readlink -f \"\$1\")\"; }; add_runscript() { echo runscript; }
    error() { echo \"error \$*\"; }
    . '$ic/install/memboot'
    out=\$(build) && ! grep -q '^error' <<<\"\$out\" &&
    grep -qx 'rule $(readlink -f "$ic")/udev/69-memboot.rules' <<<\"\$out\" &&
    grep -qx 'bin memdisk-attach' <<<\"\$out\" && grep -qx 'mod phram?' <<<\"\$out\" &&
    grep -qx 'mod nd_pmem?' <<<\"\$out\" && grep -qx runscript <<<\"\$out\""
# initramfs-tools: the hook names the installed tools' folder; both are sh.
it=$dest/usr/share/initramfs-tools
expect "initramfs-tools hook" test -x "$it/hooks/memboot"
expect "initramfs-tools boot script" test -x "$it/scripts/init-premount/memboot"
expect "initramfs-tools hook names /usr/bin" grep -qx 'MEMBOOT_BINDIR="/usr/bin"' "$it/hooks/memboot"
expect "initramfs-tools hook is POSIX sh" sh -n "$it/hooks/memboot"
expect "initramfs-tools boot script is POSIX sh" sh -n "$it/scripts/init-premount/memboot"
expect "initramfs-tools prereqs answered" sh -c "'$it/scripts/init-premount/memboot' prereqs | grep -qx udev"
# dracut: module 90memboot names the installed tools' folder and carries the
# udev rule; the hook and the initqueue job are sh.
dm=$dest/usr/lib/dracut/modules.d/90memboot
expect "dracut module-setup.sh" test -x "$dm/module-setup.sh"
expect "dracut module names /usr/bin" grep -qx 'MEMBOOT_BINDIR="/usr/bin"' "$dm/module-setup.sh"
expect "dracut module-setup.sh is bash" bash -n "$dm/module-setup.sh"
expect "dracut pre-trigger hook is POSIX sh" sh -n "$dm/memboot-queue.sh"
expect "dracut initqueue job is POSIX sh" sh -n "$dm/memboot-attach.sh"
expect "dracut udev rule" cmp "$dm/69-memboot.rules" initramfs/udev/69-memboot.rules
make -s install DESTDIR="$dest" PREFIX=/opt/mb >/dev/null
expect "PREFIX=/opt/mb" test -x "$dest/opt/mb/bin/memdiskfind"
echo "install: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
