#include "cli/table.h"

#include "common/buf.h"
#include "common/escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct np_table {
	size_t ncols;
	size_t nrows; /* row 0 is the header */
	char **cells;
};

int np_table_new(size_t ncols, const char *const *header, struct np_table **ret)
{
	struct np_table *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->ncols = ncols;
	r = np_table_add(t, header);
	if (r < 0) {
		np_table_free(t);
		return r;
	}
	*ret = t;
	return 0;
}

void np_table_free(struct np_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

int np_table_add(struct np_table *t, const char *const *cells)
{
	char **grown = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	t->cells = grown;
	for (size_t c = 0; c < t->ncols; c++) {
		struct np_buf b = { 0 };

		/* Cells hold names and lease-file fields: shown escaped, never
		 * as terminal controls. */
		np_term_escape(&b, cells[c] ? cells[c] : "");
		grown[t->nrows * t->ncols + c] = np_buf_steal(&b);
		if (!grown[t->nrows * t->ncols + c]) {
			while (c-- > 0)
				free(grown[t->nrows * t->ncols + c]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

/* Display width in columns; virsh counts characters, not bytes. */
static size_t width(const char *s)
{
	mbstate_t st = { 0 };
	size_t n = 0, len = strlen(s);

	while (len) {
		size_t k = mbrlen(s, len, &st);

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			k = 1;
		s += k;
		len -= k;
		n++;
	}
	return n;
}

void np_table_print(const struct np_table *t, FILE *out)
{
	size_t *maxw = calloc(t->ncols, sizeof(*maxw));

	if (!maxw)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = width(t->cells[r * t->ncols + c]);

			if (w > maxw[c])
				maxw[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			fputc(' ', out);
			fputs(cell, out);
			if (c + 1 < t->ncols)
				for (size_t k = width(cell); k < maxw[c] + 2; k++)
					fputc(' ', out);
		}
		fputc('\n', out);
		if (r == 0) {
			for (size_t c = 0; c < t->ncols; c++)
				for (size_t k = 0; k < maxw[c] + 3; k++)
					fputc('-', out);
			fputc('\n', out);
		}
	}
	free(maxw);
}
