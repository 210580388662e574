# memboot: build, test, install.
#
#   make            build/memdisk, build/memdiskfind, build/memdisk-attach (static)
#   make check      install test dependencies, then unit, fuzz and boot tests
#   make demo       network boot of a live ISO through memboot in QEMU, narrated
#   make install    PREFIX=/usr/local DESTDIR=
#
# The Linux tools are linked statically against musl (musl-gcc) so that they
# run in any initramfs; unit tests are host programs under ASan and UBSan.

# The first rule in this file is a loader rule: say which goal is the default.
.DEFAULT_GOAL := all

PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man

TOOLCC    ?= musl-gcc
HOSTCC    ?= gcc
FUZZCC    ?= clang
FUZZ_SECONDS ?= 15

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS_COMMON := -std=gnu11 $(WARN) -Ilib -Itools
TOOL_CFLAGS   := $(CFLAGS_COMMON) -Os -static -ffunction-sections -fdata-sections \
                 -D_FILE_OFFSET_BITS=64
TOOL_LDFLAGS  := -static -Wl,--gc-sections -s
SAN_CFLAGS    := $(CFLAGS_COMMON) -O1 -g -fsanitize=address,undefined \
                 -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC   := lib/mbft_scan.c lib/memmap.c lib/mdinfo.c lib/nbd_proto.c lib/mbft_build.c \
             lib/options.c lib/geometry.c lib/eltorito.c lib/e820.c lib/inflate.c
