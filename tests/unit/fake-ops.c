#include "tests/unit/fake-ops.h"

#include "common/addr.h"
#include "common/err.h"
#include "common/fileio.h"
#include "engine/port.h"
#include "firewall/foreign.h"
#include "netlink/nl.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->next_ifindex = 10;
}

void fake_free(struct fake *f)
{
	np_buf_free(&f->log);
}

void fake_log_reset(struct fake *f)
{
	np_buf_free(&f->log);
	memset(&f->log, 0, sizeof(f->log));
}

static int change(struct fake *f)
{
	f->calls++;
	return f->fail_at && f->calls == f->fail_at ? -EIO : 0;
}

static struct fake_link *find(struct fake *f, const char *ifname)
{
	for (int i = 0; i < f->n_links; i++)
		if (!strcmp(f->links[i].ifname, ifname))
			return &f->links[i];
	return NULL;
}

static int add_link(struct fake *f, const char *ifname, const uint8_t *mac, bool ours,
		    struct np_link_id *ret)
{
	struct fake_link *l;

	if (find(f, ifname))
		return -EEXIST;
	if (f->n_links == FAKE_MAX_LINKS)
		return -ENOSPC;
	l = &f->links[f->n_links++];
	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->id.ifindex = f->next_ifindex++;
	if (mac)
		memcpy(l->id.mac, mac, NP_MAC_LEN);
	l->ours = ours;
	if (ret)
		*ret = l->id;
	return 0;
}

void fake_foreign_link(struct fake *f, const char *ifname, const char *mac)
{
	uint8_t m[NP_MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x42 };

	if (mac)
		np_mac_parse(mac, m);
	add_link(f, ifname, m, false, NULL);
}

int fake_links(const struct fake *f)
{
	int n = 0;

	for (int i = 0; i < f->n_links; i++)
		n += f->links[i].ours;
	return n;
}

bool fake_clean(const struct fake *f)
{
	return !fake_links(f) && !f->files && !f->fw && !f->table && !f->dnsmasq && !f->ipt &&
	       !f->qemu_acls;
}

static int f_link_get(void *ctx, const char *ifname, struct np_link_id *ret)
{
	struct fake_link *l = find(ctx, ifname);

	if (!l)
		return 0;
	*ret = l->id;
	return 1;
}

static int f_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	return 0;
}

static int f_fw_present(void *ctx, const char *bridge)
{
	return ((struct fake *)ctx)->fw > 0;
}

static int f_fw_check(void *ctx, const char *script)
{
	return ((struct fake *)ctx)->fw > 0;
}

static int f_fw_foreign(void *ctx, struct np_fw_foreign *ret)
{
	struct fake *f = ctx;

	*ret = (struct np_fw_foreign){ .ipt_forward_drop = f->ipt_forward_drop,
				       .ipt_input_drop = f->ipt_input_drop };
	return 0;
}

static int f_ipt_check(void *ctx, const char *table, const char *chain, const char *spec)
{
	return ((struct fake *)ctx)->ipt > 0;
}

static int f_ipt_change(void *ctx, bool insert, const char *table, const char *chain,
			const char *spec, struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_addf(&f->log, "ipt_%s %s %s %s\n", insert ? "insert" : "delete", table, chain,
		    spec);
	if (r < 0)
		return r;
	if (insert)
		f->ipt++;
	else if (f->ipt)
		f->ipt--;
	else
		return -ENOENT;
	return 0;
}

static int f_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return ((struct fake *)ctx)->dnsmasq > 0;
}

static int f_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_addf(&f->log, "bridge_add %s\n", spec->ifname);
	return r < 0 ? r : add_link(f, spec->ifname, spec->mac, true, ret);
}

/* Every underlay is there with MTU 1500 and 192.0.2.1 / 2001:db8::1. */
static int f_link_addr_get(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			   struct np_addr *ret_addr)
{
	*ret_mtu = 1500;
	np_addr_parse(family == AF_INET6 ? "2001:db8::1" : "192.0.2.1", 0, ret_addr);
	return 1;
}

static int f_vxlan_add(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
		       struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_addf(&f->log, "vxlan_add %s\n", spec->ifname);
	return r < 0 ? r : add_link(f, spec->ifname, spec->mac, true, ret);
}

static int f_fdb_change(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			struct np_err *err)
{
	struct fake *f = ctx;
	char a[NP_ADDR_STRLEN];

	np_buf_addf(&f->log, "fdb_%s %s %s\n", add ? "add" : "del", ifname, np_addr_str(dst, a));
	return change(f);
}

