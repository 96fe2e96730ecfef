/* The servers-file of a network's dnsmasq: upstream servers taken from
 * resolv.conf text. dnsmasq reading resolv.conf itself would take an inotify
 * instance per process (fs.inotify.max_user_instances, 128 per uid by
 * default, caps the number of networks); a servers-file takes none and is
 * re-read on SIGHUP. */
#include "dhcp/dhcp.h"

#include "common/addr.h"
#include "common/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Far more than any resolver uses (glibc reads 3); dnsmasq has no limit. */
#define MAX_SERVERS 64
/* IFNAMSIZ - 1 */
#define IFNAME_MAX 15

struct server {
	struct np_addr addr;
	char scope[IFNAME_MAX + 1];
};

/* An interface name as Linux accepts it (dev_valid_name), narrowed to what
 * cannot mean anything else after "server=ADDR%": '@' (source interface),
 * '#' (port or comment), ',' '/' '"' and blanks stay out. */
static bool valid_ifname(const char *s, size_t n)
{
	if (n == 0 || n > IFNAME_MAX || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.' || c == '+'))
			return false;
	}
	return true;
}

/* ADDR, or IPv6ADDR%IFNAME (a link-local server, as glibc and dnsmasq read
 * it). The address is parsed, never copied: the output is its canonical
 * form. */
static bool parse_server(const char *tok, size_t n, struct server *ret)
{
	char text[NP_ADDR_STRLEN];
	const char *pct = memchr(tok, '%', n);
	size_t alen = pct ? (size_t)(pct - tok) : n;

	*ret = (struct server){ 0 };
	if (alen == 0 || alen >= sizeof(text))
		return false;
	memcpy(text, tok, alen);
	text[alen] = '\0';
	if (np_addr_parse(text, pct ? AF_INET6 : 0, &ret->addr) < 0)
		return false;
	if (pct) {
		size_t slen = n - alen - 1;

		if (!valid_ifname(pct + 1, slen))
			return false;
		memcpy(ret->scope, pct + 1, slen);
		ret->scope[slen] = '\0';
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next blank-separated token of [*p, end); false at the line's end. */
static bool next_token(const char **p, const char *end, const char **ret, size_t *ret_n)
{
	const char *s = *p, *e;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return false;
	for (e = s; e < end && !is_blank(*e); e++)
		;
	*ret = s;
	*ret_n = (size_t)(e - s);
	*p = e;
	return true;
}

static bool seen(const struct server *list, size_t n, const struct server *s)
{
	for (size_t i = 0; i < n; i++)
		if (np_addr_equal(&list[i].addr, &s->addr) && !strcmp(list[i].scope, s->scope))
			return true;
	return false;
}

int np_dhcp_servers_render(const char *resolv_text, char **ret)
{
	struct server list[MAX_SERVERS];
	struct np_buf b = { 0 };
	const char *line = resolv_text ? resolv_text : "";
	size_t n = 0;
	char *s;

	/* dnsmasq's own reading of resolv.conf: per line, a first token
	 * "nameserver" and the address as the second; anything after it, and
	 * every other line (options, search, comments), is ignored. */
	while (*line && n < MAX_SERVERS) {
		const char *end = strchr(line, '\n'), *p = line, *tok;
		struct server srv;
		size_t len;

		if (!end)
			end = line + strlen(line);
		if (next_token(&p, end, &tok, &len) && len == 10 && !memcmp(tok, "nameserver", 10) &&
		    next_token(&p, end, &tok, &len) && parse_server(tok, len, &srv) &&
		    !seen(list, n, &srv))
			list[n++] = srv;
		line = *end ? end + 1 : end;
	}
	for (size_t i = 0; i < n; i++) {
		char a[NP_ADDR_STRLEN];

		np_buf_addf(&b, "server=%s%s%s\n", np_addr_str(&list[i].addr, a),
			    list[i].scope[0] ? "%" : "", list[i].scope);
	}
	s = np_buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return (int)n;
}
