/* define / start / destroy / undefine against a temporary state store and
 * the fake ops table: the store's contents after each success and, above
 * all, after each failure. */
#include "check.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/health.h"
#include "engine/lifecycle.h"
#include "engine/port.h"
#include "engine/port_api.h"
#include "engine/store.h"
#include "xml/net.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake-ops.h"

static char root[] = "/tmp/np-test-lifecycle-XXXXXX";

struct env {
	struct np_store *st;
	struct np_engine eng;
};

/* The fake system outlives each "command" (env_open .. env_close). */
static struct fake fk;

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
	e->eng = (struct np_engine){ .store = e->st, .ops = &fake_ops, .ctx = &fk,
				     .dnsmasq_user = "nobody", .netns = "net:[1]",
				     .hooks_dir = root };
	CHECK(np_engine_seed(&e->eng, &err) == 0);
}

static void env_close(struct env *e)
{
	/* A new command is a new process: drop the lock between them. */
	np_store_free(e->st);
	e->st = NULL;
}

static int write_file(const char *name, const char *text, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", root, name);
	return np_file_write_atomic(path, text, strlen(text), 0644);
}

/* A checksum-free fingerprint of the store: every file's name and size,
 * but the lock's (it holds the pid of whoever holds it). */
static unsigned long long fp_acc;
static int fp_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (!strcmp(path + ftw->base, "lock"))
		return 0;
	for (const char *p = path; *p; p++)
		fp_acc = fp_acc * 131 + (unsigned char)*p;
	fp_acc = fp_acc * 131 + (unsigned long long)sb->st_size;
	return 0;
}

static unsigned long long fingerprint(void)
{
	fp_acc = 0;
	nftw(root, fp_visit, 16, FTW_PHYS);
	return fp_acc;
}

static void test_seed_and_start(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;

	env_open(&e);
	CHECK(np_store_is_persistent(e.st, "default"));
	CHECK(np_store_is_autostart(e.st, "default"));
	CHECK(!np_store_is_active(e.st, "default"));
	CHECK(np_engine_lookup(&e.eng, "default", false, &net, &err) == 0);
	CHECK(net && net->has_uuid && net->has_mac && net->mac[0] == 0x52 && net->mac[1] == 0x54 &&
	      net->mac[2] == 0x00);
	np_net_free(net);
	net = NULL;

	CHECK(np_engine_start(&e.eng, "default", &err) == 0);
	CHECK(np_store_is_active(e.st, "default"));
	CHECK(fake_links(&fk) == 1 && fk.dnsmasq == 1 && fk.fw == 1 && fk.table);
	env_close(&e);

	/* starting twice fails without touching anything */
	env_open(&e);
	int calls = fk.calls;

	memset(&err, 0, sizeof(err));
	CHECK(np_engine_start(&e.eng, "default", &err) == -EEXIST);
	CHECK(strstr(err.msg, "already active") != NULL);
	CHECK(fk.calls == calls);
	env_close(&e);

	/* another namespace's command does not touch it */
	env_open(&e);
	e.eng.netns = "net:[2] lab2";
	memset(&err, 0, sizeof(err));
	CHECK(np_engine_destroy(&e.eng, "default", &err) == -EXDEV);
	CHECK(strstr(err.msg, "active in another network namespace (net:[1])") != NULL);
	CHECK(fk.calls == calls && np_store_is_active(e.st, "default"));
	env_close(&e);

	/* destroy undoes the record: the bridge by the ifindex it got */
	env_open(&e);
	memset(&err, 0, sizeof(err));
	fake_log_reset(&fk);
	CHECK(np_engine_destroy(&e.eng, "default", &err) == 0);
	CHECK(fake_clean(&fk));
	CHECK(strstr(np_buf_str(&fk.log), "link_del 10\n") != NULL);
	CHECK(strstr(np_buf_str(&fk.log), "fw_prune\n") != NULL);
	CHECK(!np_store_is_active(e.st, "default"));
	memset(&err, 0, sizeof(err));
	CHECK(np_engine_destroy(&e.eng, "default", &err) == -EINVAL);
	CHECK(strstr(err.msg, "not active") != NULL);
	env_close(&e);
}

