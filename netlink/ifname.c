#include "netlink/ifname.h"

#include <net/if.h>
#include <string.h>

bool np_ifname_valid(const char *ifname)
{
	size_t n;

	if (!ifname)
		return false;
	n = strlen(ifname);
	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	if (strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)ifname; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
			return false;
	return true;
}
