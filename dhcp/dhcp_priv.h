/* Helpers shared by the dnsmasq renderers in dhcp/ (no other module uses
 * them). */
#pragma once

#include <stdbool.h>

struct np_err;
struct np_lease;

/* Character sets a user string may not hold, beyond what np_dhcp_check()
 * always refuses. */
/* A name inside a comma-separated dnsmasq field (hostnames, domains, SRV
 * parts): ',' starts a new field, ' ' ends a name in a hosts file and '#'
 * starts a comment there, '/' splits server=/domain/ and local=/domain/. */
#define NP_DHCP_FORBID_NAME " ,/#"
/* A value dnsmasq takes as one comma-separated field (tftp-root, dhcp-boot
 * file, DHCPv6 client id, file paths). */
#define NP_DHCP_FORBID_FIELD ","
/* txt-record values: dnsmasq splits them at commas into several strings,
 * which is how libvirt users write multi-string records, so commas stay. */
#define NP_DHCP_FORBID_NONE ""

/* 0, or -EINVAL with a message naming what ("<dns><txt value>") and value,
 * when value holds a control character (newline above all: it would start
 * a new dnsmasq option), a character of forbid, a double quote (dnsmasq
 * strips quotes and reads escapes between them) or a '#' at the start or
 * after a blank (dnsmasq reads a comment from there). */
int np_dhcp_check(const char *what, const char *value, const char *forbid, struct np_err *err);
/* Only the control characters: for <dnsmasq:option> lines, which the user
 * writes in dnsmasq syntax on purpose (quotes, commas and all). */
int np_dhcp_check_line(const char *what, const char *value, struct np_err *err);

/* The lease time as libvirt writes it (networkBuildDnsmasqLeaseTime):
 * "infinite" for 0, else the number and the unit's first letter ("30m"). */
void np_dhcp_lease_str(const struct np_lease *lease, char out[32]);
