/* The plan of a <netplumb:vxlan> (issue 18): the kernel's VXLAN link as a
 * port of the network's bridge, an all-zero FDB entry per static peer
 * (head-end replication), and the bridge MTU less the encapsulation. */
#include "engine/plan_vxlan.h"

#include "common/buf.h"
#include "common/err.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* outer IP + UDP + VXLAN + inner Ethernet header */
#define OVERHEAD_V4 50
#define OVERHEAD_V6 70

int np_plan_vx_family(const struct np_vxlan *vx)
{
	if (vx->local.family)
		return vx->local.family;
	return vx->n_remotes ? vx->remotes[0].family : AF_INET;
}

void np_plan_vx_ifname(const struct np_vxlan *vx, char ret[16])
{
	snprintf(ret, 16, "vx%u", vx->id);
}

/* An underlay that is not there (yet, or any more) plans with this MTU, so
 * that a running network stays readable and destroyable; its start then
 * fails at the VXLAN step. */
#define MTU_ASSUMED 1500

int np_plan_vx_net(const struct np_net *net, const struct np_plan_paths *paths,
		   struct np_net *ret, struct np_err *err)
{
	unsigned over = np_plan_vx_family(net->vxlan) == AF_INET6 ? OVERHEAD_V6 : OVERHEAD_V4;
	unsigned mtu = paths->underlay_mtu ? paths->underlay_mtu : MTU_ASSUMED;

	*ret = *net;
	if (net->has_mtu && net->mtu)
		return 0;
	if (mtu < over + 68)
		return np_err_set(err, -EINVAL,
				  "network '%s': the MTU %u of %s leaves no room for VXLAN",
				  net->name, mtu, net->vxlan->dev);
	ret->has_mtu = true;
	ret->mtu = mtu - over;
	return 0;
}

/* The VXLAN link's MAC: fixed, so that a start killed before its record is
 * still undone (the link of that name with this MAC is ours); derived from
 * the bridge's, else from the VNI. Locally administered, unicast. */
static void vx_mac(const struct np_net *net, uint8_t mac[NP_MAC_LEN])
{
	if (net->has_mac) {
		memcpy(mac, net->mac, NP_MAC_LEN);
		mac[0] = (uint8_t)((mac[0] ^ 0x04) | 0x02) & 0xfe;
		return;
	}
	mac[0] = 0x56;
	mac[1] = 0x58;
	mac[2] = 0;
	mac[3] = (uint8_t)(net->vxlan->id >> 16);
	mac[4] = (uint8_t)(net->vxlan->id >> 8);
	mac[5] = (uint8_t)net->vxlan->id;
}

int np_plan_vx_fdb_step(const struct np_net *net, const struct np_addr *peer,
			struct np_step *ret)
{
	char name[16];

	np_plan_vx_ifname(net->vxlan, name);
	ret->kind = NP_STEP_FDB_ADD;
	ret->addr = *peer;
	ret->ifname = strdup(name);
	return ret->ifname ? 0 : -ENOMEM;
}

int np_plan_vxlan(struct np_plan *plan, const struct np_net *net,
		  const struct np_plan_paths *paths, struct np_err *err)
{
	const struct np_vxlan *vx = net->vxlan;
	int family;
	char name[16], a[NP_ADDR_STRLEN], key[64];
	struct np_addr local;
	struct np_step *s;
	int r;

	if (!vx)
		return 0;
	family = np_plan_vx_family(vx);
	local = vx->local.family ? vx->local : paths->underlay_addr;
	/* unknown: the start fails at the VXLAN step, saying why */
	if (local.family != family)
		local = (struct np_addr){ 0 };
	for (size_t i = 0; i < vx->n_remotes; i++)
		if (np_addr_equal(&vx->remotes[i], &local))
			return np_err_set(err, -EINVAL,
					  "network '%s': <netplumb:remote address='%s'>: is this "
					  "host's own VTEP address (on %s)",
					  net->name, np_addr_str(&local, a), vx->dev);
	np_plan_vx_ifname(vx, name);

	s = np_plan_step_add(plan, NP_STEP_CHECK_LINK_FREE);
	if (!s || !(s->ifname = strdup(name)))
		return -ENOMEM;
	s = np_plan_step_add(plan, NP_STEP_VXLAN_ADD);
	if (!s || !(s->ifname = strdup(name)) || !(s->master = strdup(net->bridge.name)) ||
	    !(s->key = strdup(vx->dev)))
		return -ENOMEM;
	s->addr = local;
	s->mtu = net->has_mtu ? net->mtu : 0;
	s->has_mac = true;
	vx_mac(net, s->mac);
	s->vx.vni = vx->id;
	s->vx.port = vx->port;
	/* EVPN: zebra installs the peers' MACs, the kernel must not learn */
	s->vx.learning = !vx->evpn;
	if (!paths->underlay_mtu)
		r = asprintf(&s->why, "%s does not exist now: this step fails unless it appears "
				      "(MTU %u assumed)", vx->dev, MTU_ASSUMED);
	else if (!local.family)
		r = asprintf(&s->why, "%s has no %s address: this step fails; give "
				      "<netplumb:vxlan local='...'>",
			     vx->dev, family == AF_INET6 ? "IPv6" : "IPv4");
	else if (vx->evpn)
		r = asprintf(&s->why, "control='evpn': learning off, FRR's zebra fills the FDB");
	else
		r = 0;
	if (r < 0) {
		s->why = NULL;
		return -ENOMEM;
	}
	/* a bridge port has no address of its own, nor a link-local one */
	snprintf(key, sizeof(key), "net.ipv6.conf.%s.disable_ipv6", name);
	s = np_plan_step_add(plan, NP_STEP_SYSCTL);
	if (!s || !(s->key = strdup(key)) ||
	    !(s->value = strdup("1")) || !(s->why = strdup("the VXLAN port of the bridge")))
		return -ENOMEM;
	s->optional = true;
	for (size_t i = 0; i < vx->n_remotes; i++) {
		s = np_plan_step_add(plan, NP_STEP_FDB_ADD);
		if (!s)
			return -ENOMEM;
		if ((r = np_plan_vx_fdb_step(net, &vx->remotes[i], s)) < 0)
			return r;
	}
	s = np_plan_step_add(plan, NP_STEP_LINK_UP);
	if (!s || !(s->ifname = strdup(name)))
		return -ENOMEM;
	return 0;
}

void np_plan_vx_frr_conf(struct np_buf *b, const struct np_addr *local)
{
	char a[NP_ADDR_STRLEN];

	np_addr_str(local, a);
	np_buf_add(b, "router bgp 65000\n");
	if (local->family == AF_INET)
		np_buf_addf(b, " bgp router-id %s\n", a);
	np_buf_add(b, " no bgp default ipv4-unicast\n");
	np_buf_add(b, " neighbor PEER remote-as 65000\n");
	np_buf_addf(b, " neighbor PEER update-source %s\n", a);
	np_buf_add(b, " !\n address-family l2vpn evpn\n");
	np_buf_add(b, "  neighbor PEER activate\n");
	np_buf_add(b, "  advertise-all-vni\n");
	np_buf_add(b, " exit-address-family\n");
}
