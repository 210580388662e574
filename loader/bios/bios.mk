# loader/bios/bios.mk - the BIOS memdisk: build/memdisk.
#
# A Linux/x86 boot-protocol image: the real-mode setup part (setup.S), the
# 32-bit part (start32.S, the C files here and lib/'s i386 objects) and the
# resident real-mode driver (driver.S) that the C part copies into base
# memory. The linker script is preprocessed with layout.h, which holds the
# layout facts the assembly, the C and the script share.

BIOS_C    := $(wildcard loader/bios/*.c)
BIOS_S    := loader/bios/setup.S loader/bios/start32.S loader/bios/driver.S
BIOS_HDR  := $(wildcard loader/bios/*.h) $(LIB_HDR)
BIOS_CFLAGS  := $(LIB_I386_CFLAGS) -Iloader/bios
BIOS_ASFLAGS := -m32 -nostdinc -D__ASSEMBLY__ -Iloader/bios -Ilib
BIOS_OBJ  := $(patsubst loader/bios/%.c,$(BUILD)/bios/%.o,$(BIOS_C)) \
             $(patsubst loader/bios/%.S,$(BUILD)/bios/%.o,$(BIOS_S)) $(LIB_I386_OBJ) \
             $(BUILD)/bios/payload.o

# The injection payload, embedded (tools/tools.mk builds it; memdisk.efi has the same).
$(BUILD)/bios/payload.o: loader/bios/payload.S $(BUILD)/inject.cpio.gz
	@mkdir -p $(@D)
	@echo "  AS      $< ($(BUILD)/inject.cpio.gz)"
	@$(FREE_CC) $(BIOS_ASFLAGS) -DPAYLOAD_FILE='"$(BUILD)/inject.cpio.gz"' -c -o $@ $<

$(BUILD)/bios/%.o: loader/bios/%.c $(BIOS_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(FREE_CC) $(BIOS_CFLAGS) -c -o $@ $<

$(BUILD)/bios/%.o: loader/bios/%.S $(BIOS_HDR)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(FREE_CC) $(BIOS_ASFLAGS) -c -o $@ $<

$(BUILD)/bios/loader.lds: loader/bios/loader.lds.S loader/bios/layout.h
	@mkdir -p $(@D)
	@echo "  CPP     $<"
	@$(FREE_CC) -E -P -x c -undef -D__ASSEMBLY__ -D__LINKER_SCRIPT__ -Iloader/bios -o $@ $<

$(BUILD)/memdisk.elf: $(BIOS_OBJ) $(BUILD)/bios/loader.lds
	@echo "  LD      $@"
	@ld -m elf_i386 -nostdlib --gc-sections -z noexecstack --no-warn-rwx-segments \
	    -T $(BUILD)/bios/loader.lds -Map $(BUILD)/memdisk.map -o $@ $(BIOS_OBJ)

$(BUILD)/memdisk: $(BUILD)/memdisk.elf scripts/pack-memdisk.sh tests/check_header.sh
	@scripts/pack-memdisk.sh $< $@
	@tests/check_header.sh $@
