/*
 * Unit tests of src/core: the bounded views and cursor (every overflow and
 * truncation edge), LEB128, the arena and its cap, and the format probe.
 * Run through cmocka; tests/run.sh counts its per-test lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/file.h"
#include "core/view.h"
#include "objinspect.h"

/* ------------------------------------------------------------ views */

static void view_sub_bounds(void **state)
{
    (void)state;
    uint8_t buf[16] = { 0 };
    oi_view v = oi_view_make(buf, sizeof buf), out;
    assert_true(oi_view_sub(v, 0, 16, &out));
    assert_int_equal(out.n, 16);
    assert_true(oi_view_sub(v, 16, 0, &out));   /* empty at the end is fine */
    assert_false(oi_view_sub(v, 16, 1, &out));
    assert_false(oi_view_sub(v, 17, 0, &out));
    assert_false(oi_view_sub(v, 8, 9, &out));
    assert_null(out.p);
    /* off + len wraps 2^64 */
    assert_false(oi_view_sub(v, 8, UINT64_MAX - 4, &out));
    assert_false(oi_view_sub(v, UINT64_MAX, 2, &out));
    assert_true(oi_view_tail(v, 10, &out));
    assert_int_equal(out.n, 6);
    assert_false(oi_view_tail(v, 17, &out));
}

static void view_array_overflow(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    oi_view v = oi_view_make(buf, sizeof buf), out;
    assert_true(oi_view_array(v, 0, 8, 8, &out));
    assert_false(oi_view_array(v, 0, 9, 8, &out));
    assert_false(oi_view_array(v, 8, 8, 8, &out));
    /* count * size overflows 64 bits and would wrap to a small number */
    assert_false(oi_view_array(v, 0, (UINT64_MAX / 8) + 2, 8, &out));
    assert_false(oi_view_array(v, 0, UINT64_MAX, UINT64_MAX, &out));
    assert_true(oi_view_array(v, 0, UINT64_MAX, 0, &out)); /* zero-size elements */
}

static void view_cstr(void **state)
{
    (void)state;
    const char buf[] = { 'a', 'b', 0, 'c', 'd' };   /* last string has no NUL */
    oi_view v = oi_view_make(buf, sizeof buf);
    size_t len = 99;
    assert_string_equal(oi_view_cstr_len(v, 0, &len), "ab");
    assert_int_equal(len, 2);
    assert_string_equal(oi_view_cstr(v, 2), "");
    assert_null(oi_view_cstr(v, 3));
    assert_null(oi_view_cstr(v, 5));
    assert_null(oi_view_cstr(v, UINT64_MAX));
}

/* ------------------------------------------------------------ cursor */

