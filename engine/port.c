#include "engine/port.h"

#include "common/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool np_port_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
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

static bool netns_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x20 || *s == 0x7f)
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

int np_port_parse(const char *text, struct np_port *ret)
{
	struct np_port p = { .owner = -1 };
	bool have_type = false, have_mac = false;
	char line[512];

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
		if (!strcmp(line, "type")) {
			if (!strcmp(v, "tap"))
				p.type = NP_PORT_TAP;
			else if (!strcmp(v, "veth"))
				p.type = NP_PORT_VETH;
			else
				return -EINVAL;
			have_type = true;
		} else if (!strcmp(line, "ifname")) {
			if (!np_port_name_valid(v) || set_name(p.ifname, sizeof(p.ifname), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "peer")) {
			if (!np_port_name_valid(v) || set_name(p.peer, sizeof(p.peer), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "netns")) {
			if (!netns_valid(v) || set_name(p.netns, sizeof(p.netns), v) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "owner")) {
			char *end;

			p.owner = strtol(v, &end, 10);
			if (*end || p.owner < -1)
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
	if (!have_type || !have_mac || !p.ifname[0])
		return -EINVAL;
	if (p.type == NP_PORT_VETH && (!p.peer[0] || !p.netns[0]))
		return -EINVAL;
	*ret = p;
	return 0;
}

int np_port_format(const struct np_port *p, char **ret)
{
	struct np_buf b = { 0 };
	char mac[NP_MAC_STRLEN];

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
