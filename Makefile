# objinspect — see README.md. The two commands a new user needs:
#   make run     install what is missing, build, inspect a default artifact
#   make check   install what is missing, build, build fixtures, run every test
# Other targets: all, install, bench, fuzz, conformance, corpus, clean.
# SANITIZE=1 builds with ASan+UBSan in build-san/.

PREFIX   ?= /usr/local
DESTDIR  ?=
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
BINDIR   ?= $(PREFIX)/bin
PCDIR    ?= $(LIBDIR)/pkgconfig

VERSION  := 0.1.0
SOMAJOR  := 0
SONAME   := libobjinspect.so.$(SOMAJOR)

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

CC       ?= cc
PKG_CONFIG ?= pkg-config
PKGS     := libelf zlib libzstd
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lelf -lz -lzstd)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) $(SANFLAGS) \
             -fPIC -fvisibility=hidden $(INC) $(PKG_CFLAGS)
INC      := -Iinclude -Isrc
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
# libiberty (libiberty-dev; its libiberty.a is built with -fPIC on Debian, so it
# links into the shared library too) demangles Itanium C++, Rust and D.
PKG_LIBS += -liberty

LIB_SRC  := $(sort $(wildcard src/*.c src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# Every tools/*.c but the example is part of the CLI (one file per command).
TOOL_SRC := $(filter-out tools/example-lookup.c,$(sort $(wildcard tools/*.c)))
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/%.o)
# The CLI sees only the public header.
$(TOOL_OBJ): INC := -Iinclude

LIB_A    := $(BUILD)/libobjinspect.a
LIB_SO   := $(BUILD)/$(SONAME)
CLI      := $(BUILD)/objinspect
PC       := $(BUILD)/objinspect.pc
EXAMPLE  := $(BUILD)/example-lookup
UNIT     := $(BUILD)/unit-tests

.PHONY: all run check check-sanitize deps deps-test install uninstall clean bench \
        fuzz conformance corpus fixtures example
.DEFAULT_GOAL := all

all: $(LIB_A) $(LIB_SO) $(CLI) $(PC) tools/objinspect

# The CLI under tools/ (as the README shows): a link to the built binary.
tools/objinspect: $(CLI)
	@ln -sf ../$(CLI) $@

$(BUILD)/%.o: %.c $(wildcard include/*.h src/*/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Only oi_* is exported: -fvisibility=hidden plus the version script.
$(LIB_SO): $(LIB_OBJ) src/libobjinspect.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/libobjinspect.map \
	    -Wl,-z,relro,-z,now -o $@ $(LIB_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)
	@ln -sf $(SONAME) $(BUILD)/libobjinspect.so

# The CLI links libelf, zlib and zstd statically when their archives are
# there (the -dev packages ship them): loading three shared libraries was
# half of `objinspect --version` (bench/RESULTS.md, start-up). The shared
# library keeps them dynamic. CLI_STATIC=0 links them dynamically.
CLI_STATIC ?= 1
STATIC_ARCHIVES := $(foreach l,elf z zstd,$(wildcard $(shell $(CC) -print-file-name=lib$(l).a)))
CLI_STATIC_LIBS := -Wl,-Bstatic -lelf -lzstd -lz -liberty -Wl,-Bdynamic
CLI_LIBS = $(if $(and $(filter 1,$(CLI_STATIC)),$(filter 3,$(words $(STATIC_ARCHIVES)))),$(CLI_STATIC_LIBS),$(PKG_LIBS))

$(CLI): $(TOOL_OBJ) $(LIB_A)
	$(CC) -o $@ $(TOOL_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(CLI_LIBS)

PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' objinspect.pc.in
$(PC): objinspect.pc.in Makefile
	@mkdir -p $(BUILD)
	$(PC_SED) > $@

# The example a loader author would copy: built against the public header only.
$(EXAMPLE): tools/example-lookup.c $(LIB_A) include/objinspect.h
	$(CC) -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -Iinclude -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS)
example: $(EXAMPLE)

# ------------------------------------------------------------------ deps
# Each package is installed only when missing; needs root (as in the README).
RUN_PKGS  := build-essential pkg-config libelf-dev zlib1g-dev libzstd-dev
TEST_PKGS := $(RUN_PKGS) libcmocka-dev binutils elfutils clang lld llvm lld-16 llvm-16 \
             gcc-mingw-w64-x86-64-win32 gcc-mingw-w64-i686-win32 python3 time \
             checksec abigail-tools python3-jsonschema libgphobos3
RUN_PKGS  += libiberty-dev
TEST_PKGS += libiberty-dev
deps:
	@sh tools/install-deps.sh $(RUN_PKGS)
deps-test:
	@sh tools/install-deps.sh $(TEST_PKGS)

# ------------------------------------------------------------------ run
run: deps
	@$(MAKE) --no-print-directory all
	@echo "== objinspect on the system C library"
	@$(CLI) $$(sh tools/default-artifact.sh) || true
	@echo
	@echo "== objinspect on its own library ($(LIB_SO))"
	@$(CLI) --all $(LIB_SO)

# ------------------------------------------------------------------ tests
FIX ?= build/fixtures
include $(sort $(wildcard tests/fixtures/*/fixtures.mk))
fixtures: $(FIXTURES)
# Test programs beyond the unit tests (fuzz replay, contract tests): each
# tests/<dir>/rules.mk adds its own to CHECK_BINS.
CHECK_BINS :=
include $(sort $(wildcard tests/*/rules.mk))

$(UNIT): $(wildcard tests/unit/*.c) $(LIB_A)
	$(CC) $(ALL_CFLAGS) -o $@ $(wildcard tests/unit/*.c) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) -lcmocka

check: deps-test
	@$(MAKE) --no-print-directory all $(UNIT) $(EXAMPLE) $(CHECK_BINS) fixtures
	@BUILD=$(BUILD) FIX=$(FIX) sh tests/run.sh

check-sanitize:
	@$(MAKE) --no-print-directory check SANITIZE=1

conformance: all fixtures
	@for s in tests/conformance/*.sh; do BUILD=$(BUILD) sh $$s $(FIX) || exit 1; done

corpus:
	@sh tests/corpus.sh

# make bench installs its own peers and tools (tests/bench/bench.sh) and writes
# bench/RESULTS.md; BENCH_QUICK=1 makes fewer runs.
bench: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/bench/bench.sh

# ------------------------------------------------------------------ install
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(PCDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libobjinspect.so
	install -m 644 include/objinspect.h $(DESTDIR)$(INCDIR)/
	$(PC_SED) > $(DESTDIR)$(PCDIR)/objinspect.pc
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libobjinspect.a $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libobjinspect.so $(DESTDIR)$(INCDIR)/objinspect.h \
	      $(DESTDIR)$(PCDIR)/objinspect.pc $(DESTDIR)$(BINDIR)/objinspect

clean:
	rm -rf build build-san build-fuzz tools/objinspect
