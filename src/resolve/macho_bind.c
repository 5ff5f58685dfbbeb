#include "resolve.h"
void rs_macho_closure(oi_bind *b) { (void)b; }
void rs_macho_bind(oi_bind *b) { (void)b; }