LIB_HDR   := $(wildcard lib/*.h) $(wildcard tools/*.h)
TOOL_COMMON := tools/util.c tools/finder.c

TOOLS     := $(BUILD)/memdiskfind $(BUILD)/memdisk-attach

# ---- the loader: freestanding 32-bit C and 16-bit assembly ----
LDR_CC    ?= gcc
LDR_CFLAGS := -std=gnu11 $(WARN) -m32 -march=i686 -Os -ffreestanding -fno-pic -fno-pie \
              -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
              -mno-sse -mno-mmx -mno-80387 -ffunction-sections -fdata-sections \
              -nostdinc -isystem $(shell $(LDR_CC) -print-file-name=include) \
              -DMEMBOOT_FREESTANDING -Ilib -Iloader
LDR_ASFLAGS := -m32 -nostdinc -Iloader -D__ASSEMBLY__
LDR_LIB   := lib/mbft_build.c lib/options.c lib/geometry.c lib/eltorito.c lib/e820.c lib/inflate.c
LDR_C     := loader/main.c loader/install.c loader/console.c loader/string.c loader/timer.c $(LDR_LIB)
LDR_S     := loader/setup.S loader/start32.S loader/driver.S
LDR_OBJ   := $(patsubst %.c,$(BUILD)/loader-obj/%.o,$(LDR_C)) \
             $(patsubst %.S,$(BUILD)/loader-obj/%.o,$(LDR_S))

# inflate runs on hundreds of MB at boot: worth -O2 (about 7% fewer instructions).
$(BUILD)/loader-obj/lib/inflate.o: LDR_OPT := -O2

$(BUILD)/loader-obj/%.o: %.c $(LIB_HDR) $(wildcard loader/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(LDR_CC) $(LDR_CFLAGS) $(LDR_OPT) -c -o $@ $<

$(BUILD)/loader-obj/%.o: %.S $(wildcard loader/*.h)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(LDR_CC) $(LDR_ASFLAGS) -c -o $@ $<

$(BUILD)/memdisk.elf: $(LDR_OBJ) loader/loader.lds
	@echo "  LD      $@"
	@ld -m elf_i386 -nostdlib --gc-sections -z noexecstack --no-warn-rwx-segments -T loader/loader.lds -Map $(BUILD)/memdisk.map \
	    -o $@ $(LDR_OBJ)

$(BUILD)/memdisk: $(BUILD)/memdisk.elf
	@echo "  OBJCOPY $@"
	@objcopy -O binary $< $@
	@tests/check_header.sh $@
UNIT_TESTS := $(BUILD)/tests/unit_tests
FUZZERS   := $(BUILD)/tests/fuzz_scan $(BUILD)/tests/fuzz_iomem $(BUILD)/tests/fuzz_options \
             $(BUILD)/tests/fuzz_geometry $(BUILD)/tests/fuzz_eltorito $(BUILD)/tests/fuzz_e820 \
             $(BUILD)/tests/fuzz_inflate

.DELETE_ON_ERROR:
.PHONY: all check deps unit fuzz boot demo bench install install-test uninstall clean sizes

all: $(TOOLS) $(BUILD)/memdisk sizes

$(BUILD)/memdiskfind: tools/memdiskfind.c $(TOOL_COMMON) $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(TOOLCC) $(TOOL_CFLAGS) -o $@ tools/memdiskfind.c $(TOOL_COMMON) $(LIB_SRC) $(TOOL_LDFLAGS)

ATTACH_SRC := tools/memdisk-attach.c tools/attach_util.c tools/backend_pmem.c \
              tools/backend_phram.c tools/backend_nbd.c tools/backend_copy.c \
              tools/nbd_server.c tools/physmem.c

$(BUILD)/memdisk-attach: $(ATTACH_SRC) $(TOOL_COMMON) $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(TOOLCC) $(TOOL_CFLAGS) -o $@ $(ATTACH_SRC) $(TOOL_COMMON) $(LIB_SRC) $(TOOL_LDFLAGS)

sizes: $(TOOLS) $(BUILD)/memdisk
	@for f in $(TOOLS) $(BUILD)/memdisk; do printf '%-24s %7d bytes\n' "$$f" "$$(stat -c %s $$f)"; done

# ---- tests ----------------------------------------------------------------

$(BUILD)/tests/unit_tests: tests/unit/*.c tests/unit/*.h tools/nbd_server.c tools/util.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(SAN_CFLAGS) -Itests/unit -o $@ tests/unit/*.c tools/nbd_server.c tools/util.c $(LIB_SRC)

$(BUILD)/tests/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZCC) $(CFLAGS_COMMON) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< $(LIB_SRC)

deps:
	@scripts/deps.sh

unit: $(UNIT_TESTS)
	$(UNIT_TESTS)

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    n=$$(basename $$f); mkdir -p $(BUILD)/fuzz-corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	        $(BUILD)/fuzz-corpus/$$n tests/fuzz/seeds/$${n#fuzz_} 2>$(BUILD)/fuzz-$$n.log \
	        || { tail -40 $(BUILD)/fuzz-$$n.log; exit 1; }; \
	    grep -E '^Done|^#[0-9]+ *DONE' $(BUILD)/fuzz-$$n.log | tail -1; \
	done

install-test: $(TOOLS) $(BUILD)/memdisk
	tests/install.sh

boot: $(TOOLS) $(BUILD)/memdisk
	MEMBOOT_BUILD=$(abspath $(BUILD)) tests/boot/run.sh

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

LIBDIR    ?= $(PREFIX)/lib/memboot
INITCPIODIR ?= $(PREFIX)/lib/initcpio
ITDIR     ?= $(PREFIX)/share/initramfs-tools
DRACUTDIR ?= $(PREFIX)/lib/dracut/modules.d/90memboot

install: $(TOOLS) $(BUILD)/memdisk
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(LIBDIR)
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(BUILD)/memdisk $(DESTDIR)$(LIBDIR)/memdisk
	install -m 0644 docs/man/memdiskfind.1 docs/man/memdisk-attach.1 $(DESTDIR)$(MANDIR)/man1/
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
	rm -f $(DESTDIR)$(LIBDIR)/memdisk
	rm -f $(DESTDIR)$(INITCPIODIR)/install/memboot $(DESTDIR)$(INITCPIODIR)/hooks/memboot $(DESTDIR)$(INITCPIODIR)/udev/69-memboot.rules
	rm -f $(DESTDIR)$(ITDIR)/hooks/memboot $(DESTDIR)$(ITDIR)/scripts/init-premount/memboot
	rm -f $(DESTDIR)$(DRACUTDIR)/module-setup.sh $(DESTDIR)$(DRACUTDIR)/memboot-queue.sh \
	      $(DESTDIR)$(DRACUTDIR)/memboot-attach.sh $(DESTDIR)$(DRACUTDIR)/69-memboot.rules
	-rmdir $(DESTDIR)$(DRACUTDIR) 2>/dev/null
	rm -f $(DESTDIR)$(MANDIR)/man1/memdiskfind.1 $(DESTDIR)$(MANDIR)/man1/memdisk-attach.1

clean:
	rm -rf $(BUILD)
