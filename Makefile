# memboot: build, test, install.
#
#   make            build/memdisk, build/memdisk.efi, build/memdiskfind, build/memdisk-attach,
#                   and the check that lib/ builds freestanding
#   make check      install test dependencies, then unit, fuzz and boot tests
#   make demo       network boot of a live ISO through memboot in QEMU, narrated
#   make install    PREFIX=/usr/local DESTDIR=
#
# Three rooms, each with its own fragment:
#   lib/lib.mk            freestanding C the loaders share (and its check)
#   loader/bios/bios.mk   the BIOS memdisk (16-bit assembly + 32-bit C)
#   loader/efi/efi.mk     memdisk.efi, the UEFI loader (clang + lld-link, PE32+)
#   tools/tools.mk        memdiskfind and memdisk-attach (static, musl)
#   tests/tests.mk        unit tests, fuzzers, boot tests, install test

# The first rule in the fragments is a loader rule: say which goal is the default.
.DEFAULT_GOAL := all

PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
LIBDIR    ?= $(PREFIX)/lib/memboot
INITCPIODIR ?= $(PREFIX)/lib/initcpio
ITDIR     ?= $(PREFIX)/share/initramfs-tools
DRACUTDIR ?= $(PREFIX)/lib/dracut/modules.d/90memboot
SHAREDIR  ?= $(PREFIX)/share/memboot

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation

.DELETE_ON_ERROR:
.PHONY: sign all check deps unit fuzz boot demo bench install install-test uninstall clean sizes

include lib/lib.mk
include loader/bios/bios.mk
include loader/efi/efi.mk
include tools/tools.mk
include tests/tests.mk

all: $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi lib-check sizes

sizes: $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi
	@for f in $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi; do printf '%-24s %7d bytes\n' "$$f" "$$(stat -c %s $$f)"; done

deps:
	@scripts/deps.sh

# The README's test command: dependencies, build, then every test.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) install-test
	$(MAKE) fuzz
	$(MAKE) boot

# Side-by-side benchmarks against SYSLINUX MEMDISK (docs/benchmarks.md).
bench: deps
	$(MAKE) all
	bench/run.sh

demo: deps
	$(MAKE) all
	MEMBOOT_BUILD=$(abspath $(BUILD)) scripts/demo.sh

# Sign memdisk.efi for Secure Boot (docs/uefi.md): KEY and CERT in PEM (CERT
# may be DER), the key in the firmware's db or in shim's MOK list; an
# encrypted key's passphrase in the file SIGN_PASS_FILE. Writes
# build/memdisk.efi.signed.
sign: $(BUILD)/memdisk.efi
	@test -n "$(KEY)" -a -n "$(CERT)" || { echo "make sign: give KEY=key.pem CERT=cert.pem (docs/uefi.md, Secure Boot)" >&2; exit 2; }
	scripts/sign.sh "$(KEY)" "$(CERT)" $(BUILD)/memdisk.efi $(BUILD)/memdisk.efi.signed

install: $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(LIBDIR)
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/memdisk $(DESTDIR)$(LIBDIR)/memdisk
	install -m 0644 $(BUILD)/memdisk.efi $(DESTDIR)$(LIBDIR)/memdisk.efi
	install -m 0644 docs/man/memdiskfind.1 docs/man/memdisk-attach.1 $(DESTDIR)$(MANDIR)/man1/
	# The iPXE script that boots an ISO on BIOS and UEFI alike (docs/usage.md).
	install -d $(DESTDIR)$(SHAREDIR)
	install -m 0644 examples/memboot.ipxe $(DESTDIR)$(SHAREDIR)/memboot.ipxe
	# mkinitcpio (Arch; HOOKS=(... udev memboot archiso ...)): PREFIX=/usr gives /usr/lib/initcpio.
	install -d $(DESTDIR)$(INITCPIODIR)/install $(DESTDIR)$(INITCPIODIR)/hooks $(DESTDIR)$(INITCPIODIR)/udev
	install -m 0644 initramfs/mkinitcpio/install/memboot $(DESTDIR)$(INITCPIODIR)/install/memboot
	install -m 0644 initramfs/mkinitcpio/hooks/memboot $(DESTDIR)$(INITCPIODIR)/hooks/memboot
	install -m 0644 initramfs/udev/69-memboot.rules $(DESTDIR)$(INITCPIODIR)/udev/69-memboot.rules
	# initramfs-tools (Debian, Ubuntu): the hook names the tools' folder.
	install -d $(DESTDIR)$(ITDIR)/hooks $(DESTDIR)$(ITDIR)/scripts/init-premount
	sed 's|@BINDIR@|$(BINDIR)|g' initramfs/initramfs-tools/hooks/memboot >$(DESTDIR)$(ITDIR)/hooks/memboot
	chmod 0755 $(DESTDIR)$(ITDIR)/hooks/memboot
	install -m 0755 initramfs/initramfs-tools/scripts/init-premount/memboot $(DESTDIR)$(ITDIR)/scripts/init-premount/memboot
	# dracut (Fedora, RHEL, SUSE; dracut -a memboot): module-setup.sh names the tools' folder.
	install -d $(DESTDIR)$(DRACUTDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' initramfs/dracut/90memboot/module-setup.sh >$(DESTDIR)$(DRACUTDIR)/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/module-setup.sh
	install -m 0755 initramfs/dracut/90memboot/memboot-queue.sh initramfs/dracut/90memboot/memboot-attach.sh $(DESTDIR)$(DRACUTDIR)/
	install -m 0644 initramfs/udev/69-memboot.rules $(DESTDIR)$(DRACUTDIR)/69-memboot.rules

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memdiskfind $(DESTDIR)$(BINDIR)/memdisk-attach
	rm -f $(DESTDIR)$(LIBDIR)/memdisk $(DESTDIR)$(LIBDIR)/memdisk.efi
	rm -f $(DESTDIR)$(INITCPIODIR)/install/memboot $(DESTDIR)$(INITCPIODIR)/hooks/memboot $(DESTDIR)$(INITCPIODIR)/udev/69-memboot.rules
	rm -f $(DESTDIR)$(ITDIR)/hooks/memboot $(DESTDIR)$(ITDIR)/scripts/init-premount/memboot
	rm -f $(DESTDIR)$(DRACUTDIR)/module-setup.sh $(DESTDIR)$(DRACUTDIR)/memboot-queue.sh \
	      $(DESTDIR)$(DRACUTDIR)/memboot-attach.sh $(DESTDIR)$(DRACUTDIR)/69-memboot.rules
	-rmdir $(DESTDIR)$(DRACUTDIR) 2>/dev/null
	rm -f $(DESTDIR)$(MANDIR)/man1/memdiskfind.1 $(DESTDIR)$(MANDIR)/man1/memdisk-attach.1
	rm -f $(DESTDIR)$(SHAREDIR)/memboot.ipxe
	-rmdir $(DESTDIR)$(SHAREDIR) 2>/dev/null

clean:
	rm -rf $(BUILD)