static void cursor_byte_order(void **state)
{
    (void)state;
    const uint8_t buf[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
    oi_view v = oi_view_make(buf, sizeof buf);
    oi_cur le = oi_cur_make(v, 0, false), be = oi_cur_make(v, 0, true);
    assert_int_equal(oi_u16(&le), 0x0201);
    assert_int_equal(oi_u16(&be), 0x0102);
    assert_int_equal(oi_u32(&le), 0x06050403);
    assert_int_equal(oi_u32(&be), 0x03040506);
    le = oi_cur_make(v, 0, false);
    be = oi_cur_make(v, 0, true);
    assert_true(oi_u64(&le) == 0x0807060504030201ull);
    assert_true(oi_u64(&be) == 0x0102030405060708ull);
    assert_true(oi_ok(&le) && oi_ok(&be));
    oi_cur w = oi_cur_make(v, 0, true);
    assert_true(oi_word(&w, false) == 0x01020304u);
    assert_true(oi_word(&w, false) == 0x05060708u);
}

static void cursor_sticky_error(void **state)
{
    (void)state;
    const uint8_t buf[] = { 1, 2, 3 };
    oi_cur c = oi_cur_make(oi_view_make(buf, sizeof buf), 0, false);
    assert_int_equal(oi_u16(&c), 0x0201);
    assert_int_equal(oi_u16(&c), 0);      /* only one byte left */
    assert_false(oi_ok(&c));
    assert_int_equal(c.bad_at, 2);
    assert_int_equal(oi_u8(&c), 0);       /* sticky: even a fitting read fails */
    assert_int_equal(oi_left(&c), 0);
    oi_seek(&c, 0);                       /* seeking does not clear it */
    assert_int_equal(oi_u8(&c), 0);
    assert_false(oi_ok(&c));
}

static void cursor_truncation_edges(void **state)
{
    (void)state;
    uint8_t buf[8] = { 0 };
    oi_view v = oi_view_make(buf, sizeof buf);
    for (size_t off = 0; off <= 8; off++) {
        oi_cur c = oi_cur_make(v, off, false);
        oi_u64(&c);
        assert_true(oi_ok(&c) == (off == 0));
        c = oi_cur_make(v, off, false);
        oi_u32(&c);
        assert_true(oi_ok(&c) == (off <= 4));
        c = oi_cur_make(v, off, false);
        oi_u16(&c);
        assert_true(oi_ok(&c) == (off <= 6));
    }
    oi_cur c = oi_cur_make(v, 9, false);   /* start past the end */
    assert_false(oi_ok(&c));
    c = oi_cur_make(v, 0, false);
    oi_skip(&c, UINT64_MAX);
    assert_false(oi_ok(&c));
    c = oi_cur_make(v, 4, false);
    oi_view t = oi_take(&c, 5);
    assert_null(t.p);
    assert_false(oi_ok(&c));
    c = oi_cur_make((oi_view){ NULL, 0 }, 0, false);
    oi_u8(&c);
    assert_false(oi_ok(&c));
}

static void cursor_cstr_and_fixed(void **state)
{
    (void)state;
    const char buf[] = "abc\0de\0fgh";   /* 11 bytes, last NUL included */
    oi_cur c = oi_cur_make(oi_view_make(buf, 10), 0, false); /* "fgh" unterminated */
    assert_string_equal(oi_take_cstr(&c), "abc");
    assert_string_equal(oi_take_cstr(&c), "de");
    assert_null(oi_take_cstr(&c));
    assert_false(oi_ok(&c));
    const char name[8] = { '.', 't', 'e', 'x', 't', 0, 'X', 'Y' };
    c = oi_cur_make(oi_view_make(name, 8), 0, false);
    oi_view f = oi_take_fixed(&c, 8);
    assert_int_equal(f.n, 5);
    assert_int_equal(c.pos, 8);
    const char full[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
    c = oi_cur_make(oi_view_make(full, 8), 0, false);
    assert_int_equal(oi_take_fixed(&c, 8).n, 8);
}

/* ------------------------------------------------------------ LEB128 */

static uint64_t uleb(const uint8_t *b, size_t n, bool *ok, size_t *used)
{
    oi_cur c = oi_cur_make(oi_view_make(b, n), 0, false);
    uint64_t v = oi_uleb(&c);
    *ok = oi_ok(&c);
    *used = c.pos;
    return v;
}

static int64_t sleb(const uint8_t *b, size_t n, bool *ok)
{
    oi_cur c = oi_cur_make(oi_view_make(b, n), 0, false);
    int64_t v = oi_sleb(&c);
    *ok = oi_ok(&c);
    return v;
}

static void leb_unsigned(void **state)
{
    (void)state;
    bool ok;
    size_t used;
    const uint8_t a[] = { 0xe5, 0x8e, 0x26 };           /* 624485, the DWARF example */
    assert_true(uleb(a, 3, &ok, &used) == 624485 && ok && used == 3);
    const uint8_t max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
    assert_true(uleb(max, 10, &ok, &used) == UINT64_MAX && ok);
    const uint8_t over[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
    uleb(over, 10, &ok, &used);
    assert_false(ok);                                     /* bit 64 set */
    const uint8_t pad[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
    assert_true(uleb(pad, 11, &ok, &used) == 0);
    assert_false(ok);                                     /* longer than 10 bytes */
    const uint8_t trunc[] = { 0x80, 0x80 };
    uleb(trunc, 2, &ok, &used);
    assert_false(ok);
    const uint8_t pad10[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
    assert_true(uleb(pad10, 10, &ok, &used) == 0 && ok);  /* 10 bytes, fits */
}

static void leb_signed(void **state)
{
    (void)state;
    bool ok;
    const uint8_t m1[] = { 0x7f };
    assert_true(sleb(m1, 1, &ok) == -1 && ok);
    const uint8_t m128[] = { 0x80, 0x7f };
    assert_true(sleb(m128, 2, &ok) == -128 && ok);
    const uint8_t p63[] = { 0x3f };
    assert_true(sleb(p63, 1, &ok) == 63 && ok);
    const uint8_t p64[] = { 0xc0, 0x00 };
    assert_true(sleb(p64, 2, &ok) == 64 && ok);
    const uint8_t min[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f };
    assert_true(sleb(min, 10, &ok) == INT64_MIN && ok);
    const uint8_t max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
    assert_true(sleb(max, 10, &ok) == INT64_MAX && ok);
    const uint8_t bad[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
    sleb(bad, 10, &ok);
    assert_false(ok);                                     /* does not fit 64 bits */
    const uint8_t longer[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
    sleb(longer, 11, &ok);
    assert_false(ok);
}

/* ------------------------------------------------------------ arena */

static void arena_alloc_and_cap(void **state)
{
    (void)state;
    oi_arena a;
    oi_arena_init(&a, 1024);
    char *p = oi_arena_alloc(&a, 10);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_int_equal(p[9], 0);                            /* zeroed */
    assert_non_null(oi_arena_alloc(&a, 1000));
    assert_null(oi_arena_alloc(&a, 100));                 /* over the cap */
    assert_null(oi_arena_array(&a, SIZE_MAX / 2, 4));     /* count*size overflow */
    assert_null(oi_arena_alloc(&a, SIZE_MAX));
    oi_arena_free(&a);

    oi_arena_init(&a, 0);
    for (int i = 0; i < 1000; i++)
        assert_non_null(oi_arena_alloc(&a, 200));
    char *big = oi_arena_alloc(&a, 200000);               /* larger than a block */
    assert_non_null(big);
    big[199999] = 1;
    assert_string_equal(oi_arena_strndup(&a, "abcdef", 3), "abc");
    assert_string_equal(oi_arena_printf(&a, "%d-%s", 7, "x"), "7-x");
    oi_arena_free(&a);
}

/* ------------------------------------------------------------ probe */

static void probe_formats(void **state)
{
    (void)state;
    uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    const oi_format_ops *ops = oi_probe(oi_view_make(elf, sizeof elf));
    assert_non_null(ops);
    assert_int_equal(ops->format, OI_FORMAT_ELF);
    elf[4] = 3;                                           /* bad class */
    assert_null(oi_probe(oi_view_make(elf, sizeof elf)));

    uint8_t pe[256] = { 'M', 'Z' };
    pe[0x3c] = 0x80;
    memcpy(pe + 0x80, "PE\0\0", 4);
    ops = oi_probe(oi_view_make(pe, sizeof pe));
    assert_non_null(ops);
    assert_int_equal(ops->format, OI_FORMAT_PE);
    pe[0x3c] = 0xfe;                                      /* e_lfanew past the end */
    assert_null(oi_probe(oi_view_make(pe, sizeof pe)));

    const uint32_t magics[] = { 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe };
    for (size_t i = 0; i < 4; i++) {
        uint8_t m[32] = { 0 };
        memcpy(m, &magics[i], 4);                         /* host (little) order */
        ops = oi_probe(oi_view_make(m, sizeof m));
        assert_non_null(ops);
        assert_int_equal(ops->format, OI_FORMAT_MACHO);
    }
    uint8_t fat[8 + 20] = { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1 };
    ops = oi_probe(oi_view_make(fat, sizeof fat));
    assert_non_null(ops);
    assert_int_equal(ops->format, OI_FORMAT_MACHO_FAT);
    uint8_t java[64] = { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52 };  /* class file v52 */
    assert_null(oi_probe(oi_view_make(java, sizeof java)));
    uint8_t fat64[8 + 32] = { 0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 1 };
    ops = oi_probe(oi_view_make(fat64, sizeof fat64));
    assert_non_null(ops);
    assert_int_equal(ops->format, OI_FORMAT_MACHO_FAT);

    ops = oi_probe(oi_view_make("!<arch>\n", 8));
    assert_non_null(ops);
    assert_int_equal(ops->format, OI_FORMAT_AR);

    assert_null(oi_probe(oi_view_make("\x7f" "EL", 3)));
    assert_string_equal(oi_probe_why(oi_view_make("\x7f" "EL", 3)),
                        "not an object file (truncated magic number)");
    assert_null(oi_probe(oi_view_make("hello world", 11)));
}

/* Opening from memory: no crash, clear status, on every prefix of a header. */
static void open_memory_prefixes(void **state)
{
    (void)state;
    uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    for (size_t n = 0; n <= sizeof elf; n++) {
        oi_file *f = (oi_file *)1;
        oi_error err;
        oi_status st = oi_open_memory(elf, n, "mem", NULL, &f, &err);
        if (st == OI_OK)
            oi_close(f);
        else
            assert_null(f);
        assert_true(st != OI_OK || n >= 52);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(view_sub_bounds),
        cmocka_unit_test(view_array_overflow),
        cmocka_unit_test(view_cstr),
        cmocka_unit_test(cursor_byte_order),
        cmocka_unit_test(cursor_sticky_error),
        cmocka_unit_test(cursor_truncation_edges),
        cmocka_unit_test(cursor_cstr_and_fixed),
        cmocka_unit_test(leb_unsigned),
        cmocka_unit_test(leb_signed),
        cmocka_unit_test(arena_alloc_and_cap),
        cmocka_unit_test(probe_formats),
        cmocka_unit_test(open_memory_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
