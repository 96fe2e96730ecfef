#include "common/json.h"

#include "common/buf.h"

void np_json_str(struct np_buf *b, const char *s)
{
	if (!s) {
		np_buf_add(b, "null");
		return;
	}
	np_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			np_buf_addf(b, "\\%c", *p);
		else if (*p == '\n')
			np_buf_add(b, "\\n");
		else if (*p == '\t')
			np_buf_add(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			np_buf_addf(b, "\\u%04x", *p);
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			/* C1 controls (U+009B is CSI), for JSON read on a terminal */
			np_buf_addf(b, "\\u%04x", *++p);
		else
			np_buf_addc(b, (char)*p);
	}
	np_buf_addc(b, '"');
}

static void key(struct np_buf *b, bool first, const char *k)
{
	if (!first)
		np_buf_add(b, ", ");
	np_json_str(b, k);
	np_buf_add(b, ": ");
}

void np_json_kv(struct np_buf *b, bool first, const char *k, const char *value)
{
	key(b, first, k);
	np_json_str(b, value);
}

void np_json_kb(struct np_buf *b, bool first, const char *k, bool value)
{
	key(b, first, k);
	np_buf_add(b, value ? "true" : "false");
}

void np_json_kn(struct np_buf *b, bool first, const char *k, long long value)
{
	key(b, first, k);
	np_buf_addf(b, "%lld", value);
}
