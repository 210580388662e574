# loader/efi/efi.mk - memdisk.efi: the UEFI loader, build/memdisk.efi.
#
# An x86_64 EFI application (PE32+, subsystem 10, with base relocations),
# written by clang and lld-link directly: the x86_64-unknown-windows target
# has the UEFI calling convention, so no ELF-to-PE conversion is needed.
# lib/ is compiled a third time for this target (the gcc x86_64 objects of
# lib.mk are ELF with the System V convention); the freestanding check
# runs on these objects too. tests/check_pe.sh checks the result's header.

EFI_CC      ?= clang
EFI_LD      ?= lld-link
EFI_C       := $(wildcard loader/efi/*.c)
EFI_HDR     := $(wildcard loader/efi/*.h) $(LIB_HDR)
EFI_CFLAGS  := -target x86_64-unknown-windows -std=gnu11 $(filter-out -Wformat-truncation -Wno-format-truncation,$(WARN)) \
               -Wno-unknown-warning-option -Os -ffreestanding -fno-builtin -nostdinc \
               -isystem $(shell $(EFI_CC) -print-resource-dir)/include \
               -fshort-wchar -mno-red-zone -mno-stack-arg-probe -mgeneral-regs-only \
               -fno-stack-protector -fno-asynchronous-unwind-tables -ffunction-sections \
               -fdata-sections -DMEMBOOT_FREESTANDING -Ilib -Iloader/efi
EFI_LIB_OBJ := $(patsubst lib/%.c,$(BUILD)/lib-efi/%.o,$(LIB_SRC))
EFI_OBJ     := $(patsubst loader/efi/%.c,$(BUILD)/efi/%.o,$(EFI_C)) $(BUILD)/efi/payload.o \
               $(BUILD)/efi/sbat.o $(EFI_LIB_OBJ)

$(BUILD)/lib-efi/inflate.o: EFI_OPT := -O2

$(BUILD)/lib-efi/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $< (x86_64 UEFI, freestanding)"
	@$(EFI_CC) $(EFI_CFLAGS) $(EFI_OPT) -c -o $@ $<

$(BUILD)/efi/%.o: loader/efi/%.c $(EFI_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(EFI_CC) $(EFI_CFLAGS) -c -o $@ $<

# The injection payload, embedded (tools/tools.mk builds it).
$(BUILD)/efi/payload.o: loader/efi/payload.S $(BUILD)/inject.cpio.gz
	@mkdir -p $(@D)
	@echo "  AS      $< ($(BUILD)/inject.cpio.gz)"
	@$(EFI_CC) -target x86_64-unknown-windows -c -DPAYLOAD_FILE='"$(BUILD)/inject.cpio.gz"' -o $@ $<

# The SBAT metadata shim wants (loader/efi/sbat.S).
$(BUILD)/efi/sbat.o: loader/efi/sbat.S lib/version.h
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(EFI_CC) -target x86_64-unknown-windows -Ilib -c -o $@ $<

$(BUILD)/memdisk.efi: $(EFI_OBJ) tests/check_pe.sh
	@echo "  LINK    $@"
	@$(EFI_LD) -nologo -subsystem:efi_application -entry:efi_main -nodefaultlib \
	    -opt:ref -dynamicbase -map:$(BUILD)/memdisk.efi.map -out:$@ $(EFI_OBJ)
	@tests/check_pe.sh $@

$(BUILD)/lib-efi-check.stamp: $(EFI_LIB_OBJ) lib/libc.h scripts/check-freestanding.sh
	@scripts/check-freestanding.sh lib/libc.h x86_64-uefi $(EFI_LIB_OBJ)
	@touch $@
