#include "common/err.h"

#include <stdio.h>
#include <string.h>

static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
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
	err->msg[0] = '\0';
	strncat(err->msg, prefix, sizeof(err->msg) - 1);
	if (old[0]) {
		strncat(err->msg, ": ", sizeof(err->msg) - 1 - strlen(err->msg));
		strncat(err->msg, old, sizeof(err->msg) - 1 - strlen(err->msg));
	}
	one_line(err->msg);
}
