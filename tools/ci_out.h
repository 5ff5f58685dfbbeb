/*
 * Output for CI services, shared by `check` and `diff`: SARIF 2.1.0 (for
 * code-scanning services) and JUnit XML. SARIF is written as JSON through
 * out.h's writer; JUnit needs XML escaping, which lives here.
 */
#ifndef OI_TOOLS_CI_OUT_H
#define OI_TOOLS_CI_OUT_H

#include "out.h"

#include <stdio.h>

/* Write s as XML character data or an attribute value: & < > " ' are
 * entities, valid UTF-8 passes, and any byte XML 1.0 cannot carry (control
 * characters, invalid UTF-8) is written as the text \xNN. */
void xml_escaped(FILE *o, const char *s);

/* A file path as a SARIF artifactLocation uri: a relative path stays
 * relative, an absolute one becomes file://; bytes outside the URI's
 * unreserved set (and '/') are percent-encoded. Written as a JSON value. */
void sarif_uri(json *j, const char *key, const char *path);

/* The opening of a SARIF log up to the rules array of the driver (the
 * caller writes the rules, then calls sarif_begin_results). */
void sarif_begin(json *j);
void sarif_begin_results(json *j);
/* Close the results, write the invocation (with the notifications the
 * caller spooled to notes, JSON objects separated by commas; NULL: none)
 * and close the log. */
void sarif_end(json *j, bool success, int exit_code, FILE *notes);

/* Copy a spooled file to o. */
void spool_copy(FILE *o, FILE *spool);

#endif
