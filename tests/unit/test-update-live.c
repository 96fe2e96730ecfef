/* net-update in the engine (engine/update_live.h) against a temporary store
 * and a recording ops table that really writes the generated files: which
 * definitions change for --live/--config/current, what is done to the
 * running network for each section (SIGHUP for hosts, restart for the
 * config file, firewall for forward-interface), and that a failure at any
 * step leaves files, definitions and processes as they were. */
#include "check.h"

#include "common/err.h"
#include "common/fileio.h"
#include "engine/lifecycle.h"
#include "firewall/foreign.h"
#include "engine/ops.h"
#include "engine/port.h"
#include "engine/store.h"
#include "engine/update_live.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/np-test-update-XXXXXX";

/* ---- the recording system ---------------------------------------------- */

struct rec {
	char log[4096]; /* "fw write:hostsfile reload start ..." */
	int dnsmasq;    /* running dnsmasqs */
	int pid;        /* changes at every start: a restart is visible */
	char fail[32];  /* fail the first call whose log word starts so */
	int reload_rc;  /* what the reload callback returns */
};

static struct rec rec;

static int note(const char *word)
{
	if (rec.log[0])
		strncat(rec.log, " ", sizeof(rec.log) - strlen(rec.log) - 1);
	strncat(rec.log, word, sizeof(rec.log) - strlen(rec.log) - 1);
	if (rec.fail[0] && !strncmp(word, rec.fail, strlen(rec.fail))) {
		rec.fail[0] = '\0';
		strncat(rec.log, "!", sizeof(rec.log) - strlen(rec.log) - 1);
		return -EIO;
	}
	return 0;
}

static int r_link_get(void *ctx, const char *ifname, struct np_link_id *ret)
{
	return 0;
}

static int r_route_find(void *ctx, const struct np_addr *dst, unsigned prefix, char dev[16])
{
	return 0;
}

static int r_bridge_add(void *ctx, const struct np_bridge_spec *spec, struct np_link_id *ret,
			struct np_err *err)
{
	*ret = (struct np_link_id){ .ifindex = 7 };
	return note("bridge");
}

static int r_link_addr_get(void *ctx, const char *ifname, int family, unsigned *ret_mtu,
			   struct np_addr *ret_addr)
{
	*ret_mtu = 1500;
	return np_addr_parse(family == AF_INET6 ? "2001:db8::1" : "192.0.2.1", 0, ret_addr) < 0
		       ? -EINVAL
		       : 1;
}

static int r_vxlan_add(void *ctx, const struct np_vxlan_spec *spec, struct np_link_id *ret,
		       struct np_err *err)
{
	*ret = (struct np_link_id){ .ifindex = 8 };
	return note("vxlan");
}

static int r_fdb_change(void *ctx, bool add, const char *ifname, const struct np_addr *dst,
			struct np_err *err)
{
	return note(add ? "fdb-add" : "fdb-del");
}

static int r_link_del(void *ctx, const struct np_link_id *id, struct np_err *err)
{
	return note("link-del");
}

static int r_quiet(void)
{
	return 0;
}

static int r_link_up(void *ctx, const char *ifname, struct np_err *err)
{
	return r_quiet();
}

static int r_addr_add(void *ctx, const char *ifname, const struct np_addr *a, unsigned prefix,
		      struct np_err *err)
{
	return r_quiet();
}

static int r_route_add(void *ctx, const char *ifname, const struct np_addr *dst, unsigned prefix,
		       const struct np_addr *gw, unsigned metric, struct np_err *err)
{
	return r_quiet();
}

static int r_sysctl(void *ctx, const char *key, const char *value, struct np_err *err)
{
	return r_quiet();
}

static int r_fw_apply(void *ctx, const char *script, struct np_err *err)
{
	return note(strstr(script, "add rule") ? "fw" : "fw-del");
}

static int r_fw_prune(void *ctx, struct np_err *err)
{
	return r_quiet();
}

static int r_hook(void *ctx, const char *dir, const char *name, const char *op, const char *subop,
		  const char *xml, struct np_err *err)
{
	return r_quiet();
}

static int r_tool_run(void *ctx, const char *argv_lines, struct np_err *err)
{
	return r_quiet();
}

