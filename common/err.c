#include "common/err.h"

#include "common/escape.h"

#include <stdio.h>
#include <string.h>

/* Keeps a message on one line and free of terminal controls (C0, DEL, C1
 * such as U+009B, which starts escape sequences): they are shown escaped. */
static void one_line(char *s)
{
	char esc[NP_ERR_MAX];
	const char *e = np_term_str(s, esc, sizeof(esc));

	if (e != s)
		memcpy(s, e, strlen(e) + 1);
}

int np_err_setv(struct np_err *err, int ret, const char *fmt, va_list ap)
{
	if (!err || err->msg[0])
		return ret;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	one_line(err->msg);
	return ret;
}

int np_err_set(struct np_err *err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	np_err_setv(err, ret, fmt, ap);
	va_end(ap);
	return ret;
}

void np_err_prefix(struct np_err *err, const char *fmt, ...)
{
	char prefix[NP_ERR_MAX], old[NP_ERR_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is acceptable: the message is for people, and it stays
	 * NUL-terminated. */
	size_t n = 0;

	for (const char *parts[] = { prefix, old[0] ? ": " : "", old }, **p = parts;
	     p < parts + 3; p++)
		for (const char *c = *p; *c && n + 1 < sizeof(err->msg); c++)
			err->msg[n++] = *c;
	err->msg[n] = '\0';
	one_line(err->msg);
}
