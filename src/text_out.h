/* text_out.h - the `devports list` table: aligned columns, grouped by port range. */
#ifndef DEVPORTS_TEXT_OUT_H
#define DEVPORTS_TEXT_OUT_H

#include <stdio.h>

#include "snapshot.h"

/* Writes the table. width > 0 cuts each line to that many columns (a terminal); 0 never cuts
 * (a pipe). Returns 0, or -EIO when writing failed. */
int text_out_table(FILE *out, const struct snapshot *s, int width);

#endif
