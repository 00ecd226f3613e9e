# sitehound build. `make` builds build/sitehound; `make test` runs every test
# twice, once in a normal build and once under ASan and UBSan.

CC      ?= cc
BUILD   ?= build
SAN     ?=
VERSION := 0.1.0

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wpointer-arith -Wcast-qual -Wundef -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DSITEHOUND_VERSION='"$(VERSION)"' \
              -Isrc $(WARN) $(CFLAGS)
LDLIBS  := -ljansson -lcrypto

ifeq ($(SAN),1)
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

MAIN_SRC := src/cli/main.c
LIB_SRC  := $(filter-out $(MAIN_SRC),$(sort $(shell find src -name '*.c')))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

.PHONY: all check unit integration sanitize test fuzz fuzz-run bench bench-hunt bench-watch clean deps

all: $(BUILD)/sitehound

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libsitehound.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sitehound: $(BUILD)/obj/$(MAIN_SRC:.c=.o) $(BUILD)/libsitehound.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsitehound.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsitehound.a $(LDLIBS) -lcmocka

# Unit tests (cmocka), then the end-to-end suites against the built binary.
check: unit integration

unit: $(UNIT_BIN)
	@tests/run-unit $(UNIT_BIN)

integration: $(BUILD)/sitehound
	@tests/run-integration $(BUILD)/sitehound

# The sanitizer build uses clang, so that every test run also proves the
# tree builds without warnings on both gcc and clang.
SAN_CC ?= clang
sanitize:
	$(MAKE) BUILD=build-san SAN=1 CC=$(SAN_CC) check

# The README's test command: the whole suite in a normal build, then under
# AddressSanitizer and UndefinedBehaviorSanitizer.
test:
	$(MAKE) check
	$(MAKE) sanitize

# libFuzzer targets need clang; `make fuzz-run` runs each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' \
	    build-fuzz/libsitehound.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRC); do \
	    n=$$(basename $$f .c); \
	    clang -std=c11 -D_GNU_SOURCE -Isrc -g -O1 \
	        -fsanitize=fuzzer,address,undefined $$f build-fuzz/libsitehound.a \
	        $(LDLIBS) -o build-fuzz/fuzz/$$n || exit 1; \
	done

fuzz-run: fuzz
	@scripts/fuzz-run $(FUZZ_SECONDS)

bench: all
	bench/scan-vs-find

# hunt against wc -l, jq and the Python reference on 1 GiB of generated
# Defender events (about 3 minutes); BENCH_ARGS='--size 4G' for more.
bench-hunt: all
	bench/hunt-vs-peers $(BENCH_ARGS)

# Latency, storm and CPU of the watcher, in fanotify and inotify modes (needs root).
bench-watch: all
	bench/watch-latency $(BUILD)/sitehound
	bench/watch-latency $(BUILD)/sitehound --inotify

deps:
	scripts/install-deps

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d)
