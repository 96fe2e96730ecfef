/* net-update in the engine: the change is made to the live and/or the
 * persistent definition (xml/update.h), checked like libvirt's
 * virNetworkObjUpdate does, and a running network is brought to the new live
 * definition by doing only what differs between the two plans. */
#pragma once

#include "xml/update.h"

#include <stdbool.h>
#include <stddef.h>

struct np_engine;
struct np_net;
struct np_err;

/* libvirt's virNetworkUpdateFlags; neither bit is "current": live when the
 * network is active, else config. */
enum {
	NP_UPDATE_AFFECT_LIVE = 1 << 0,
	NP_UPDATE_AFFECT_CONFIG = 1 << 1,
};


/* What bringing a running network to its new definition did. */
struct np_update_live_report {
	bool firewall; /* the network's nft chains were replaced (one transaction) */
	unsigned files; /* generated files rewritten (atomically) */
	bool reloaded; /* dnsmasq got SIGHUP: it re-read dhcp-hostsfile/addn-hosts */
	bool restarted; /* dnsmasq was stopped and started: its config file changed */
	bool started; /* dnsmasq was started (newly needed, or found not running) */
	bool stopped; /* dnsmasq was stopped for good (no longer needed) */
};

struct np_update_req {
	const char *name;
	enum np_update_cmd cmd;
	enum np_update_section section;
	int parent_index; /* negative: libvirt's "auto" */
	const char *xml; /* the element, len bytes */
	size_t len;
	unsigned flags; /* NP_UPDATE_AFFECT_*, 0 = current */
};

/* net-update under the store lock. Both new definitions are computed and
 * checked (a format/parse cycle and define-time validation) before anything
 * changes; then the running network is changed (live), and the definitions
 * are stored. *ret_flags (optional) gets the flags actually applied. The
 * report (optional) says what was done to the running network. */
int np_engine_update(struct np_engine *eng, const struct np_update_req *req, unsigned *ret_flags,
		     struct np_update_live_report *ret_report, struct np_err *err);

/* The acting part: brings the running network from old to new through
 * eng->ops. Differences in the firewall text re-apply it; a
 * changed dnsmasq config file restarts dnsmasq (it cannot re-read that file:
 * it has dropped root); changed hosts files only are rewritten and reloaded
 * with SIGHUP, which keeps dnsmasq's pid and leases. On failure what was
 * changed is put back as far as possible. */
int np_update_live_apply(struct np_engine *eng, const struct np_net *old, const struct np_net *new,
			 struct np_update_live_report *ret, struct np_err *err);