/* "write:hostsfile": the suffix of the file names it */
static int r_file_write(void *ctx, const char *path, const char *data, unsigned mode,
			struct np_err *err)
{
	char word[64];
	const char *dot = strrchr(path, '.');
	int r;

	snprintf(word, sizeof(word), "write:%s", dot ? dot + 1 : path);
	r = note(word);
	if (r < 0)
		return r;
	return np_file_write_atomic(path, data, strlen(data), mode);
}

static int r_file_remove(void *ctx, const char *path, struct np_err *err)
{
	char word[64];
	const char *dot = strrchr(path, '.');

	snprintf(word, sizeof(word), "rm:%s", dot ? dot + 1 : path);
	note(word);
	return np_file_remove(path);
}

static int r_dnsmasq_start(void *ctx, const char *conf, const char *pidfile, bool *ret_new_leases,
			   struct np_err *err)
{
	int r = note("start");

	if (r < 0)
		return np_err_set(err, r, "dnsmasq: bad config");
	rec.dnsmasq++;
	rec.pid++;
	return 0;
}

static int r_dnsmasq_stop(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = note("stop");

	if (r == 0 && rec.dnsmasq)
		rec.dnsmasq--;
	return r;
}

static int r_dnsmasq_mute(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = note("mute");

	if (r == 0 && !rec.dnsmasq)
		r = np_err_set(err, -ESRCH, "dnsmasq is not running");
	return r;
}

static int r_port_add(void *ctx, const struct np_port *port, const char *bridge,
		      struct np_link_id *ret, struct np_err *err)
{
	return note("port");
}

static int r_tc(void *ctx, const char *ifname, const struct np_tc_spec *spec, struct np_err *err)
{
	return note("tc");
}

static int r_port_isolate(void *ctx, const char *ifname, struct np_err *err)
{
	return note("isolate");
}

static int r_dnsmasq_running(void *ctx, const char *conf, const char *pidfile)
{
	return rec.dnsmasq > 0;
}

static int r_fw_check(void *ctx, const char *script)
{
	return 1;
}

static int r_fw_foreign(void *ctx, struct np_fw_foreign *ret)
{
	memset(ret, 0, sizeof(*ret));
	return 0;
}

static int r_ipt_check(void *ctx, const char *table, const char *chain, const char *spec)
{
	return 1;
}

static int r_ipt_change(void *ctx, bool insert, const char *table, const char *chain,
			const char *spec, struct np_err *err)
{
	return note(insert ? "ipt" : "ipt-del");
}

static int r_fw_present(void *ctx, const char *bridge)
{
	return 1;
}

static int r_reload(void *ctx, const char *conf, const char *pidfile, struct np_err *err)
{
	int r = note("reload");

	if (r < 0)
		return r;
	if (rec.reload_rc)
		return rec.reload_rc;
	return rec.dnsmasq ? 0 : -ESRCH;
}

static int r_qemu_acl(void *ctx, const char *path, const char *line, bool add,
		      struct np_err *err)
{
	return note(add ? "qemu-acl" : "qemu-acl-del");
}

static const struct np_ops rec_ops = {
	.link_get = r_link_get,
	.route_find = r_route_find,
	.fw_present = r_fw_present,
	.fw_check = r_fw_check,
	.fw_foreign = r_fw_foreign,
	.ipt_check = r_ipt_check,
	.ipt_change = r_ipt_change,
	.dnsmasq_running = r_dnsmasq_running,
	.bridge_add = r_bridge_add,
	.link_del = r_link_del,
	.link_up = r_link_up,
	.addr_add = r_addr_add,
	.route_add = r_route_add,
	.sysctl_set = r_sysctl,
	.port_add = r_port_add,
	.qdisc_add = r_tc,
	.class_add = r_tc,
	.port_isolate = r_port_isolate,
	.link_addr_get = r_link_addr_get,
	.vxlan_add = r_vxlan_add,
	.fdb_change = r_fdb_change,
	.fw_apply = r_fw_apply,
	.fw_prune = r_fw_prune,
	.file_write = r_file_write,
	.file_remove = r_file_remove,
	.dnsmasq_start = r_dnsmasq_start,
	.dnsmasq_stop = r_dnsmasq_stop,
	.dnsmasq_reload = r_reload,
	.dnsmasq_mute = r_dnsmasq_mute,
	.hook = r_hook,
	.tool_run = r_tool_run,
	.qemu_acl = r_qemu_acl,
};

