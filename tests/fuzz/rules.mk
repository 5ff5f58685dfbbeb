# Fuzz targets (tests/fuzz), included by the Makefile.
#  - replay programs: each target linked with a plain main (replay.c), built
#    in $(BUILD) with the build's own flags (so SANITIZE=1 replays under
#    ASan+UBSan); make check runs them on tests/fuzz/regress and the seeds.
#  - libFuzzer programs: clang -fsanitize=fuzzer,address,undefined, in
#    build-fuzz/; `make fuzz FUZZ_SECONDS=N` runs each target for N seconds.
FUZZ_TARGETS := probe elf pe macho resolve render
FUZZ_OBJDIR  := $(BUILD)/tests/fuzz
REPLAY_BINS  := $(FUZZ_TARGETS:%=$(FUZZ_OBJDIR)/replay-%)
CHECK_BINS   += $(REPLAY_BINS)

$(FUZZ_OBJDIR)/%.o: INC := -Iinclude -Itests/fuzz
$(FUZZ_OBJDIR)/%.o: tests/fuzz/exercise.h
# The CLI, with main renamed so the render target can call it per mode.
$(FUZZ_OBJDIR)/cli_main.o: tools/objinspect.c $(wildcard include/*.h tools/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Dmain=objinspect_main -c -o $@ $<
CLI_NOMAIN_OBJ = $(filter-out $(BUILD)/tools/objinspect.o,$(TOOL_OBJ)) $(FUZZ_OBJDIR)/cli_main.o

$(FUZZ_OBJDIR)/replay-render: $(FUZZ_OBJDIR)/fuzz_render.o $(FUZZ_OBJDIR)/exercise.o \
		$(FUZZ_OBJDIR)/replay.o $(CLI_NOMAIN_OBJ) $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS)
$(FUZZ_OBJDIR)/replay-%: $(FUZZ_OBJDIR)/fuzz_%.o $(FUZZ_OBJDIR)/exercise.o \
		$(FUZZ_OBJDIR)/replay.o $(LIB_A)
	$(CC) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS)

# ---- libFuzzer
FUZZ_BUILD   := build-fuzz
FUZZ_CC      := clang
FUZZ_SECONDS ?= 60
FUZZ_SEED    ?=
FUZZ_RUNS    ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) -O1 -g \
                $(FUZZ_SAN) -fsanitize=fuzzer-no-link -fvisibility=hidden $(PKG_CFLAGS)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_CLI_OBJ := $(filter-out $(FUZZ_BUILD)/tools/objinspect.o,$(TOOL_SRC:%.c=$(FUZZ_BUILD)/%.o)) \
                $(FUZZ_BUILD)/tests/fuzz/cli_main.o
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)

$(FUZZ_BUILD)/src/%.o: src/%.c $(wildcard include/*.h src/*/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinclude -Isrc -c -o $@ $<
$(FUZZ_BUILD)/tools/%.o: tools/%.c $(wildcard include/*.h tools/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinclude -c -o $@ $<
$(FUZZ_BUILD)/tests/fuzz/cli_main.o: tools/objinspect.c $(wildcard include/*.h tools/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-missing-prototypes -Dmain=objinspect_main -Iinclude -c -o $@ $<
$(FUZZ_BUILD)/tests/fuzz/%.o: tests/fuzz/%.c tests/fuzz/exercise.h include/objinspect.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iinclude -Itests/fuzz -c -o $@ $<
$(FUZZ_BUILD)/fuzz-render: $(FUZZ_BUILD)/tests/fuzz/fuzz_render.o \
		$(FUZZ_BUILD)/tests/fuzz/exercise.o $(FUZZ_CLI_OBJ) $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(PKG_LIBS)
$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/tests/fuzz/exercise.o \
		$(FUZZ_LIB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

# One target at a time (the machine is shared), each for FUZZ_SECONDS, its
# corpus kept in build-fuzz/corpus/<target> between runs and seeded from
# the fixtures. Findings go to build-fuzz/findings/<target>/ and fail the run.
fuzz: $(FUZZ_BINS) fixtures
	@FUZZ_BUILD=$(FUZZ_BUILD) FIX=$(FIX) FUZZ_SEED=$(FUZZ_SEED) FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz-build
