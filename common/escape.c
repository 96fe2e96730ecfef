#include "common/escape.h"

#include "common/buf.h"

#include <stdio.h>
#include <string.h>

static bool cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t np_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	/* 0x80..0xc1: a continuation byte, or an overlong 2-byte form */
	if (p[0] < 0xc2)
		return 0;
	if (p[0] < 0xe0)
		return cont(p[1]) ? 2 : 0;
	if (p[0] < 0xf0) {
		if (!cont(p[1]) || !cont(p[2]))
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0; /* overlong, or a UTF-16 surrogate */
		return 3;
	}
	if (p[0] < 0xf5) {
		if (!cont(p[1]) || !cont(p[2]) || !cont(p[3]))
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0; /* overlong, or past U+10FFFF */
		return 4;
	}
	return 0;
}

bool np_term_ctrl_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (!p[0])
		return false;
	if (p[0] < 0x20 || p[0] == 0x7f)
		return true;
	if (p[0] < 0x80)
		return false;
	n = np_utf8_len(s);
	return n == 0 || (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f);
}

/* How many bytes the control or character at s spans (s is not at NUL). */
static size_t step(const char *s)
{
	size_t n = np_utf8_len(s);

	return n ? n : 1;
}

static void add_hex(struct np_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		np_buf_addf(b, "\\x%02x", (unsigned char)s[i]);
}

static bool bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_@%+=:,./-", c));
}

void np_shell_quote(struct np_buf *b, const char *s)
{
	bool plain = *s, ctrl = false;
	const char *p;

	for (p = s; *p; p += step(p)) {
		if (np_term_ctrl_at(p))
			ctrl = true;
		if (!bare(*p))
			plain = false;
	}
	if (plain) {
		np_buf_add(b, s);
		return;
	}
	if (!ctrl) {
		np_buf_addc(b, '\'');
		for (p = s; *p; p++)
			if (*p == '\'')
				np_buf_add(b, "'\\''");
			else
				np_buf_addc(b, *p);
		np_buf_addc(b, '\'');
		return;
	}
	/* $'...': nothing but printable text between the quotes, and no ' \ !
	 * either, so neither the end of the word nor history expansion depends
	 * on how a shell reads backslashes there. */
	np_buf_add(b, "$'");
	for (p = s; *p;) {
		size_t n = step(p);

		if (np_term_ctrl_at(p) || *p == '\'' || *p == '\\' || *p == '!')
			add_hex(b, p, n);
		else
			np_buf_addn(b, p, n);
		p += n;
	}
	np_buf_addc(b, '\'');
}

void np_term_escape(struct np_buf *b, const char *s)
{
	for (const char *p = s; *p;) {
		unsigned char c = (unsigned char)*p;
		size_t n = np_utf8_len(p);

		if (!np_term_ctrl_at(p))
			np_buf_addn(b, p, n);
		else if (c == '\n')
			np_buf_add(b, "\\n");
		else if (c == '\r')
			np_buf_add(b, "\\r");
		else if (c == '\t')
			np_buf_add(b, "\\t");
		else if (n == 2) /* a C1 control */
			np_buf_addf(b, "\\u%04x", (unsigned)(((c & 0x1f) << 6) | (p[1] & 0x3f)));
		else
			add_hex(b, p, 1);
		p += n ? n : 1;
	}
}

const char *np_term_str(const char *s, char *buf, size_t len)
{
	struct np_buf b = { 0 };
	const char *p;
	size_t n;

	for (p = s; *p && !np_term_ctrl_at(p); p += step(p))
		;
	if (!*p)
		return s;
	if (len < 4)
		return "";
	np_term_escape(&b, s);
	if (b.oom) {
		np_buf_free(&b);
		snprintf(buf, len, "...");
		return buf;
	}
	n = b.len;
	if (n >= len) {
		/* cut at a character boundary, and leave room for "..." */
		n = len - 4;
		while (n && cont((unsigned char)b.data[n]))
			n--;
		memcpy(buf, b.data, n);
		memcpy(buf + n, "...", 4);
	} else {
		memcpy(buf, b.data, n + 1);
	}
	np_buf_free(&b);
	return buf;
}