/* ---- the store ------------------------------------------------------------- */

struct env {
	struct np_store *st;
	struct np_engine eng;
};

static void env_open(struct env *e)
{
	char cfg[512], state[512], run[512];
	struct np_store_dirs dirs = { .config_dir = cfg, .state_dir = state, .run_dir = run };
	struct np_err err = { { 0 } };

	snprintf(cfg, sizeof(cfg), "%s/etc", root);
	snprintf(state, sizeof(state), "%s/lib", root);
	snprintf(run, sizeof(run), "%s/run", root);
	memset(e, 0, sizeof(*e));
	CHECK(np_store_open(&dirs, &e->st, &err) == 0);
	e->eng = (struct np_engine){
		.store = e->st, .ops = &rec_ops, .ctx = NULL, .dnsmasq_user = "nobody"
	};
	CHECK(np_engine_seed(&e->eng, &err) == 0);
}

static void env_close(struct env *e)
{
	np_store_free(e->st);
	e->st = NULL;
}

static int rm_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(path);
}

static void reset_root(void)
{
	nftw(root, rm_visit, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(root, 0755);
	memset(&rec, 0, sizeof(rec));
}

static char *slurp(const char *name)
{
	char path[600];
	char *s = NULL;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (np_file_read(path, 1 << 20, &s, NULL) < 0)
		return strdup("");
	return s;
}

/* All stored files concatenated with their names: "did anything change". */
static char snap_buf[1 << 18];
static size_t snap_len;
static int snap_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	char *s = NULL;

	if (type != FTW_F || strstr(path, "/lock"))
		return 0;
	snap_len += (size_t)snprintf(snap_buf + snap_len, sizeof(snap_buf) - snap_len, "%s\n", path);
	if (np_file_read(path, 1 << 16, &s, NULL) == 0 && snap_len < sizeof(snap_buf))
		snap_len += (size_t)snprintf(snap_buf + snap_len, sizeof(snap_buf) - snap_len, "%s",
					     s);
	free(s);
	return 0;
}

static char *snapshot(void)
{
	snap_len = 0;
	snap_buf[0] = '\0';
	nftw(root, snap_visit, 16, FTW_PHYS);
	return strdup(snap_buf);
}

static int update(const char *name, enum np_update_cmd cmd, enum np_update_section sec,
		  const char *xml, unsigned flags, unsigned *ret_flags, struct np_err *err)
{
	struct env e;
	struct np_update_req req = {
		.name = name,
		.cmd = cmd,
		.section = sec,
		.parent_index = -1,
		.xml = xml,
		.len = strlen(xml),
		.flags = flags,
	};
	int r;

	memset(err, 0, sizeof(*err));
	rec.log[0] = '\0';
	env_open(&e);
	r = np_engine_update(&e.eng, &req, ret_flags, NULL, err);
	env_close(&e);
	return r;
}

static void start_default(void)
{
	struct env e;
	struct np_err err = { { 0 } };

	env_open(&e);
	CHECK(np_engine_start(&e.eng, "default", &err) == 0);
	env_close(&e);
	CHECK(rec.dnsmasq == 1);
}

static bool xml_has(const char *name, bool inactive, const char *needle)
{
	struct env e;
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;
	char *s = NULL;
	bool yes = false;

	env_open(&e);
	if (np_engine_lookup(&e.eng, name, inactive, &net, &err) == 0 &&
	    np_xml_net_format(net, 0, &s) == 0)
		yes = strstr(s, needle) != NULL;
	np_net_free(net);
	free(s);
	env_close(&e);
	return yes;
}

#define HOST1 "<host mac='52:54:00:00:00:50' name='g2' ip='192.168.122.50'/>"

/* ---- the tests ------------------------------------------------------------ */

