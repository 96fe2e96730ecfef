#include "common/err.h"

#include <stdio.h>
#include <string.h>

/* Keeps a message on one line and free of terminal controls: C0, DEL and
 * the UTF-8 form of C1 (0xC2 0x80..0x9F; U+009B starts escape sequences). */
static void one_line(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p[0] = p[1] = '?';
	}
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