static void test_failed_start_leaves_nothing(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	unsigned long long before;

	for (int n = 1; n < 20; n++) {
		env_open(&e);
		before = fingerprint();
		fake_free(&fk);
		fake_init(&fk);
		fk.fail_at = n;
		memset(&err, 0, sizeof(err));
		if (np_engine_start(&e.eng, "default", &err) == 0) {
			/* the "started" hook only warns; n past the last step */
			int total = fk.calls;

			fk.fail_at = 0;
			CHECK(np_engine_destroy(&e.eng, "default", &err) == 0);
			CHECK(fake_clean(&fk));
			env_close(&e);
			CHECK(n > 10);
			if (n <= total)
				continue;
			break;
		}
		CHECK(fake_clean(&fk));
		CHECK(!np_store_is_active(e.st, "default"));
		CHECK(strstr(err.msg, "failed to start network 'default'") != NULL);
		env_close(&e);
		CHECK(fingerprint() == before);
	}
}

static void test_define_errors(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	char path[512], *name = NULL;
	unsigned long long before;

	env_open(&e);
	before = fingerprint();
	CHECK(write_file("broken.xml", "<network><name>x</name>", path, sizeof(path)) == 0);
	before = fingerprint();
	CHECK(np_engine_define(&e.eng, path, &name, &err) < 0);
	CHECK(strstr(err.msg, "broken.xml") != NULL);
	CHECK(fingerprint() == before);
	memset(&err, 0, sizeof(err));
	CHECK(np_engine_start(&e.eng, "nosuch", &err) == -ENOENT);
	CHECK(strstr(err.msg, "nosuch") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(np_engine_undefine(&e.eng, "nosuch", &err) == -ENOENT);
	CHECK(fingerprint() == before);
	env_close(&e);
}

static void test_define_fills_and_undefine(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;
	char path[512], *name = NULL;

	env_open(&e);
	CHECK(write_file("lab.xml",
			 "<network><name>lab</name><forward mode='route'/>"
			 "<ip address='10.77.0.1' prefix='24'/></network>",
			 path, sizeof(path)) == 0);
	CHECK(np_engine_define(&e.eng, path, &name, &err) == 0);
	CHECK_STR(name, "lab");
	free(name);
	name = NULL;
	CHECK(np_engine_lookup(&e.eng, "lab", true, &net, &err) == 0);
	/* virbr0 belongs to 'default', so the first free one is virbr1 */
	CHECK(net && net->bridge.name && !strcmp(net->bridge.name, "virbr1"));
	CHECK(net && net->has_mac && net->mac[0] == 0x52);
	np_net_free(net);
	net = NULL;
	/* redefining keeps the uuid and MAC */
	{
		struct np_net *again = NULL;
		uint8_t uuid[16], mac[6];

		CHECK(np_engine_lookup(&e.eng, "lab", true, &net, &err) == 0);
		memcpy(uuid, net->uuid, 16);
		memcpy(mac, net->mac, 6);
		CHECK(np_engine_define(&e.eng, path, &name, &err) == 0);
		free(name);
		name = NULL;
		CHECK(np_engine_lookup(&e.eng, "lab", true, &again, &err) == 0);
		CHECK(again && !memcmp(again->uuid, uuid, 16) && !memcmp(again->mac, mac, 6));
		np_net_free(again);
		np_net_free(net);
		net = NULL;
	}
	CHECK(np_engine_undefine(&e.eng, "lab", &err) == 0);
	CHECK(!np_store_is_persistent(e.st, "lab"));
	env_close(&e);

	/* an undefined 'default' is not brought back by the seed */
	env_open(&e);
	CHECK(np_engine_undefine(&e.eng, "default", &err) == 0);
	env_close(&e);
	env_open(&e);
	CHECK(!np_store_is_persistent(e.st, "default"));
	env_close(&e);
}

/* Defines FILE (written from xml) and returns the engine's result. */
static int define_xml(struct env *e, const char *file, const char *xml, struct np_err *err)
{
	char path[512], *name = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	if (write_file(file, xml, path, sizeof(path)) < 0)
		return -EIO;
	r = np_engine_define(&e->eng, path, &name, err);
	free(name);
	return r;
}

static bool claimed(const char *kind, const char *key, const char *name)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/run/claims/%s/%s/%s", root, kind, key, name);
	return access(path, F_OK) == 0;
}