static void test_flags(void)
{
	struct np_err err;
	unsigned done = 0;

	reset_root();
	/* inactive: current means config; --live is refused */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, HOST1,
		     NP_UPDATE_AFFECT_LIVE, &done, &err) == -EINVAL);
	CHECK_STR(err.msg, "network 'default' is not running");
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, HOST1, 0, &done,
		     &err) == 0);
	CHECK(done == NP_UPDATE_AFFECT_CONFIG);
	CHECK_STR(rec.log, "");
	CHECK(xml_has("default", true, HOST1));
	CHECK(update("nosuch", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, HOST1, 0, &done,
		     &err) == -ENOENT);

	/* active: current means live; the definition keeps its old self */
	start_default();
	CHECK(update("default", NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_HOST,
		     "<host mac='52:54:00:00:00:50'/>", 0, &done, &err) == 0);
	CHECK(done == NP_UPDATE_AFFECT_LIVE);
	CHECK(!xml_has("default", false, HOST1));
	CHECK(xml_has("default", true, HOST1));
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT,
		     "<txt name='a' value='b'/>",
		     NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG, &done, &err) == 0);
	CHECK(done == (NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG));
	CHECK(xml_has("default", false, "<txt name='a' value='b'/>"));
	CHECK(xml_has("default", true, "<txt name='a' value='b'/>"));
}

static void test_transient(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	const char *xml = "<network><name>t</name><bridge name='vbt0'/>"
			  "<ip address='10.7.0.1' prefix='24'><dhcp>"
			  "<range start='10.7.0.2' end='10.7.0.9'/></dhcp></ip></network>";
	char path[600], *name = NULL;
	unsigned done;

	reset_root();
	snprintf(path, sizeof(path), "%s/t.xml", root);
	np_file_write_atomic(path, xml, strlen(xml), 0644);
	env_open(&e);
	CHECK(np_engine_create(&e.eng, path, &name, &err) == 0);
	env_close(&e);
	free(name);
	CHECK(update("t", NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, "<txt name='a' value='b'/>",
		     NP_UPDATE_AFFECT_CONFIG, &done, &err) == -EINVAL);
	CHECK(strstr(err.msg, "transient") != NULL);
	CHECK(update("t", NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, "<txt name='a' value='b'/>", 0,
		     &done, &err) == 0);
	CHECK(done == NP_UPDATE_AFFECT_LIVE);
}

static void test_live_actions(void)
{
	struct np_err err;
	char *s;
	int pid;

	reset_root();
	start_default();
	pid = rec.pid;

	/* a DHCP host: the hostsfile and a SIGHUP, nothing else */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, HOST1,
		     NP_UPDATE_AFFECT_LIVE, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:hostsfile reload write:applied");
	s = slurp("lib/default.hostsfile");
	CHECK_STR(s, "52:54:00:00:00:50,192.168.122.50,g2\n");
	free(s);
	CHECK(rec.pid == pid && rec.dnsmasq == 1);

	/* a DNS host: addn-hosts and a SIGHUP */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_DNS_HOST,
		     "<host ip='192.168.122.7'><hostname>seven</hostname></host>", 0, NULL,
		     &err) == 0);
	CHECK_STR(rec.log, "write:addnhosts reload write:applied");
	s = slurp("lib/default.addnhosts");
	CHECK(strstr(s, "192.168.122.7\tseven") != NULL);
	free(s);

	/* TXT, SRV, ranges live in the config file: restart, as libvirt */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, "<txt name='t' value='v'/>",
		     0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:conf stop start mute write:applied");
	CHECK(rec.pid == pid + 1 && rec.dnsmasq == 1);
	s = slurp("lib/default.conf");
	CHECK(strstr(s, "\ntxt-record=t,v\n") != NULL);
	free(s);
	CHECK(update("default", NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_RANGE,
		     "<range start='192.168.122.2' end='192.168.122.254'/>", 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:conf stop start mute write:applied");

	/* the forward device is in the firewall rules only */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_FORWARD_INTERFACE,
		     "<interface dev='eth9'/>", 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "fw write:applied");
	CHECK(xml_has("default", false, "<forward dev='eth9' mode='nat'>"));

	/* a portgroup changes nothing that runs (the record holds the live XML) */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_PORTGROUP, "<portgroup name='p'/>",
		     0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:applied");

	/* dnsmasq had died: the host update starts it with the new files */
	rec.dnsmasq = 0;
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST,
		     "<host mac='52:54:00:00:00:51' ip='192.168.122.51'/>", 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:hostsfile reload start mute write:applied");
	CHECK(rec.dnsmasq == 1);
}

/* A failed step: the error is reported and files, definitions and the
 * running dnsmasq are as before. */
