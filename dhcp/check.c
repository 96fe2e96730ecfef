#include "dhcp/dhcp_priv.h"

#include "common/err.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

int np_dhcp_check_line(const char *what, const char *value, struct np_err *err)
{
	for (const char *p = value; *p; p++)
		if (is_control((unsigned char)*p))
			return np_err_set(err, -EINVAL,
					  "%s '%s': newline or control character not allowed in "
					  "the dnsmasq configuration",
					  what, value);
	return 0;
}

int np_dhcp_check(const char *what, const char *value, const char *forbid, struct np_err *err)
{
	bool blank = true; /* dnsmasq's comment rule: '#' at line start or after a blank */
	int r;

	r = np_dhcp_check_line(what, value, err);
	if (r < 0)
		return r;
	for (const char *p = value; *p; p++) {
		if (*p == '"' || (*p == '#' && blank) || (*p && strchr(forbid, *p)))
			return np_err_set(err, -EINVAL,
					  "%s '%s': character '%c' not allowed here (dnsmasq would "
					  "read it as a separator, quote or comment)",
					  what, value, *p);
		blank = *p == ' ';
	}
	return 0;
}

void np_dhcp_lease_str(const struct np_lease *lease, char out[32])
{
	char unit = 'm';

	if (lease->expiry == 0) {
		snprintf(out, 32, "infinite");
		return;
	}
	switch (lease->unit) {
	case NP_LEASE_SECONDS:
		unit = 's';
		break;
	case NP_LEASE_MINUTES:
		unit = 'm';
		break;
	case NP_LEASE_HOURS:
		unit = 'h';
		break;
	}
	snprintf(out, 32, "%lu%c", lease->expiry, unit);
}
