#include "engine/port.h"

#include "common/buf.h"
#include "common/name.h"
#include "common/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What np_port_parse and np_port_format both insist on, so that a record
 * with a name a user could use to add a line (netns=g2\nifname=up0) is
 * never written nor read. */
static bool port_valid(const struct np_port *p)
{
	if (!np_name_valid(NP_NAME_IFNAME, p->ifname))
		return false;
	switch (p->type) {
	case NP_PORT_TAP:
		return p->owner >= -1 && p->owner < (long)UINT32_MAX;
	case NP_PORT_VETH:
		return np_name_valid(NP_NAME_IFNAME, p->peer) &&
		       np_name_valid(NP_NAME_NETNS, p->netns);
	}
	return false;
}

bool np_port_portgroup_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int set_name(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* "-1" (root only) or a uid in decimal, nothing else (strtol would take
 * "", " 7" and "+7"). */
static int parse_owner(const char *v, long *ret)
{
	if (!strcmp(v, "-1")) {
		*ret = -1;
		return 0;
	}
	if (!np_name_valid(NP_NAME_USER, v) || v[strspn(v, "0123456789")])
		return -EINVAL;
	*ret = strtol(v, NULL, 10);
	return 0;
}

int np_port_parse(const char *text, struct np_port *ret)
{
	static const char *const keys[] = { "type", "ifname",	"mac",	    "owner",
					    "peer", "netns",	"portgroup", "isolated" };
	enum { KEY_OWNER = 1u << 3, KEY_PEER = 1u << 4, KEY_NETNS = 1u << 5 };
	struct np_port p = { .owner = -1 };
	bool have_type = false, have_mac = false;
	unsigned seen = 0;
	char line[512];
	size_t k;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char *eq, *v;

		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (nl ? 1 : 0);
		if (!line[0])
			continue;
		eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		v = eq + 1;
		/* a key given twice is how an injected line would override */
		for (k = 0; k < NP_ARRAY_SIZE(keys) && strcmp(keys[k], line); k++)
			;
		if (k == NP_ARRAY_SIZE(keys) || (seen & (1u << k)))
			return -EINVAL;
		seen |= 1u << k;
		if (!strcmp(line, "type")) {
			if (!strcmp(v, "tap"))
				p.type = NP_PORT_TAP;
			else if (!strcmp(v, "veth"))
				p.type = NP_PORT_VETH;
			else
				return -EINVAL;
			have_type = true;
		} else if (!strcmp(line, "ifname")) {
			if (set_name(p.ifname, sizeof(p.ifname), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "peer")) {
			if (set_name(p.peer, sizeof(p.peer), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "netns")) {
			if (set_name(p.netns, sizeof(p.netns), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "owner")) {
			if (parse_owner(v, &p.owner) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "portgroup")) {
			if (!np_port_portgroup_valid(v) ||
			    set_name(p.portgroup, sizeof(p.portgroup), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "isolated")) {
			if (strcmp(v, "yes") && strcmp(v, "no"))
				return -EINVAL;
			p.isolated = !strcmp(v, "yes") ? 1 : 2;
		} else if (!strcmp(line, "mac")) {
			if (np_mac_parse(v, p.mac) < 0)
				return -EINVAL;
			have_mac = true;
		} else {
			return -EINVAL;
		}
	}
	if (!have_type || !have_mac || !port_valid(&p))
		return -EINVAL;
	/* the other type's keys have no meaning here: refuse, not ignore */
	if (p.type == NP_PORT_TAP ? (seen & (KEY_PEER | KEY_NETNS)) : (seen & KEY_OWNER))
		return -EINVAL;
	*ret = p;
	return 0;
}

int np_port_format(const struct np_port *p, char **ret)
{
	struct np_buf b = { 0 };
	char mac[NP_MAC_STRLEN];

	if (!port_valid(p))
		return -EINVAL;
	np_buf_addf(&b, "type=%s\nifname=%s\nmac=%s\n", p->type == NP_PORT_TAP ? "tap" : "veth",
		    p->ifname, np_mac_str(p->mac, mac));
	if (p->type == NP_PORT_TAP)
		np_buf_addf(&b, "owner=%ld\n", p->owner);
	else
		np_buf_addf(&b, "peer=%s\nnetns=%s\n", p->peer, p->netns);
	if (p->portgroup[0])
		np_buf_addf(&b, "portgroup=%s\n", p->portgroup);
	if (p->isolated)
		np_buf_addf(&b, "isolated=%s\n", p->isolated == 1 ? "yes" : "no");
	*ret = np_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

void np_port_host_mac(const struct np_port *p, uint8_t ret[NP_MAC_LEN])
{
	memcpy(ret, p->mac, NP_MAC_LEN);
	ret[0] = 0xfe;
}