static void failing(const char *fail, enum np_update_section sec, const char *xml,
		    const char *want_log)
{
	struct np_err err;
	char *before, *after;
	int pid = rec.pid, running = rec.dnsmasq;

	before = snapshot();
	snprintf(rec.fail, sizeof(rec.fail), "%s", fail);
	CHECK(update("default", NP_UPDATE_ADD_LAST, sec, xml,
		     NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG, NULL, &err) < 0);
	CHECK(err.msg[0] != '\0');
	CHECK_STR(rec.log, want_log);
	after = snapshot();
	CHECK(before && after && !strcmp(before, after));
	CHECK(rec.dnsmasq == running);
	/* a restart that failed half way brings the old dnsmasq back */
	CHECK(rec.pid == pid || (strstr(want_log, "stop") && rec.pid > pid));
	free(before);
	free(after);
	rec.fail[0] = '\0';
}

static void test_failures(void)
{
	struct np_err err;

	reset_root();
	start_default();
	failing("write:hostsfile", NP_SECTION_IP_DHCP_HOST, HOST1, "write:hostsfile!");
	failing("reload", NP_SECTION_IP_DHCP_HOST, HOST1, "write:hostsfile reload! write:hostsfile");
	failing("stop", NP_SECTION_DNS_TXT, "<txt name='t' value='v'/>",
		"write:conf stop! write:conf");
	failing("start", NP_SECTION_DNS_TXT, "<txt name='t' value='v'/>",
		"write:conf stop start! write:conf start mute");
	failing("mute", NP_SECTION_DNS_TXT, "<txt name='t' value='v'/>",
		"write:conf stop start mute! stop write:conf start mute");
	failing("fw", NP_SECTION_FORWARD_INTERFACE, "<interface dev='eth9'/>", "fw!");

	/* refused before anything runs: a reload error that is not "gone" */
	rec.reload_rc = -EPERM;
	failing("nothing", NP_SECTION_IP_DHCP_HOST, HOST1, "write:hostsfile reload write:hostsfile");
	rec.reload_rc = 0;

	/* an update that the define-time checks refuse changes nothing either */
	failing("nothing", NP_SECTION_IP_DHCP_HOST,
		"<host mac='52:54:00:00:00:52' ip='10.0.0.5'/>", "");
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST,
		     "<host mac='52:54:00:00:00:52' ip='10.0.0.5'/>", 0, NULL, &err) == -EINVAL);
	CHECK(strstr(err.msg, "ip-dhcp-host: network 'default' after the update") == err.msg);

	/* and after all that, the real update still works */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, HOST1,
		     NP_UPDATE_AFFECT_LIVE | NP_UPDATE_AFFECT_CONFIG, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:hostsfile reload write:applied");
}

/* A portgroup's <outbound> changed live: the recorded ports in it get the
 * new limit or lose theirs, and the record says so (destroy removes what
 * the kernel has); a failure changes nothing. */
