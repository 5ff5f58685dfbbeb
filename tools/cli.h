/*
 * The CLI's shared parts: exit codes, the common options, opening a file the
 * way every command does (errors reported once, --arch applied), and the
 * command table. Each subcommand lives in its own tools/cmd_*.c and sees the
 * library only through include/objinspect.h.
 */
#ifndef OI_TOOLS_CLI_H
#define OI_TOOLS_CLI_H

#include "objinspect.h"
#include "out.h"

#include <stdbool.h>

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_INPUT = 2, EXIT_USAGE = 3 };

/* Options every command understands, and the positional arguments. */
typedef struct cli {
    const char *cmd;          /* the command's name */
    print_opts po;            /* --json --all --arch */
    bool explain;             /* --explain */
    bool strict;              /* --strict */
    const char **args;        /* positional arguments (files, names) */
    int nargs;
    const char *debug_dir;    /* --debug-dir: separate ELF debug files (NULL: default) */
} cli;

/* A command-specific option handler: given argv[*i] (an option that is not
 * a common one), consume it (and its argument, advancing *i) and return 0;
 * return -1 when it is not an option of the command; or return an exit code
 * (> 0) after printing a usage error. */
typedef int (*cli_extra_fn)(void *ctx, int argc, char **argv, int *i);

/* Parse argv[first..]: common options, the command's own (extra may be
 * NULL) and positional arguments. Returns -1 on success, else an exit code
 * (usage errors are printed; --help and --version print and return 0). */
int cli_parse(cli *c, int argc, char **argv, int first, cli_extra_fn extra, void *ctx);
void cli_free(cli *c);

/* Print "objinspect: why" plus the --help hint; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

/* Open path with the CLI's options (permissive unless --strict). On failure
 * prints one line to stderr and returns NULL. *view is the file or, with
 * --arch, the selected fat slice (NULL with a message when it is absent). */
oi_file *cli_open(const cli *c, const char *path, oi_file **view);
void cli_report_open_error(const char *path, const oi_error *err);
/* Print the first error-level diagnostic of f or of its opened children as
 * the one stderr line bad input gets; true when there was one. */
bool cli_report_first_error(oi_file *f);
/* Run fn on every leaf file (fat slices and archive members recurse). */
void cli_each_leaf(oi_file *f, void (*fn)(oi_file *leaf, void *ctx), void *ctx);

/* The command table (objinspect.c): one row per subcommand. */
typedef struct cli_command {
    const char *name;
    const char *synopsis;     /* the usage line after "objinspect " */
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
} cli_command;

/* The --help text, built from the command table. */
void cli_print_help(void);

/* Commands, one file each. */
int cmd_summary(int argc, char **argv);    /* cmd_show.c: no subcommand */
int cmd_table(int argc, char **argv);      /* cmd_show.c: exports, imports, ... */
int cmd_resolve(int argc, char **argv);    /* cmd_resolve.c */
int cmd_bind(int argc, char **argv);       /* cmd_bind.c */
int cmd_check(int argc, char **argv);      /* cmd_check.c */
int cmd_diff(int argc, char **argv);       /* cmd_diff.c */
int cmd_call(int argc, char **argv);       /* cmd_call.c: how to call each export */
int cmd_demangle(int argc, char **argv);   /* cmd_demangle.c */

#endif
