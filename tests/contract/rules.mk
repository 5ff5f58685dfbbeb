# The library-contract tests (tests/contract), included by the Makefile:
#  - nomem: allocation-failure injection for every k (the build's own flags,
#    so SANITIZE=1 adds LeakSanitizer);
#  - threads: one file read by several threads at once, built twice: with
#    the build's flags, and with ThreadSanitizer (clang) in $(BUILD)/tsan.
CONTRACT_DIR := $(BUILD)/tests/contract
CHECK_BINS   += $(CONTRACT_DIR)/nomem $(CONTRACT_DIR)/threads $(CONTRACT_DIR)/threads-tsan

$(CONTRACT_DIR)/nomem: tests/contract/nomem.c $(LIB_A) $(wildcard include/*.h src/core/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) \
	    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free

$(CONTRACT_DIR)/threads: tests/contract/threads.c $(LIB_A) include/objinspect.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS)

# ThreadSanitizer cannot be combined with ASan, so the library is built
# once more for it.
TSAN_DIR     := $(BUILD)/tsan
TSAN_CFLAGS   = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) -O1 -g \
                -fsanitize=thread -fvisibility=hidden $(PKG_CFLAGS)
TSAN_LIB_OBJ := $(LIB_SRC:%.c=$(TSAN_DIR)/%.o)
$(TSAN_DIR)/%.o: %.c $(wildcard include/*.h src/*/*.h)
	@mkdir -p $(@D)
	clang $(TSAN_CFLAGS) -Iinclude -Isrc -c -o $@ $<
$(CONTRACT_DIR)/threads-tsan: tests/contract/threads.c $(TSAN_LIB_OBJ) include/objinspect.h
	@mkdir -p $(@D)
	clang $(TSAN_CFLAGS) -Iinclude -pthread -o $@ $< $(TSAN_LIB_OBJ) -fsanitize=thread $(PKG_LIBS)