static void test_port_limits(void)
{
	static const char up[] = "<portgroup name='up' default='yes'><bandwidth>"
				 "<outbound average='1000'/></bandwidth></portgroup>";
	struct np_port port = { .type = NP_PORT_TAP, .ifname = "nplt0", .owner = -1,
				.mac = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 } };
	struct np_err err;
	struct env e;
	char *s;

	reset_root();
	start_default();
	env_open(&e);
	CHECK(np_store_port_save(e.st, "default", &port) == 0);
	env_close(&e);
	failing("fw", NP_SECTION_PORTGROUP, up, "fw!");
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_PORTGROUP, up, 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "fw write:applied");
	s = slurp("run/default.applied");
	CHECK(strstr(s, "step port-limit ifname=nplt0 undo=") != NULL);
	free(s);
	/* the same limit again: nothing to do */
	CHECK(update("default", NP_UPDATE_ADD_LAST, NP_SECTION_PORTGROUP, "<portgroup name='q'/>",
		     0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:applied");
	CHECK(update("default", NP_UPDATE_DELETE, NP_SECTION_PORTGROUP, up, 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "fw-del write:applied");
	s = slurp("run/default.applied");
	CHECK(!strstr(s, "port-limit"));
	free(s);
}

/* With DNS off, dnsmasq runs for DHCP only: deleting the last range stops it. */
static void test_dnsmasq_no_longer_needed(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	char path[600], *name = NULL;
	const char *xml = "<network><name>d</name><bridge name='vbd0'/><dns enable='no'/>"
			  "<ip address='10.8.0.1' prefix='24'><dhcp>"
			  "<range start='10.8.0.2' end='10.8.0.9'/></dhcp></ip></network>";

	reset_root();
	snprintf(path, sizeof(path), "%s/d.xml", root);
	np_file_write_atomic(path, xml, strlen(xml), 0644);
	env_open(&e);
	CHECK(np_engine_define(&e.eng, path, &name, &err) == 0);
	CHECK(np_engine_start(&e.eng, "d", &err) == 0);
	env_close(&e);
	free(name);
	CHECK(rec.dnsmasq == 1);
	/* the record destroy undoes follows: without dnsmasq it has no step
	 * for it */
	CHECK(update("d", NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_RANGE,
		     "<range start='10.8.0.2' end='10.8.0.9'/>", 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "stop rm:conf rm:hostsfile rm:addnhosts write:applied");
	CHECK(rec.dnsmasq == 0);
	{
		char *r = slurp("run/d.applied");

		CHECK(!strstr(r, "dnsmasq-start"));
		free(r);
	}
	/* and adding it back starts it again */
	CHECK(update("d", NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_RANGE,
		     "<range start='10.8.0.2' end='10.8.0.9'/>", 0, NULL, &err) == 0);
	CHECK_STR(rec.log, "write:conf write:hostsfile write:addnhosts start mute write:applied");
	CHECK(rec.dnsmasq == 1);
	{
		char *r = slurp("run/d.applied");

		CHECK(strstr(r, "step dnsmasq-start") && strstr(r, "step bridge-add ifname=vbd0 "
								   "ifindex=7"));
		free(r);
	}
	/* a failure to stop it: nothing changes */
	snprintf(rec.fail, sizeof(rec.fail), "stop");
	CHECK(update("d", NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_RANGE,
		     "<range start='10.8.0.2' end='10.8.0.9'/>", 0, NULL, &err) < 0);
	CHECK_STR(rec.log, "stop!");
	CHECK(rec.dnsmasq == 1 && xml_has("d", false, "<range start='10.8.0.2'"));
	rec.fail[0] = '\0';
}

/* A VXLAN peer (issue 18): only its flood entry changes, and the record
 * destroy undoes follows. */
static void test_vxlan_remote(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	char path[600], *name = NULL, *r;
	const char *xml = "<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
			  "<name>vx</name><forward mode='nat'/><bridge name='vbx0'/>"
			  "<netplumb:vxlan id='77' dev='ul0'>"
			  "<netplumb:remote address='10.99.0.2'/></netplumb:vxlan></network>";

	reset_root();
	snprintf(path, sizeof(path), "%s/vx.xml", root);
	np_file_write_atomic(path, xml, strlen(xml), 0644);
	env_open(&e);
	CHECK(np_engine_define(&e.eng, path, &name, &err) == 0);
	CHECK(np_engine_start(&e.eng, "vx", &err) == 0);
	env_close(&e);
	free(name);
	CHECK(update("vx", NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE,
		     "<netplumb:remote address='10.99.0.3'/>", NP_UPDATE_AFFECT_LIVE, NULL,
		     &err) == 0);
	CHECK_STR(rec.log, "fdb-add write:applied");
	r = slurp("run/vx.applied");
	CHECK(strstr(r, "step fdb-add ifname=vx77 dst=10.99.0.3\n") &&
	      strstr(r, "step vxlan-add ifname=vx77 ifindex=8"));
	free(r);
	CHECK(update("vx", NP_UPDATE_DELETE, NP_SECTION_VXLAN_REMOTE,
		     "<netplumb:remote address='10.99.0.2'/>", NP_UPDATE_AFFECT_LIVE, NULL,
		     &err) == 0);
	CHECK_STR(rec.log, "fdb-del write:applied");
	r = slurp("run/vx.applied");
	CHECK(!strstr(r, "dst=10.99.0.2"));
	free(r);
	CHECK(xml_has("vx", false, "<netplumb:remote address='10.99.0.3'/>"));
	CHECK(!xml_has("vx", false, "10.99.0.2"));
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_flags();
	test_transient();
	test_live_actions();
	test_failures();
	test_dnsmasq_no_longer_needed();
	test_vxlan_remote();
	test_port_limits();
	nftw(root, rm_visit, 16, FTW_DEPTH | FTW_PHYS);
	return check_result("test-update-live");
}
