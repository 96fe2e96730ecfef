/* One user-facing error message, filled by the layer that knows the context
 * (file, line, element, value) and printed once by the CLI. */
#pragma once

#include <stdarg.h>

#define NP_ERR_MAX 1024

struct np_err {
	char msg[NP_ERR_MAX];
};

/* Formats into err (if non-NULL) unless a message is already set, so the
 * innermost, most precise message wins. Returns ret so callers can write
 * `return np_err_set(err, -EINVAL, "...")`. Newlines and other terminal controls
 * in the result are escaped (np_term_escape) so the message stays on one
 * line and cannot drive the terminal. */
int np_err_set(struct np_err *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int np_err_setv(struct np_err *err, int ret, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prepends "prefix: " to an existing message (or sets it when empty). */
void np_err_prefix(struct np_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int np_err_isset(const struct np_err *err)
{
	return err && err->msg[0];
}
