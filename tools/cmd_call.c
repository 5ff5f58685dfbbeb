/* placeholder, filled in below */
#include "cli.h"
int cmd_call(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
