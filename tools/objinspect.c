/*
 * objinspect: the command line. It uses the library only through
 * include/objinspect.h. This file is the command table and main(); each
 * subcommand lives in tools/cmd_*.c.
 *
 * Exit codes: 0 ok, 1 a check or lookup failed, 2 unreadable or malformed
 * input, 3 usage.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    { "exports", "exports [OPTIONS] FILE...", cmd_table },
    { "imports", "imports [OPTIONS] FILE...", cmd_table },
    { "symbols", "symbols [OPTIONS] FILE...", cmd_table },
    { "sections", "sections [OPTIONS] FILE...", cmd_table },
    { "deps", "deps [OPTIONS] FILE...", cmd_table },
    { "resolve", "resolve [OPTIONS] FILE NAME[@VERSION]|#ORDINAL... (- reads names from stdin)", cmd_resolve },
    { "bind", "bind [OPTIONS] PROGRAM_OR_LIBRARY [--root SYSROOT] [-L DIR]... [--unresolved]", cmd_bind },
    { "check", "check [--policy FILE] [--root DIR] [-j N] [--json|--sarif|--junit] [-q|-v] [--list] ARTIFACT_OR_DIR...", cmd_check },
    { "diff", "diff [--json|--sarif|--junit] [--arch NAME] OLD NEW", cmd_diff },
    { "call", "call [OPTIONS] [--ffi ctypes|cffi] FILE [NAME...]", cmd_call },
    { "demangle", "demangle [NAME...]   (names from standard input when none)", cmd_demangle },
};

void cli_print_help(void)
{
    fputs("usage: objinspect [OPTIONS] FILE...    summary of each file\n", stdout);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("       objinspect %s\n", commands[i].synopsis);
    fputs("\n"
          "options:\n"
          "  --json           machine-readable output (see README, \"JSON contract\")\n"
          "  --all            list data and TLS exports too, not only functions\n"
          "  -C, --demangle   show C++, Rust, D and MSVC names demangled\n"
          "  --arch NAME      only this slice of a fat Mach-O file (arm64, x86_64, ...)\n"
          "  --explain        resolve: print each step the lookup takes\n"
          "  --root DIR       bind: read the loader's absolute paths under this sysroot\n"
          "  -L DIR           bind: another directory to search (repeatable)\n"
          "  --library-path P bind: an LD_LIBRARY_PATH (ELF); --platform, --lib: $PLATFORM, $LIB\n"
          "  --apiset-schema F  bind: PE API-set names, one \"api-set = host.dll\" a line\n"
          "  --unresolved     bind: list only what does not bind\n"
          "  --strict         fail on the first malformed structure\n"
          "  --debug-dir DIR  ELF: look for separate debug files (.build-id/, debuglink)\n"
          "                   in DIR (default /usr/lib/debug; \"\" to not look)\n"
          "  -h, --help       this text\n"
          "  --version        the version\n"
          "\n"
          "exit codes: 0 ok, 1 check or lookup failed, 2 unreadable or malformed input, 3 usage\n",
          stdout);
}

int main(int argc, char **argv)
{
    /* The first word picks a command; anything else is the summary's file
     * (write ./exports to inspect a file named like a command). */
    if (argc >= 2)
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
    argv[0] = "objinspect";
    return cmd_summary(argc, argv);
}
