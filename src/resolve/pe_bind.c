#include "resolve.h"
void rs_pe_setup(oi_bind *b, oi_file *root) { (void)b; (void)root; }
void rs_pe_closure(oi_bind *b) { (void)b; }
void rs_pe_bind(oi_bind *b) { (void)b; }
