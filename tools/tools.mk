# tools/tools.mk - the Linux tools: build/memdiskfind, build/memdisk-attach.
#
# Static binaries linked against musl (musl-gcc), so that they run in any
# initramfs. They compile lib/'s sources hosted (options, geometry and the
# mBFT rules are the loader's own), with tools/ as the include root:
#   find/    the finder: the pure scan, /proc/iomem, the description; the I/O
#   attach/  memdisk-attach's backends and the block-device helpers
#   nbd/     the nbd backend: the daemon, netlink, the ioctls, the wire

TOOLCC    ?= musl-gcc
TOOL_CFLAGS  := -std=gnu11 $(WARN) -Ilib -Itools -Os -static -ffunction-sections -fdata-sections \
                -D_FILE_OFFSET_BITS=64
TOOL_LDFLAGS := -static -Wl,--gc-sections -s

TOOL_LIB    := lib/options.c lib/geometry.c lib/mbft.c
FIND_PURE   := tools/find/mbft_scan.c tools/find/iomem.c tools/find/describe.c
FIND_SRC    := $(FIND_PURE) tools/find/finder.c tools/util.c
ATTACH_SRC  := $(wildcard tools/attach/*.c) $(wildcard tools/nbd/*.c) tools/sha256.c
TOOL_HDR    := $(LIB_HDR) $(wildcard tools/*.h tools/*/*.h)
TOOLS       := $(BUILD)/memdiskfind $(BUILD)/memdisk-attach

$(BUILD)/memdiskfind: tools/memdiskfind.c $(FIND_SRC) $(TOOL_LIB) $(TOOL_HDR)
	@mkdir -p $(@D)
	$(TOOLCC) $(TOOL_CFLAGS) -o $@ tools/memdiskfind.c $(FIND_SRC) $(TOOL_LIB) $(TOOL_LDFLAGS)

$(BUILD)/memdisk-attach: tools/memdisk-attach.c $(FIND_SRC) $(ATTACH_SRC) $(TOOL_LIB) $(TOOL_HDR)
	@mkdir -p $(@D)
	$(TOOLCC) $(TOOL_CFLAGS) -o $@ tools/memdisk-attach.c $(FIND_SRC) $(ATTACH_SRC) $(TOOL_LIB) $(TOOL_LDFLAGS)

# The injection payload (issue: unmodified live ISOs): the initramfs segment
# a loader appends to a distribution's initrd. mkcpio is a host program that
# writes it with lib/cpio; the segment carries memdisk-attach and the hooks
# (initramfs/inject/, and the integrations' scripts).
# Each family's hook lies where only that family looks: initramfs-tools
# sources conf/conf.d/*, dracut runs (usr/)lib/dracut/hooks/pre-trigger/*,
# mkinitcpio runs hooks/memdisk where its HOOKS name memdisk (archiso's do,
# before archiso: the segment's replaces archiso's memdiskfind + phram one).
# 69-memboot.rules gives an mtdblock device its by-label link.
# No path goes through bin, sbin or lib: in a merged-/usr initramfs those are
# links, and the kernel replaces a link by a folder the segment names.
PAYLOAD_FILES := usr/bin/memdisk-attach=$(BUILD)/memdisk-attach \
                 scripts/init-premount/memboot=initramfs/initramfs-tools/scripts/init-premount/memboot \
                 conf/conf.d/zz-memboot=initramfs/inject/initramfs-tools.conf \
                 usr/lib/memboot/memboot-attach=initramfs/dracut/90memboot/memboot-attach.sh \
                 usr/lib/dracut/hooks/pre-trigger/10-memboot-queue.sh=initramfs/inject/dracut-queue.sh \
                 hooks/memdisk=initramfs/mkinitcpio/hooks/memboot \
                 usr/lib/udev/rules.d/69-memboot.rules=initramfs/udev/69-memboot.rules

$(BUILD)/mkcpio: tools/payload/mkcpio.c lib/cpio.c lib/cpio.h
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 $(WARN) -O2 -Ilib -o $@ tools/payload/mkcpio.c lib/cpio.c

$(BUILD)/inject.cpio: tools/tools.mk $(BUILD)/mkcpio $(BUILD)/memdisk-attach initramfs/inject/initramfs-tools.conf \
                      initramfs/initramfs-tools/scripts/init-premount/memboot \
                      initramfs/dracut/90memboot/memboot-attach.sh \
                      initramfs/inject/dracut-queue.sh initramfs/mkinitcpio/hooks/memboot \
                      initramfs/udev/69-memboot.rules
	$(BUILD)/mkcpio $@ $(PAYLOAD_FILES)

# gzip-compressed (the kernel unpacks each segment by its own magic), by
# zopfli, which finds a smaller deflate stream than gzip -9 (58 KiB against
# 59 for the 121 KiB cpio).
$(BUILD)/inject.cpio.gz: $(BUILD)/inject.cpio
	zopfli --i15 -c $< >$@
