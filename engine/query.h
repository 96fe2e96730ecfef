/* What the read-only commands ask about networks: their names, state,
 * stored definition and DHCP leases. Nothing here prints or changes
 * anything. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct np_engine;
struct np_err;
struct np_net;
struct np_dhcp_lease;

struct np_net_status {
	bool active;     /* it has a live record (whether healthy: np_engine_health) */
	bool persistent; /* it has a persistent definition */
	bool autostart;
};

/* Every known network (persistent or active), sorted by name. Free with
 * np_engine_names_free(). */
int np_engine_list(struct np_engine *eng, char ***ret, size_t *ret_n, struct np_err *err);
void np_engine_names_free(char **names, size_t n);
void np_engine_status(struct np_engine *eng, const char *name, struct np_net_status *ret);

/* NAME's persistent definition (net-edit): -ENOENT, with err set, when it
 * has none, also while it runs as a transient network. */
int np_engine_def_load(struct np_engine *eng, const char *name, struct np_net **ret,
		       struct np_err *err);

/* The leases in NAME's dnsmasq lease file that have not expired at now
 * (np_dhcp_leases_parse); none when dnsmasq never wrote one. The file
 * outlives the network's run, as with virsh. Free *ret. */
int np_engine_leases(struct np_engine *eng, const char *name, time_t now,
		     struct np_dhcp_lease **ret, size_t *ret_n, struct np_err *err);