static int f_link_del(void *ctx, const struct np_link_id *id, struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_addf(&f->log, "link_del %d\n", id->ifindex);
	if (r < 0)
		return r;
	for (int i = 0; i < f->n_links; i++) {
		if (f->links[i].id.ifindex != id->ifindex)
			continue;
		if (memcmp(f->links[i].id.mac, id->mac, NP_MAC_LEN))
			return np_err_set(err, -EPERM, "link %d is not the one recorded", id->ifindex);
		f->links[i] = f->links[--f->n_links];
		return 0;
	}
	return -ENODEV;
}

static int f_named(void *ctx, const char *what, const char *ifname)
{
	struct fake *f = ctx;

	np_buf_addf(&f->log, "%s %s\n", what, ifname);
	return change(f);
}

static int f_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	return f_named(ctx, "link_up", ifname);
}

static int f_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	char s[NP_ADDR_STRLEN];

	np_buf_addf(&((struct fake *)ctx)->log, "addr_add %s/%u ", np_addr_str(a, s), prefix);
	return f_named(ctx, "dev", ifname);
}

static int f_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	char s[NP_ADDR_STRLEN];

	np_buf_addf(&((struct fake *)ctx)->log, "route_add %s/%u ", np_addr_str(dst, s), prefix);
	return f_named(ctx, "dev", ifname);
}

static int f_sysctl(void *ctx, const char *key, const char *value, struct np_err *err)
{
	np_buf_addf(&((struct fake *)ctx)->log, "sysctl %s=", key);
	return f_named(ctx, "", value);
}

static int f_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_link_id *ret, struct np_err *err)
{
	struct fake *f = ctx;
	struct np_link_id id;
	uint8_t host_mac[NP_MAC_LEN];
	int r = change(f);

	np_buf_addf(&f->log, "port_add %s %s\n", port->ifname, bridge);
	if (r < 0)
		return r;
	np_port_host_mac(port, host_mac);
	r = add_link(f, port->ifname, host_mac, true, &id);
	if (r == 0)
		*ret = id;
	return r;
}

/* A tc handle as tc prints it: "1:" for a qdisc, "1:2" for a class. */
static const char *tc_handle(uint32_t h, char buf[24])
{
	if (h == TC_H_ROOT)
		snprintf(buf, 24, "root");
	else if (TC_H_MIN(h))
		snprintf(buf, 24, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
	else
		snprintf(buf, 24, "%x:", TC_H_MAJ(h) >> 16);
	return buf;
}

static int f_tc(void *ctx, const char *what, const char *ifname, const struct np_tc_spec *spec)
{
	char h[24], p[24];

	np_buf_addf(&((struct fake *)ctx)->log, "%s %s %s %s ", what, tc_handle(spec->parent, p),
		    tc_handle(spec->handle, h), spec->kind == NP_TC_HTB ? "htb" : "pfifo");
	return f_named(ctx, "dev", ifname);
}

static int f_qdisc_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	return f_tc(ctx, "qdisc_add", ifname, spec);
}

static int f_class_add(void *ctx, const char *ifname, const struct np_tc_spec *spec,
		       struct np_err *err)
{
	return f_tc(ctx, "class_add", ifname, spec);
}

static int f_port_isolate(void *ctx, const char *ifname, struct np_err *err)
{
	return f_named(ctx, "port_isolate", ifname);
}

static int f_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	struct fake *f = ctx;
	/* an undo script only deletes chains; an apply adds rules */
	bool removal = strstr(script, "delete chain") && !strstr(script, "add rule");
	int r = change(f);

	np_buf_addf(&f->log, "fw_apply %s\n", removal ? "remove" : "add");
	if (r < 0)
		return r;
	if (removal) {
		if (f->fw)
			f->fw--;
	} else {
		f->fw++;
		f->table = true;
	}
	return 0;
}

static int f_fw_prune(void *ctx, struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_add(&f->log, "fw_prune\n");
	if (r < 0)
		return r;
	if (!f->fw)
		f->table = false;
	return 0;
}

static int f_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	struct fake *f = ctx;
	bool had = access(path, F_OK) == 0;
	int r = change(f);

	np_buf_addf(&f->log, "file_write %s\n", path);
	if (r < 0)
		return r;
	r = np_file_write_atomic(path, data, strlen(data), (mode_t)mode);
	if (r == 0 && !had)
		f->files++;
	return r;
}

