# lib/lib.mk - lib/: the freestanding C that both loaders share.
#
# Every lib/*.c is compiled freestanding as part of `make`: -ffreestanding
# -nostdinc with only lib/ on the include path, so an #include of a C
# library header, or of anything in tools/ or loader/, does not compile.
# Twice: for i386 (the BIOS loader links these objects) and for x86_64 (the
# UEFI loader's target). scripts/check-freestanding.sh then proves from the
# objects' symbols that nothing but lib/ itself, the shim declared in
# lib/libc.h and the compiler's 64-bit division helpers is called.
# The tools and the tests compile the same sources hosted (libc.h then
# includes <string.h>).

FREE_CC   ?= gcc
LIB_SRC   := $(wildcard lib/*.c)
LIB_HDR   := $(wildcard lib/*.h)

LIB_FREE_CFLAGS := -std=gnu11 $(WARN) -Os -ffreestanding -fno-builtin \
                   -nostdinc -isystem $(shell $(FREE_CC) -print-file-name=include) \
                   -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
                   -ffunction-sections -fdata-sections -DMEMBOOT_FREESTANDING -Ilib
LIB_I386_CFLAGS := $(LIB_FREE_CFLAGS) -m32 -march=i686 -mno-sse -mno-mmx -mno-80387
LIB_X64_CFLAGS  := $(LIB_FREE_CFLAGS) -m64 -mno-red-zone -mgeneral-regs-only

LIB_I386_OBJ := $(patsubst lib/%.c,$(BUILD)/lib-i386/%.o,$(LIB_SRC))
LIB_X64_OBJ  := $(patsubst lib/%.c,$(BUILD)/lib-x86_64/%.o,$(LIB_SRC))

# inflate runs on hundreds of MB at boot: worth -O2 (about 7% fewer
# instructions). For i386 (the BIOS memdisk, where every KiB counts) the file
# is -Os and inflate.c builds only its hot paths -O2 (INFLATE_HOT_O2).
$(BUILD)/lib-x86_64/inflate.o: LIB_OPT := -O2

$(BUILD)/lib-i386/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $< (i386, freestanding)"
	@$(FREE_CC) $(LIB_I386_CFLAGS) $(LIB_OPT) -c -o $@ $<

$(BUILD)/lib-x86_64/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $< (x86_64, freestanding)"
	@$(FREE_CC) $(LIB_X64_CFLAGS) $(LIB_OPT) -c -o $@ $<

.PHONY: lib-check
lib-check: $(BUILD)/lib-check.stamp $(BUILD)/lib-efi-check.stamp

$(BUILD)/lib-check.stamp: $(LIB_I386_OBJ) $(LIB_X64_OBJ) lib/libc.h scripts/check-freestanding.sh
	@scripts/check-freestanding.sh lib/libc.h i386 $(LIB_I386_OBJ)
	@scripts/check-freestanding.sh lib/libc.h x86_64 $(LIB_X64_OBJ)
	@touch $@
