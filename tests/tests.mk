# tests/tests.mk - unit tests, fuzzers, boot tests, the install test.
#
# Unit tests and fuzzers are host programs over lib/ and the tools' pure
# modules (and the NBD server over a socketpair), under ASan and UBSan.

HOSTCC    ?= gcc
FUZZCC    ?= clang
FUZZ_SECONDS ?= 15
HOSTED_CFLAGS := -std=gnu11 $(WARN) -Ilib -Itools
SAN_CFLAGS    := $(HOSTED_CFLAGS) -O1 -g -fsanitize=address,undefined \
                 -fno-sanitize-recover=all -fno-omit-frame-pointer

# What the host tests link: all of lib/, the finder's pure modules, the NBD
# wire format and netlink messages, the tools' helpers.
TEST_LINK  := $(LIB_SRC) $(FIND_PURE) tools/nbd/wire.c tools/nbd/genl.c tools/util.c tools/sha256.c
UNIT_TESTS := $(BUILD)/tests/unit_tests
FUZZERS    := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(wildcard tests/fuzz/fuzz_*.c))

$(UNIT_TESTS): $(wildcard tests/unit/*.c tests/unit/*.h) $(TEST_LINK) $(TOOL_HDR)
	@mkdir -p $(@D)
	$(HOSTCC) $(SAN_CFLAGS) -Itests/unit -o $@ $(wildcard tests/unit/*.c) $(TEST_LINK)

$(BUILD)/tests/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(FIND_PURE) $(TOOL_HDR)
	@mkdir -p $(@D)
	$(FUZZCC) $(HOSTED_CFLAGS) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< $(LIB_SRC) $(FIND_PURE)

unit: $(UNIT_TESTS)
	$(UNIT_TESTS)

# Each fuzzer runs FUZZ_SECONDS from its seeds (tests/fuzz/seeds/NAME, NAME
# as in fuzz_NAME.c) and the corpus it has grown in earlier runs.
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    n=$$(basename $$f); mkdir -p $(BUILD)/fuzz-corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 -artifact_prefix=$(BUILD)/fuzz-$$n- \
	        $(BUILD)/fuzz-corpus/$$n tests/fuzz/seeds/$${n#fuzz_} 2>$(BUILD)/fuzz-$$n.log \
	        || { tail -40 $(BUILD)/fuzz-$$n.log; exit 1; }; \
	    grep -E '^Done|^#[0-9]+ *DONE' $(BUILD)/fuzz-$$n.log | tail -1; \
	done

install-test: $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi
	tests/install.sh

boot: $(TOOLS) $(BUILD)/memdisk $(BUILD)/memdisk.efi
	MEMBOOT_BUILD=$(abspath $(BUILD)) tests/boot/run.sh
