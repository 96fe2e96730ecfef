/* Writes one sysctl through /proc/sys (per network namespace). key uses dots,
 * "net.ipv6.conf.virbr0.disable_ipv6"; interface names with dots are handled
 * by np_sysctl_set_if(). */
#pragma once

int np_sysctl_set(const char *key, const char *value);
/* net.ipv4.conf.IF.KEY / net.ipv6.conf.IF.KEY: family 4 or 6. */
int np_sysctl_set_if(int family, const char *ifname, const char *leaf, const char *value);
