#include "engine/port.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/name.h"
#include "common/util.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What np_port_parse and np_port_format both insist on, so that a record
 * with a name a user could use to add a line (netns=g2\nifname=up0) is
 * never written nor read. */
static bool rate_valid(const struct np_net_rate *r)
{
	return !r->present || (r->average && r->average <= UINT64_MAX / 1000 &&
			       r->peak <= UINT64_MAX / 1000 && r->burst <= UINT32_MAX / 1024);
}

static bool port_valid(const struct np_port *p)
{
	if (!np_name_valid(NP_NAME_IFNAME, p->ifname) || !rate_valid(&p->bw.in) ||
	    !rate_valid(&p->bw.out))
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

/* One field of a rate: empty (0) or decimal digits that fit. */
static int rate_field(const char *s, size_t n, unsigned long long *ret)
{
	unsigned long long v = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9)
			return -EINVAL;
		if (v > (ULLONG_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int np_port_rate_parse(const char *what, const char *s, struct np_net_rate *ret,
		       struct np_err *err)
{
	static const char *const names[] = { "average", "peak", "burst" };
	unsigned long long v[3] = { 0 };
	const char *p = s;
	size_t k;
	int r;

	for (k = 0;; k++) {
		size_t n = strcspn(p, ",");

		if (k == 3)
			return np_err_set(err, -EINVAL,
					  "%s '%s': give AVERAGE[,PEAK[,BURST]]; a floor (a fourth "
					  "field) is not supported",
					  what, s);
		r = rate_field(p, n, &v[k]);
		if (r < 0)
			return np_err_set(err, -EINVAL, "%s '%s': the %s is %s", what, s, names[k],
					  r == -ERANGE ? "too large" : "not a decimal number");
		if (!p[n])
			break;
		p += n + 1;
	}
	if (!v[0])
		return np_err_set(err, -EINVAL, "%s '%s': the average is mandatory and must be > 0",
				  what, s);
	/* tc takes bytes per second in 64 bits and a burst of bytes in 32 */
	if (v[0] > UINT64_MAX / 1000 || v[1] > UINT64_MAX / 1000 || v[2] > UINT32_MAX / 1024)
		return np_err_set(err, -ERANGE,
				  "%s '%s': too large to shape (at most %llu KiB/s, a burst of at "
				  "most %u KiB)",
				  what, s, (unsigned long long)(UINT64_MAX / 1000),
				  (unsigned)(UINT32_MAX / 1024));
	*ret = (struct np_net_rate){ .present = true, .average = v[0], .peak = v[1], .burst = v[2] };
	return 0;
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
					    "peer", "netns",	"portgroup", "isolated",
					    "inbound", "outbound" };
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
		} else if (!strcmp(line, "inbound") || !strcmp(line, "outbound")) {
			if (np_port_rate_parse(line, v, line[0] == 'i' ? &p.bw.in : &p.bw.out,
					       NULL) < 0)
				return -EINVAL;
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
	if (p->bw.in.present)
		np_buf_addf(&b, "inbound=%llu,%llu,%llu\n", p->bw.in.average, p->bw.in.peak,
			    p->bw.in.burst);
	if (p->bw.out.present)
		np_buf_addf(&b, "outbound=%llu,%llu,%llu\n", p->bw.out.average, p->bw.out.peak,
			    p->bw.out.burst);
	*ret = np_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

void np_port_host_mac(const struct np_port *p, uint8_t ret[NP_MAC_LEN])
{
	memcpy(ret, p->mac, NP_MAC_LEN);
	ret[0] = 0xfe;
}
