/*
 * The plain (non-libFuzzer) driver of a fuzz target: runs
 * LLVMFuzzerTestOneInput on every file named on the command line, or in
 * the directories named there. make check uses it to replay the regression
 * files and the seeds under the normal and the sanitizer builds.
 *
 *   replay-TARGET [-t SECONDS] FILE|DIR...
 *
 * Prints "replayed N inputs"; an input that takes longer than -t seconds
 * (default 1) is reported as "SLOW: file (seconds)" and makes it exit 1.
 *
 * A file named *.hex is text: '#' starts a comment line (what the input is,
 * what it found, where it was fixed), every other line is hex digits, so
 * the regression files are reviewable text in git (tests/fuzz/add-regress.sh
 * writes them).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static double limit = 1.0;
static unsigned long replayed, slow;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode a .hex file in place: comment lines skipped, whitespace ignored. */
static bool unhex(uint8_t *buf, size_t *n)
{
    size_t in = 0, out = 0;
    int hi = -1;
    bool line_start = true;
    while (in < *n) {
        int c = buf[in++];
        if (line_start && c == '#') {
            while (in < *n && buf[in] != '\n')
                in++;
            continue;
        }
        line_start = c == '\n';
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        int v = hexval(c);
        if (v < 0)
            return false;
        if (hi < 0) {
            hi = v;
        } else {
            buf[out++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    *n = out;
    return hi < 0;
}

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return 1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || st.st_size < 0) {
        fclose(fp);
        return 1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf || fread(buf, 1, n, fp) != n) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        fclose(fp);
        return 1;
    }
    fclose(fp);
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".hex") == 0 && !unhex(buf, &n)) {
        fprintf(stderr, "%s: bad hex\n", path);
        free(buf);
        return 1;
    }
    double t0 = now();
    LLVMFuzzerTestOneInput(buf, n);
    double dt = now() - t0;
    free(buf);
    replayed++;
    if (dt > limit) {
        fprintf(stderr, "SLOW: %s (%.2f s)\n", path, dt);
        slow++;
    }
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                exit(2);
            names = nn;
        }
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            exit(2);
        snprintf(names[n++], len, "%s/%s", path, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= replay_path(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-t") == 0) {
        limit = atof(argv[2]);
        first = 3;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0;
    for (int i = first; i < argc; i++)
        rc |= replay_path(argv[i]);
    /* stdout may be redirected by the target: report on stderr */
    fprintf(stderr, "replayed %lu inputs, %lu slow\n", replayed, slow);
    return rc || slow ? 1 : 0;
}
