/* Planning a <netplumb:vxlan> (issue 18), for plan.c and update_live.c. */
#pragma once

#include "common/addr.h"
#include "engine/plan.h"

struct np_buf;
struct np_err;
struct np_net;
struct np_plan_paths;
struct np_vxlan;

/* The VTEPs' address family: of local, else of the first peer, else IPv4. */
int np_plan_vx_family(const struct np_vxlan *vx);
/* "vx" and the VNI. */
void np_plan_vx_ifname(const struct np_vxlan *vx, char ret[16]);
/* *ret = *net, with the bridge MTU the underlay leaves (its MTU less the
 * VXLAN overhead) unless <mtu> says otherwise; a shallow copy that owns
 * nothing. */
int np_plan_vx_net(const struct np_net *net, const struct np_plan_paths *paths,
		   struct np_net *ret, struct np_err *err);
/* The VXLAN link onto the bridge, its flood entries, up. */
int np_plan_vxlan(struct np_plan *plan, const struct np_net *net,
		  const struct np_plan_paths *paths, struct np_err *err);
/* One FDB_ADD step for peer, with the VXLAN link of net. */
int np_plan_vx_fdb_step(const struct np_net *net, const struct np_addr *peer,
			struct np_step *ret);

/* The FRR configuration (frr.conf) a control='evpn' host needs, with the
 * local VTEP address; the AS and the peers are placeholders to fill in.
 * netplumb never writes FRR's configuration: `plan` prints this. */
void np_plan_vx_frr_conf(struct np_buf *b, const struct np_addr *local);

/* plan.c: appends a zeroed step; NULL on allocation failure. */
struct np_step *np_plan_step_add(struct np_plan *plan, enum np_step_kind kind);
