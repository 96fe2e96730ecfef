#include "common/name.h"

#include "common/err.h"
#include "common/escape.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static bool ifname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool dot_or_dotdot(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..");
}

/* NULL, or the problem with a C0/DEL/C1 control or a byte that is not
 * UTF-8 (the XML parser guarantees UTF-8; a name on the command line may
 * hold anything). */
static const char *text_problem(const char *s)
{
	for (const char *p = s; *p;) {
		size_t n = np_utf8_len(p);

		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "contains a newline or control character";
		if (!n)
			return "is not valid UTF-8";
		if (np_term_ctrl_at(p))
			return "contains a C1 control character (U+0080-U+009F)";
		p += n;
	}
	return NULL;
}

/* The store names files after the network, bytes outside [A-Za-z0-9_.-]
 * percent-encoded (np_plan_file_name), plus a suffix of up to 10 bytes: that
 * must fit the file system's 255-byte names. */
static size_t encoded_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ifname_char(*s) ? 1 : 3;
	return n;
}

static const char *user_problem(const char *s)
{
	size_t n = strlen(s);

	if (s[strspn(s, "0123456789")] == '\0') {
		uint64_t v = 0;

		/* (uid_t)-1 means "no change" to chown and friends */
		for (const char *p = s; *p && v <= UINT32_MAX; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		return v >= UINT32_MAX ? "is a uid out of range" : NULL;
	}
	if (s[0] == '-')
		return "starts with '-'";
	if (s[n - 1] == '$' && n > 1)
		n--;
	for (size_t i = 0; i < n; i++)
		if (!ifname_char(s[i]) && s[i] != '@')
			return "may only contain A-Z a-z 0-9 _ . @ - (and a final $), or be a uid";
	return NULL;
}

const char *np_name_problem(enum np_name_kind kind, const char *s)
{
	size_t n = strlen(s);
	const char *why;

	if (!n)
		return "is empty";
	switch (kind) {
	case NP_NAME_IFNAME:
		if (n > NP_NAME_IFNAME_MAX)
			return "longer than 15 bytes";
		if (dot_or_dotdot(s))
			return "cannot be '.' or '..'";
		for (const char *p = s; *p; p++)
			if (!ifname_char(*p))
				return "may only contain A-Z a-z 0-9 _ . -";
		return NULL;
	case NP_NAME_NETWORK:
	case NP_NAME_NETNS:
		if (n > NP_NAME_MAX)
			return "longer than 255 bytes";
		if (strchr(s, '/'))
			return "contains '/'";
		if ((why = text_problem(s)))
			return why;
		if (dot_or_dotdot(s))
			return "cannot be '.' or '..'";
		if (kind == NP_NAME_NETWORK && encoded_len(s) > 240)
			return "too long to be stored (at most 240 bytes once bytes outside "
			       "A-Z a-z 0-9 _ . - count three)";
		return NULL;
	case NP_NAME_USER:
		if (n > NP_NAME_MAX)
			return "longer than 255 bytes";
		if (dot_or_dotdot(s))
			return "cannot be '.' or '..'";
		return user_problem(s);
	}
	return "is of an unknown kind";
}

int np_name_check(enum np_name_kind kind, const char *what, const char *s,
		  struct np_err *err)
{
	static const char *const kinds[] = {
		[NP_NAME_NETWORK] = "network name",
		[NP_NAME_IFNAME] = "interface name",
		[NP_NAME_NETNS] = "namespace name",
		[NP_NAME_USER] = "user name or uid",
	};
	char buf[NP_TERM_MAX];
	const char *why = s ? np_name_problem(kind, s) : "is missing";

	if (!why)
		return 0;
	return np_err_set(err, -EINVAL, "%s '%s': %s %s", what,
			  s ? np_term_str(s, buf, sizeof(buf)) : "", kinds[kind], why);
}
