/* text_out.h - the `devports list` table: aligned columns, grouped by port range. */
#ifndef DEVPORTS_TEXT_OUT_H
#define DEVPORTS_TEXT_OUT_H

#include <stdio.h>

#include "snapshot.h"

struct config;

/* Writes the table: one row per listener with its LABEL ("?" after a guess from the port number,
 * "!" when it has hints), then, when any listener has hints, a "Hints" section with each in full.
 * cfg (may be NULL) supplies labels and expected owners. width > 0 cuts each line to that many
 * columns (a terminal); 0 never cuts (a pipe). Returns 0, -EIO when writing failed, or -ENOMEM. */
int text_out_table(FILE *out, const struct snapshot *s, const struct config *cfg, int width);

#endif
