/* virsh's table layout (vshTablePrint): each cell is preceded by one space,
 * columns are padded to their widest cell plus two spaces, the last column
 * is not padded, and the header is underlined by sum(width + 3) dashes. */
#pragma once

#include <stddef.h>
#include <stdio.h>

struct np_table;

int np_table_new(size_t ncols, const char *const *header, struct np_table **ret);
void np_table_free(struct np_table *t);
/* Copies the ncols cells, escaped for the terminal (np_term_escape). */
int np_table_add(struct np_table *t, const char *const *cells);
void np_table_print(const struct np_table *t, FILE *out);