#define NET(name, br, extra)                                                               \
	"<network><name>" name "</name>" extra "<bridge name='" br "'/>"                    \
	"<ip address='10.88.0.1' prefix='24'/></network>"
#define UUID1 "<uuid>8d2c1a52-6a3b-4c8e-9d43-2f2d5f0f1a01</uuid>"

/* The bridge/uuid index: define reads only the networks it names, keeps it
 * right across redefine, undefine, transient and active networks, and
 * rebuilds it for a store that has none or was changed behind its back. */
static void test_claims_index(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	char path[512], *name = NULL;

	env_open(&e);
	CHECK(define_xml(&e, "a.xml", NET("ia", "npbr-a", UUID1), &err) == 0);
	CHECK(claimed("bridge", "npbr-a", "ia"));
	CHECK(claimed("uuid", "8d2c1a52-6a3b-4c8e-9d43-2f2d5f0f1a01", "ia"));
	CHECK(define_xml(&e, "b.xml", NET("ib", "npbr-a", ""), &err) == -EEXIST);
	CHECK(strstr(err.msg, "<bridge name='npbr-a'>: already used by network 'ia'"));
	CHECK(define_xml(&e, "b.xml", NET("ib", "npbr-b", UUID1), &err) == -EEXIST);
	CHECK(strstr(err.msg, "is already used by network 'ia'"));
	/* redefined on another bridge: the old name is free again, and the
	 * stale entry goes when a lookup finds it */
	CHECK(define_xml(&e, "a.xml", NET("ia", "npbr-a2", UUID1), &err) == 0);
	CHECK(define_xml(&e, "b.xml", NET("ib", "npbr-a", ""), &err) == 0);
	CHECK(!claimed("bridge", "npbr-a", "ia") && claimed("bridge", "npbr-a", "ib"));
	CHECK(define_xml(&e, "c.xml", NET("ic", "npbr-a2", ""), &err) == -EEXIST);
	/* undefined: its uuid and bridge are free */
	CHECK(np_engine_undefine(&e.eng, "ia", &err) == 0);
	CHECK(define_xml(&e, "c.xml", NET("ic", "npbr-a2", UUID1), &err) == 0);
	CHECK(np_engine_undefine(&e.eng, "ic", &err) == 0);
	env_close(&e);

	/* a transient network holds its bridge while it runs */
	env_open(&e);
	CHECK(write_file("t.xml", NET("it", "npbr-t", ""), path, sizeof(path)) == 0);
	CHECK(np_engine_create(&e.eng, path, &name, &err) == 0);
	free(name);
	name = NULL;
	CHECK(define_xml(&e, "d.xml", NET("id", "npbr-t", ""), &err) == -EEXIST);
	CHECK(strstr(err.msg, "already used by network 'it'"));
	CHECK(np_engine_destroy(&e.eng, "it", &err) == 0);
	CHECK(define_xml(&e, "d.xml", NET("id", "npbr-t", ""), &err) == 0);
	env_close(&e);

	/* an active network: its live definition counts, as before */
	env_open(&e);
	CHECK(np_engine_start(&e.eng, "id", &err) == 0);
	CHECK(define_xml(&e, "d.xml", NET("id", "npbr-t2", ""), &err) == 0);
	CHECK(define_xml(&e, "f.xml", NET("if", "npbr-t", ""), &err) == -EEXIST);
	CHECK(claimed("bridge", "npbr-t", "id") && claimed("bridge", "npbr-t2", "id"));
	CHECK(np_engine_destroy(&e.eng, "id", &err) == 0);
	CHECK(define_xml(&e, "f.xml", NET("if", "npbr-t2", ""), &err) == -EEXIST);
	CHECK(define_xml(&e, "f.xml", NET("if", "npbr-t", ""), &err) == 0);
	CHECK(!claimed("bridge", "npbr-t", "id"));
	env_close(&e);

	/* the index is what define trusts: an entry removed behind its back
	 * goes unnoticed while config_dir is unchanged (so no other network's
	 * XML was read) ... */
	snprintf(path, sizeof(path), "%s/run/claims/bridge/npbr-a/ib", root);
	CHECK(unlink(path) == 0);
	env_open(&e);
	CHECK(define_xml(&e, "g.xml", NET("ig", "npbr-a", ""), &err) == 0);
	CHECK(np_engine_undefine(&e.eng, "ig", &err) == 0);
	env_close(&e);
	/* ... and a store without an index (an older netplumb's) or with a
	 * definition copied in by hand gets it rebuilt */
	snprintf(path, sizeof(path), "%s/run/claims/bridge/npbr-a/ib", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run/claims/complete", root);
	CHECK(unlink(path) == 0);
	env_open(&e);
	CHECK(define_xml(&e, "g.xml", NET("ig", "npbr-a", ""), &err) == -EEXIST);
	CHECK(strstr(err.msg, "already used by network 'ib'"));
	CHECK(claimed("bridge", "npbr-a", "ib"));
	CHECK(write_file("etc/ih.xml", NET("ih", "npbr-h", ""), path, sizeof(path)) == 0);
	CHECK(define_xml(&e, "g.xml", NET("ig", "npbr-h", ""), &err) == -EEXIST);
	CHECK(strstr(err.msg, "already used by network 'ih'"));
	env_close(&e);

	/* without the lock (plan FILE) every network is looked at */
	env_open(&e);
	snprintf(path, sizeof(path), "%s/run/claims/bridge/npbr-a/ib", root);
	CHECK(unlink(path) == 0);
	{
		struct np_net *net = NULL;

		CHECK(write_file("g.xml", NET("ig", "npbr-a", ""), path, sizeof(path)) == 0);
		memset(&err, 0, sizeof(err));
		CHECK(np_engine_load_for_plan(&e.eng, path, &net, &err) == -EEXIST);
		np_net_free(net);
	}
	env_close(&e);
}

static int rm_visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(path);
}

