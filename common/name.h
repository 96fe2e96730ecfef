/* The one check for every name a user gives netplumb, on the command line or
 * in a port record: a name that passes can go into a file name, a
 * "key=value" line, a netlink request, an error message and (quoted) a shell
 * command without changing what they mean.
 *
 *  NP_NAME_NETWORK  what <name> of the XML accepts (xml/validate.c uses it):
 *                   1..255 bytes of UTF-8, no '/', no C0, DEL or C1 control,
 *                   not "." or "..", and short enough once percent-encoded
 *                   for the store's file names (240 bytes, see check below).
 *  NP_NAME_IFNAME   an interface netplumb creates or names (bridge, port,
 *                   veth peer): 1..15 bytes of [A-Za-z0-9_.-], not "." or
 *                   "..". Narrower than the kernel (which takes any byte
 *                   but '/', ':', NUL and blanks) so that names stay inert
 *                   in nft rules, dnsmasq's config and `ip` commands; the
 *                   XML's bridge names follow the same rule.
 *  NP_NAME_NETNS    a named network namespace (/run/netns/NAME): what
 *                   `ip netns add` takes (1..255 bytes, no '/', not "." or
 *                   ".."), and also UTF-8 without C0, DEL or C1 controls, so
 *                   it can neither add a line to a port record nor reach a
 *                   terminal as an escape sequence. Shell characters are
 *                   allowed; `plan` quotes them.
 *  NP_NAME_USER     a tap's owner: a uid (digits, at most 4294967294), or a
 *                   user name of 1..255 bytes of [A-Za-z0-9_.@-] with an
 *                   optional final '$', not starting with '-' (the portable
 *                   set of useradd plus '@' for directory users). */
#pragma once

#include <stdbool.h>

struct np_err;

enum np_name_kind {
	NP_NAME_NETWORK,
	NP_NAME_IFNAME,
	NP_NAME_NETNS,
	NP_NAME_USER,
};

#define NP_NAME_IFNAME_MAX 15
#define NP_NAME_MAX 255

/* NULL when s is acceptable, else why not, as a phrase that follows the
 * name's description ("network name" "contains '/'"). */
const char *np_name_problem(enum np_name_kind kind, const char *s);
static inline bool np_name_valid(enum np_name_kind kind, const char *s)
{
	return s && !np_name_problem(kind, s);
}
/* 0, or -EINVAL with one line in err naming what (the option, e.g.
 * "port-add: --veth") and the value, escaped (np_term_str):
 * "WHAT 'VALUE': KIND PROBLEM". */
int np_name_check(enum np_name_kind kind, const char *what, const char *s,
		  struct np_err *err);