static int f_file_remove(void *ctx, const char *path, struct np_err *err)
{
	struct fake *f = ctx;
	int r = change(f);

	np_buf_addf(&f->log, "file_remove %s\n", path);
	if (r < 0)
		return r;
	r = np_file_remove(path);
	if (r == 0 && f->files)
		f->files--;
	return r;
}

static int f_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			   struct np_err *err)
{
	struct fake *f = ctx;
	int r = f_named(ctx, "dnsmasq_start", conf);

	if (r == 0)
		f->dnsmasq++;
	return r;
}

static int f_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct fake *f = ctx;
	int r = f_named(ctx, "dnsmasq_stop", conf);

	if (r == 0 && f->dnsmasq)
		f->dnsmasq--;
	return r;
}

/* reload and mute: logged, then only for a running dnsmasq, counted */
static int f_to_running(void *ctx, const char *what, const char *logged, const char *conf,
			int *count, struct np_err *err)
{
	int r = f_named(ctx, what, logged);

	if (r < 0)
		return r;
	if (!((struct fake *)ctx)->dnsmasq)
		return np_err_set(err, -ESRCH, "dnsmasq for %s is not running", conf);
	(*count)++;
	return 0;
}

static int f_dnsmasq_reload(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return f_to_running(ctx, "dnsmasq_reload", conf, conf, &((struct fake *)ctx)->reloads, err);
}

static int f_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return f_to_running(ctx, "dnsmasq_mute", pidfile, conf, &((struct fake *)ctx)->mutes, err);
}

static int f_hook(void *ctx, const char *dir, const char *name, const char *op, const char *subop,
		  const char *xml, struct np_err *err)
{
	struct fake *f = ctx;
	int r;

	np_buf_addf(&f->log, "hook %s %s %s\n", name, op, subop);
	r = change(f);
	if (r < 0)
		return r;
	f->hooks++;
	if (f->hook_fail_op && !strcmp(f->hook_fail_op, op))
		return np_err_set(err, -EPERM, "hook refused %s %s", op, subop);
	return 0;
}

static int f_tool_run(void *ctx, const char *argv_lines, struct np_err *err)
{
	struct fake *f = ctx;

	np_buf_add(&f->log, "tool ");
	for (const char *p = argv_lines; *p; p++)
		np_buf_addc(&f->log, *p == '\n' ? ' ' : *p);
	np_buf_addc(&f->log, '\n');
	if (f->tool_error)
		return np_err_set(err, f->tool_error, "tool failed");
	return change(f);
}

static int f_qemu_acl(void *ctx, const char *path, const char *line, bool add,
		      struct np_err *err)
{
	struct fake *f = ctx;

	int r;

	np_buf_addf(&f->log, "qemu-acl %s %s %s\n", add ? "add" : "del", path, line);
	r = change(f);
	if (r < 0)
		return r;
	if (add)
		f->qemu_acls++;
	else if (f->qemu_acls > 0)
		f->qemu_acls--;
	return 0;
}

const struct np_ops fake_ops = {
	.link_get = f_link_get,
	.route_find = f_route_find,
	.fw_present = f_fw_present,
	.fw_check = f_fw_check,
	.fw_foreign = f_fw_foreign,
	.ipt_check = f_ipt_check,
	.ipt_change = f_ipt_change,
	.dnsmasq_running = f_dnsmasq_running,
	.bridge_add = f_bridge_add,
	.link_del = f_link_del,
	.link_up = f_link_up,
	.addr_add = f_addr_add,
	.route_add = f_route_add,
	.sysctl_set = f_sysctl,
	.port_add = f_port_add,
	.qdisc_add = f_qdisc_add,
	.class_add = f_class_add,
	.port_isolate = f_port_isolate,
	.link_addr_get = f_link_addr_get,
	.vxlan_add = f_vxlan_add,
	.fdb_change = f_fdb_change,
	.fw_apply = f_fw_apply,
	.fw_prune = f_fw_prune,
	.file_write = f_file_write,
	.file_remove = f_file_remove,
	.dnsmasq_start = f_dnsmasq_start,
	.dnsmasq_stop = f_dnsmasq_stop,
	.dnsmasq_reload = f_dnsmasq_reload,
	.dnsmasq_mute = f_dnsmasq_mute,
	.hook = f_hook,
	.tool_run = f_tool_run,
	.qemu_acl = f_qemu_acl,
};
