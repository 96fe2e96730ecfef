/* Writes one sysctl through /proc/sys (per network namespace). key uses dots,
 * "net.ipv6.conf.virbr0.disable_ipv6". In net.ipv{4,6}.conf.IF.LEAF keys the
 * interface is everything between "conf." and the last dot, so
 * "net.ipv4.conf.eth0.10.rp_filter" works; np_sysctl_set_if() takes the name
 * apart and also accepts names with other characters. */
#pragma once

#include <stddef.h>

/* key: dot-separated components of [A-Za-z0-9_-]; value: 1..255 printable
 * ASCII characters. -EINVAL for anything else, -ENOENT for an unknown key. */
int np_sysctl_set(const char *key, const char *value);
/* net.ipv4.conf.IF.KEY / net.ipv6.conf.IF.KEY: family 4 or 6. */
int np_sysctl_set_if(int family, const char *ifname, const char *leaf, const char *value);

/* The /proc/sys path the two calls above write (pure; used by the tests).
 * -EINVAL for a bad key/ifname/leaf/family, -ENAMETOOLONG when buf is short. */
int np_sysctl_path(const char *key, char *buf, size_t size);
int np_sysctl_path_if(int family, const char *ifname, const char *leaf, char *buf, size_t size);
