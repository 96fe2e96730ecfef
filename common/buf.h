/* A growable string. Appends never fail loudly: the first allocation failure
 * marks the buffer broken and np_buf_steal() then returns NULL (-ENOMEM at the
 * caller), so renderers can append freely and check once at the end. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct np_buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void np_buf_add(struct np_buf *b, const char *s);
void np_buf_addn(struct np_buf *b, const char *s, size_t n);
void np_buf_addf(struct np_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void np_buf_addc(struct np_buf *b, char c);
/* Returns the NUL-terminated string (owned by the caller; "" for an empty
 * buffer) or NULL after an allocation failure. Resets the buffer. */
char *np_buf_steal(struct np_buf *b);
void np_buf_free(struct np_buf *b);
static inline const char *np_buf_str(const struct np_buf *b)
{
	return b->data ? b->data : "";
}
