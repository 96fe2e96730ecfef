/* Command-line names through the validator, the shell quoting and the
 * terminal escaping (issue 20). The first byte picks the kind of name
 * (enum np_name_kind, modulo), the rest (up to a NUL) is the name. Checked:
 *  - a name the validator passes has no control character (C0, DEL, C1), no
 *    byte that is not UTF-8, no '/', is not empty, "." or "..", and fits its
 *    limit; an interface name is [A-Za-z0-9_.-] only; a network name passes
 *    exactly when the XML's <name> check passes; a numeric user is a uid;
 *  - np_name_check agrees and its message is one line without controls;
 *  - np_shell_quote's word holds no control and reads back (by the quoting
 *    grammar, no shell involved) as exactly the name;
 *  - np_term_escape leaves no control and changes nothing else;
 *  - a port record with the name as netns, ifname and peer is written only
 *    when they are valid, and reads back as written. */
#include "fuzz/fuzz-names.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/escape.h"
#include "common/name.h"
#include "common/util.h"
#include "engine/port.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void failf(const char *s, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void failf(const char *s, const char *fmt, ...)
{
	struct np_buf b = { 0 };
	va_list ap;

	fputs("np_fuzz_names: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	np_term_escape(&b, s);
	fprintf(stderr, " (name: '%s')\n", np_buf_str(&b));
	np_buf_free(&b);
	abort();
}

static bool has_ctrl(const char *s)
{
	for (const char *p = s; *p; p += np_utf8_len(p) ? np_utf8_len(p) : 1)
		if (np_term_ctrl_at(p))
			return true;
	return false;
}

static bool bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_@%+=:,./-", c));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads one shell word in the forms np_shell_quote writes (bare
 * characters, '...', \' and $'...' with \xHH only) the way bash does; NULL
 * when q is not such a word. */
static char *unquote(const char *q)
{
	struct np_buf b = { 0 };
	const char *p = q;

	while (*p) {
		if (bare(*p)) {
			np_buf_addc(&b, *p++);
		} else if (p[0] == '\\' && p[1] == '\'') {
			np_buf_addc(&b, '\'');
			p += 2;
		} else if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				goto bad;
			np_buf_addn(&b, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if (p[0] == '$' && p[1] == '\'') {
			for (p += 2; *p != '\''; p++) {
				if (!*p || *p == '!')
					goto bad;
				if (*p == '\\') {
					int hi, lo;

					if (p[1] != 'x' || (hi = hexval(p[2])) < 0 || (lo = hexval(p[3])) < 0)
						goto bad;
					np_buf_addc(&b, (char)(hi << 4 | lo));
					p += 3;
				} else {
					np_buf_addc(&b, *p);
				}
			}
			p++;
		} else {
			goto bad;
		}
	}
	return np_buf_steal(&b);
bad:
	np_buf_free(&b);
	return NULL;
}

static void check_valid_name(enum np_name_kind kind, const char *s)
{
	size_t n = strlen(s);

	if (!n || !strcmp(s, ".") || !strcmp(s, ".."))
		failf(s, "kind %d: empty, '.' or '..' passed", kind);
	if (has_ctrl(s))
		failf(s, "kind %d: a control character or non-UTF-8 byte passed", kind);
	if (strchr(s, '/'))
		failf(s, "kind %d: '/' passed", kind);
	if (n > (kind == NP_NAME_IFNAME ? NP_NAME_IFNAME_MAX : NP_NAME_MAX))
		failf(s, "kind %d: %zu bytes passed", kind, n);
	switch (kind) {
	case NP_NAME_IFNAME:
		if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")])
			failf(s, "interface name with a character outside [A-Za-z0-9_.-] passed");
		break;
	case NP_NAME_USER:
		if (!s[strspn(s, "0123456789")]) {
			uint64_t v = 0;

			/* saturating: leading zeros are allowed, overflow is not */
			for (const char *p = s; *p; p++)
				v = v > UINT32_MAX ? v : v * 10 + (uint64_t)(*p - '0');
			if (v >= UINT32_MAX)
				failf(s, "uid out of range passed");
		}
		break;
	case NP_NAME_NETWORK:
	case NP_NAME_NETNS:
		break;
	}
}

/* The XML's <name> check is the command line's: they must agree. */
static void check_network_agrees(const char *s, bool valid)
{
	struct np_net net = { .name = (char *)s };
	struct np_err err = { { 0 } };
	bool xml_ok = np_net_validate(&net, "fuzz.xml", &err) == 0;

	if (xml_ok != valid)
		failf(s, "np_name_valid says %d, np_net_validate says %d (%s)", valid, xml_ok,
		      err.msg);
}

static void check_quote(const char *s)
{
	struct np_buf b = { 0 };
	_np_free_ char *q = NULL, *back = NULL;

	np_shell_quote(&b, s);
	q = np_buf_steal(&b);
	if (!q)
		return;
	if (!*q || has_ctrl(q))
		failf(s, "quoted word is empty or holds a control: %s", q);
	back = unquote(q);
	if (!back)
		failf(s, "quoted word is not in the quoting grammar: %s", q);
	if (strcmp(back, s))
		failf(s, "quoted word reads back differently: %s", q);
}

static void check_escape(const char *s)
{
	struct np_buf b = { 0 };
	_np_free_ char *e = NULL;
	char small[24];
	const char *t;

	np_term_escape(&b, s);
	e = np_buf_steal(&b);
	if (!e)
		return;
	if (has_ctrl(e))
		failf(s, "np_term_escape left a control");
	if (!has_ctrl(s) && strcmp(e, s))
		failf(s, "np_term_escape changed a name without controls");
	t = np_term_str(s, small, sizeof(small));
	if (has_ctrl(t) || (t != s && strlen(t) >= sizeof(small)))
		failf(s, "np_term_str gave a control or overflowed");
}

static void check_port(const char *s)
{
	struct np_port p = { .type = NP_PORT_VETH, .owner = -1, .mac = { 0x52, 0x54, 0, 0, 0, 1 } };
	struct np_port back;
	_np_free_ char *text = NULL;
	bool want;

	snprintf(p.ifname, sizeof(p.ifname), "%s", strlen(s) < sizeof(p.ifname) ? s : "vnet0");
	snprintf(p.peer, sizeof(p.peer), "%s", strlen(s) < sizeof(p.peer) ? s : "eth0");
	if (strlen(s) >= sizeof(p.netns))
		return;
	memcpy(p.netns, s, strlen(s) + 1);
	want = np_name_valid(NP_NAME_IFNAME, p.ifname) && np_name_valid(NP_NAME_IFNAME, p.peer) &&
	       np_name_valid(NP_NAME_NETNS, p.netns);
	if ((np_port_format(&p, &text) == 0) != want)
		failf(s, "port record written %s", want ? "refused" : "with an invalid name");
	if (!text)
		return;
	if (np_port_parse(text, &back) < 0 || strcmp(back.netns, p.netns) ||
	    strcmp(back.ifname, p.ifname) || strcmp(back.peer, p.peer) || back.type != p.type)
		failf(s, "port record does not read back: %s", text);
}

int np_fuzz_names(const uint8_t *data, size_t size)
{
	_np_free_ char *s = NULL;
	enum np_name_kind kind;
	struct np_err err = { { 0 } };
	const char *why;
	int r;

	if (!size)
		return 0;
	kind = (enum np_name_kind)(data[0] % (NP_NAME_USER + 1));
	s = strndup((const char *)data + 1, size - 1);
	if (!s)
		return 0;
	why = np_name_problem(kind, s);
	if (!why)
		check_valid_name(kind, s);
	if (kind == NP_NAME_NETWORK)
		check_network_agrees(s, !why);
	r = np_name_check(kind, "fuzz: --name", s, &err);
	if ((r == 0) != !why || (r < 0 && (!err.msg[0] || has_ctrl(err.msg))))
		failf(s, "np_name_check disagrees or printed a control: %s", err.msg);
	check_quote(s);
	check_escape(s);
	check_port(s);
	return 0;
}
