/* A recording fake of the ops table: counts what exists (bridges, files,
 * rule sets, dnsmasqs) and fails the Nth mutating call when asked, so tests
 * can check that every failure is rolled back completely. */
#pragma once

#include "common/err.h"
#include "engine/ops.h"
#include "netlink/nl.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* What the fake "system" holds. */
struct fake {
	int calls;      /* mutating calls so far */
	int fail_at;    /* fail the Nth mutating call (1-based), 0 = never */
	int links;      /* bridges present */
	int files;      /* generated files present */
	int fw;         /* rule sets installed */
	int fw_creates; /* ... of them with the create-only script (no "flush chain") */
	int csum;       /* DHCP checksum rules present */
	int csum_fail;  /* fail the Nth fw_csum_add (1-based) like a kernel without
			 * CHECKSUM; not a mutating call that fail_at counts */
	int csum_adds;
	int csum_inserts; /* ... of them through fw_csum_insert (no search) */
	int mutes;      /* dnsmasq_mute calls; not counted by fail_at */
	bool mute_fail; /* dnsmasq_mute fails (no ptrace rights, say) */
	int dnsmasq;    /* processes running */
	bool link_taken; /* a foreign link with the bridge's name */
	int foreign_links;
	int ports;      /* guest ports attached */
};

static int tick(struct fake *f)
{
	f->calls++;
	return f->fail_at && f->calls == f->fail_at ? -EIO : 0;
}

static int f_link_exists(void *ctx, const char *ifname)
{
	struct fake *f = ctx;

	return f->link_taken || f->links > 0;
}

static int f_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	return 0;
}

static int f_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r == 0)
		f->links++;
	return r;
}

static int f_link_del(void *ctx, const char *ifname, struct np_err *err)
{
	struct fake *f = ctx;

	if (!f->links)
		return -ENODEV;
	f->links--;
	return 0;
}

static int f_simple(void *ctx)
{
	return tick(ctx);
}

static int f_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	return f_simple(ctx);
}

static int f_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	return f_simple(ctx);
}

static int f_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	return f_simple(ctx);
}

static int f_sysctl(void *ctx, const char *key, const char *value, struct np_err *err)
{
	return f_simple(ctx);
}

static int f_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	struct fake *f = ctx;
	bool removal = strstr(script, "delete chain") != NULL;
	int r;

	if (removal) {
		f->fw = 0;
		return 0;
	}
	r = tick(f);
	if (r == 0) {
		/* like the kernel: "add chain { rules }" over an existing chain
		 * adds the rules again; "flush chain" first does not */
		if (!strstr(script, "flush chain"))
			f->fw_creates++;
		if (!f->fw || !strstr(script, "flush chain"))
			f->fw++;
	}
	return r;
}

static int f_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r == 0)
		f->files++;
	return r;
}

static int f_file_remove(void *ctx, const char *path, struct np_err *err)
{
	struct fake *f = ctx;

	if (!f->files)
		return -ENOENT;
	f->files--;
	return 0;
}

static int f_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r == 0)
		f->dnsmasq++;
	return r;
}

static int f_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct fake *f = ctx;

	if (f->dnsmasq)
		f->dnsmasq--;
	return 0;
}

/* The halves the real table has (ops.h): a retired link is gone for the
 * fake at once; a spawned dnsmasq counts as running, ready or not. */
static int f_link_retire(void *ctx, const char *ifname, struct np_err *err)
{
	return f_link_del(ctx, ifname, err);
}

static int f_fw_remove(void *ctx, const char *script, struct np_err *err)
{
	return f_fw_apply(ctx, script, err);
}

static int f_fw_remove_wait(void *ctx, struct np_err *err)
{
	return 0;
}

static int f_dnsmasq_ready(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r == 0 && !f->dnsmasq)
		return -ESRCH;
	return r;
}

static int f_dnsmasq_signal(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	return 0;
}

static int f_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r == 0)
		f->ports++;
	return r;
}

static int f_port_del(void *ctx, const struct np_port *port, struct np_err *err)
{
	struct fake *f = ctx;

	if (!f->ports)
		return -ENODEV;
	f->ports--;
	return 0;
}

static int f_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return ((struct fake *)ctx)->dnsmasq > 0;
}

static int f_fw_present(void *ctx, const char *bridge)
{
	return ((struct fake *)ctx)->fw > 0;
}

static int f_fw_csum_add(void *ctx, const char *bridge, struct np_err *err)
{
	struct fake *f = ctx;
	int r = tick(f);

	if (r < 0)
		return r;
	if (++f->csum_adds == f->csum_fail)
		return np_err_set(err, -ENOENT, "no CHECKSUM target");
	f->csum = 1;
	return 0;
}

static int f_fw_csum_insert(void *ctx, const char *bridge, struct np_err *err)
{
	struct fake *f = ctx;

	f->csum_inserts++;
	return f_fw_csum_add(ctx, bridge, err);
}

static int f_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	struct fake *f = ctx;

	if (!f->dnsmasq)
		return np_err_set(err, -ESRCH, "dnsmasq for %s is not running", conf);
	if (f->mute_fail)
		return np_err_set(err, -EPERM, "pidfd_getfd: Operation not permitted");
	f->mutes++;
	return 0;
}

static int f_fw_csum_del(void *ctx, const char *bridge, struct np_err *err)
{
	((struct fake *)ctx)->csum = 0;
	return 0;
}

static int f_fw_csum_present(void *ctx, const char *bridge)
{
	return ((struct fake *)ctx)->csum > 0;
}

static const struct np_ops fake_ops = {
	.link_exists = f_link_exists,
	.route_find = f_route_find,
	.bridge_add = f_bridge_add,
	.link_del = f_link_del,
	.link_up = f_link_up,
	.addr_add = f_addr_add,
	.route_add = f_route_add,
	.sysctl_set = f_sysctl,
	.fw_apply = f_fw_apply,
	.file_write = f_file_write,
	.file_remove = f_file_remove,
	.dnsmasq_start = f_dnsmasq_start,
	.dnsmasq_stop = f_dnsmasq_stop,
	.link_retire = f_link_retire,
	.fw_remove = f_fw_remove,
	.fw_remove_wait = f_fw_remove_wait,
	.dnsmasq_spawn = f_dnsmasq_start,
	.dnsmasq_ready = f_dnsmasq_ready,
	.dnsmasq_signal = f_dnsmasq_signal,
	.port_add = f_port_add,
	.port_del = f_port_del,
	.dnsmasq_running = f_dnsmasq_running,
	.fw_present = f_fw_present,
	.fw_csum_add = f_fw_csum_add,
	.fw_csum_insert = f_fw_csum_insert,
	.dnsmasq_mute = f_dnsmasq_mute,
	.fw_csum_del = f_fw_csum_del,
	.fw_csum_present = f_fw_csum_present,
};

static bool clean(const struct fake *f)
{
	return !f->links && !f->files && !f->fw && !f->dnsmasq && !f->ports && !f->csum;
}