static char warned[NP_ERR_MAX];

static void record_warning(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

/* A bridge deleted by hand and replaced by someone else's of the same name
 * is not ours: health says so, repair restarts the network without
 * touching that link (its start fails on the name), destroy leaves it. */
static void test_replaced_bridge(void)
{
	struct env e;
	struct np_err err = { { 0 } };
	struct np_health h;
	char what[256];

	fake_free(&fk);
	fake_init(&fk);
	env_open(&e);
	e.eng.warn = record_warning;
	CHECK(np_engine_start(&e.eng, "default", &err) == 0);
	CHECK(np_engine_health(&e.eng, "default", true, &h, &err) == 0 && np_health_ok(&h));
	/* rules flushed: re-applied */
	fk.fw = 0;
	CHECK(np_engine_repair(&e.eng, "default", false, what, sizeof(what), &err) == 0);
	CHECK_STR(what, "firewall rules re-applied");
	/* the bridge replaced */
	fk.n_links = 0;
	fake_foreign_link(&fk, "virbr0", NULL);
	CHECK(np_engine_health(&e.eng, "default", true, &h, &err) == 0 && !h.bridge);
	np_health_describe(&h, what, sizeof(what));
	CHECK_STR(what, "bridge missing");
	warned[0] = '\0';
	memset(&err, 0, sizeof(err));
	CHECK(np_engine_repair(&e.eng, "default", false, what, sizeof(what), &err) == -EEXIST);
	CHECK(fk.n_links == 1 && !fake_links(&fk));
	CHECK(!np_store_is_active(e.st, "default") && !fk.dnsmasq && !fk.fw);
	env_close(&e);
	fake_free(&fk);
	fake_init(&fk);
}

/* A portgroup's <outbound> on a port port-add makes: its nft limit comes
 * with the port, goes with port-delete and net-destroy, and a failure at
 * any change of port-add (the record written last) takes it back. */
static void test_port_limit(void)
{
	struct np_port_add_req req = { .veth = "g1", .ifname = "nplp0" };
	struct env e;
	struct np_err err = { { 0 } };
	struct np_port port;
	char path[512], *name = NULL;
	int fw, links, failed = 0;

	env_open(&e);
	CHECK(write_file("pl.xml",
			 "<network><name>pl</name><bridge name='nplim0'/>"
			 "<portgroup name='g' default='yes'><bandwidth><outbound average='1000'/>"
			 "</bandwidth></portgroup></network>",
			 path, sizeof(path)) == 0);
	CHECK(np_engine_define(&e.eng, path, &name, &err) == 0);
	free(name);
	CHECK(np_engine_start(&e.eng, "pl", &err) == 0);
	env_close(&e);
	fw = fk.fw;
	links = fake_links(&fk);
	for (int n = 1; n < 20; n++) {
		env_open(&e);
		fake_log_reset(&fk);
		fk.fail_at = fk.calls + n;
		memset(&err, 0, sizeof(err));
		if (np_engine_port_add(&e.eng, "pl", &req, &port, &err) == -EIO) {
			_np_free_ struct np_port *ports = NULL;
			size_t np = 0;

			failed++;
			CHECK(fk.fw == fw && fake_links(&fk) == links);
			CHECK(np_store_ports_load(e.st, "pl", &ports, &np) == 0 && np == 0);
			env_close(&e);
			continue;
		}
		fk.fail_at = 0;
		CHECK(strstr(np_buf_str(&fk.log), "port_add nplp0 nplim0\nfw_apply add\n") != NULL);
		CHECK(fk.fw == fw + 1 && fake_links(&fk) == links + 1);
		fake_log_reset(&fk);
		CHECK(np_engine_port_del(&e.eng, "pl", "nplp0", &err) == 0);
		CHECK(strstr(np_buf_str(&fk.log), "fw_apply remove\nfw_prune\nlink_del ") != NULL);
		CHECK(fk.fw == fw && fake_links(&fk) == links);
		env_close(&e);
		break;
	}
	/* port, limit, record: each of them failed once */
	CHECK(failed == 3);
	env_open(&e);
	CHECK(np_engine_port_add(&e.eng, "pl", &req, &port, &err) == 0 && fk.fw == fw + 1);
	env_close(&e);
	env_open(&e);
	fake_log_reset(&fk);
	CHECK(np_engine_destroy(&e.eng, "pl", &err) == 0);
	CHECK(strstr(np_buf_str(&fk.log), "fw_apply remove\nfw_prune\nlink_del ") != NULL);
	CHECK(fk.fw == fw - 1 && fake_links(&fk) == links - 1);
	env_close(&e);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	fake_init(&fk);
	test_seed_and_start();
	test_failed_start_leaves_nothing();
	test_replaced_bridge();
	test_define_errors();
	test_define_fills_and_undefine();
	test_claims_index();
	test_port_limit();
	nftw(root, rm_visit, 16, FTW_DEPTH | FTW_PHYS);
	fake_free(&fk);
	return check_result("test-lifecycle");
}
