/* net-dhcp-leases --wait: block until a guest holds a lease. Nothing here
 * prints. */
#pragma once

struct np_engine;
struct np_err;
struct np_dhcp_lease;

/* Waits up to timeout_s seconds (0: look once) until the lease file of NAME
 * holds an unexpired lease for mac (any case). Sleeps in inotify on the
 * state directory and re-reads the file only when dnsmasq changes it, so it
 * costs nothing while the guest boots. 0 and *ret: the lease; -ETIMEDOUT:
 * none came (err says so in one line); other -errno on failure. */
int np_engine_lease_wait(struct np_engine *eng, const char *name, const char *mac,
			 int timeout_s, struct np_dhcp_lease *ret, struct np_err *err);
