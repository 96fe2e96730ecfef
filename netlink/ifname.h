/* Interface-name validation shared by the netlink and sysctl code of this
 * module (no libnl here, so sysctl.c can use it). */
#pragma once

#include <stdbool.h>

/* The kernel's own rule (dev_valid_name): 1..15 bytes, not "." or "..", no
 * '/', ':' or whitespace. We also refuse control characters, because names
 * end up in /proc paths and in error messages. */
bool np_ifname_valid(const char *ifname);
