/* What is really there for an active network: live state is reported, not
 * trusted. Built from the same plan start applied, so "what should exist"
 * has one definition. */
#pragma once

#include <stdbool.h>

struct np_engine;
struct np_err;

struct np_health {
	bool bridge;       /* the bridge exists */
	bool firewall;     /* the network's nft chains hold the rules start applied,
			    * rule by rule (or it needs none) */
	bool foreign;      /* the accepts start inserted into other tools' iptables
			    * chains are all there */
	bool dnsmasq;      /* our dnsmasq runs (or it needs none) */
	bool checked_fw;   /* firewall was checked (it costs an nft round trip) */
	bool complete;     /* the start that made it finished */
	bool starting;     /* ... and one is running in another process now */
	bool vxlan_missing; /* its VXLAN port is gone (with its underlay) */
};

/* deep also checks the firewall. -ENOENT when the network is not active. */
int np_engine_health(struct np_engine *eng, const char *name, bool deep, struct np_health *ret,
		     struct np_err *err);
static inline bool np_health_ok(const struct np_health *h)
{
	return h->bridge && h->firewall && h->foreign && h->dnsmasq && h->complete &&
	       !h->vxlan_missing;
}
/* "dnsmasq not running, firewall rules missing" into buf. */
void np_health_describe(const struct np_health *h, char *buf, unsigned len);

/* Brings a degraded network back without touching what is healthy: the
 * firewall is re-applied (one transaction, idempotent) and a dead dnsmasq is
 * started again; a network whose bridge is gone (or is not the one start
 * made) is restarted whole. *ret_what says what was done ("" when nothing
 * was needed). */
int np_engine_repair(struct np_engine *eng, const char *name, bool force_fw, char *ret_what,
		     unsigned len, struct np_err *err);

/* net-start: starts NAME, or repairs it (np_engine_repair) when it is
 * active but lost a part (dnsmasq died, rules flushed, a start was killed);
 * a healthy active network is refused (-EEXIST), as virsh does.
 * *ret_repaired says which was done, *ret_what what the repair did. */
int np_engine_start_or_repair(struct np_engine *eng, const char *name, bool *ret_repaired,
			      char *ret_what, unsigned len, struct np_err *err);

/* `net-reload`: np_engine_repair with the firewall always re-applied, and a
 * dnsmasq that was running (not restarted) has its servers-file rewritten
 * from the resolv.conf of now and gets SIGHUP, so a change of upstream DNS
 * servers is picked up with the same pid and leases. */
int np_engine_reload(struct np_engine *eng, const char *name, char *ret_what, unsigned len,
		     struct np_err *err);
