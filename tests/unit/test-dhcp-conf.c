/* dnsmasq config rendering from an np_net built in C (no XML parser), plus
 * the checks that keep user strings from changing the config's meaning.
 * NP_REGEN=1 rewrites the golden files under data/dhcp/. */
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "dhcp/dnsmasq_priv.h"
#include "xml/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); \
			failures++;                                                    \
		}                                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                  \
	do {                                                                             \
		const char *_a = (a), *_b = (b);                                         \
		if (!_a || strcmp(_a, _b)) {                                             \
			fprintf(stderr, "%s:%d: got:\n%s\nwant:\n%s\n", __FILE__, __LINE__, \
				_a ? _a : "(null)", _b);                                 \
			failures++;                                                      \
		}                                                                        \
	} while (0)

static struct np_addr A(const char *s)
{
	struct np_addr a = { 0 };

	if (np_addr_parse(s, 0, &a) < 0)
		abort();
	return a;
}

/* libvirt's default network (src/network/default.xml.in): NAT, virbr0,
 * 192.168.122.1/24, range .2-.254. Everything lives in *t, nothing is
 * malloc'd, so np_net_free() is never called on it. */
struct testnet {
	struct np_net net;
	struct np_ip ips[4];
	struct np_dhcp_range ranges[2];
	struct np_dhcp_host hosts4[4], hosts6[4];
};

static void default_net(struct testnet *t)
{
	memset(t, 0, sizeof(*t));
	t->net.name = (char *)"default";
	t->net.forward.present = true;
	t->net.forward.has_mode = true;
	t->net.forward.mode = NP_FWD_NAT;
	t->net.bridge.present = true;
	t->net.bridge.name = (char *)"virbr0";
	t->ranges[0].start = A("192.168.122.2");
	t->ranges[0].end = A("192.168.122.254");
	t->ips[0].address = A("192.168.122.1");
	t->ips[0].has_netmask = true;
	t->ips[0].netmask = A("255.255.255.0");
	t->ips[0].prefix = 24;
	t->ips[0].has_dhcp = true;
	t->ips[0].ranges = t->ranges;
	t->ips[0].n_ranges = 1;
	t->net.ips = t->ips;
	t->net.n_ips = 1;
}

static char *render(const struct np_net *net, const struct np_dhcp_paths *paths, int *rc,
		    struct np_err *err)
{
	char *out = NULL;

	memset(err, 0, sizeof(*err));
	*rc = np_dhcp_conf_render(net, paths, &out, err);
	return out;
}

/* The body after netplumb's '##' header. */
static const char *body(const char *s)
{
	while (s && !strncmp(s, "##", 2))
		s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s);
	return s;
}

static void check_golden(const char *name, const char *got)
{
	_np_free_ char *path = NULL, *want = NULL;

	if (asprintf(&path, "%s/dhcp/%s", NP_TEST_DATA, name) < 0)
		abort();
	if (getenv("NP_REGEN")) {
		CHECK(np_file_write_atomic(path, got, strlen(got), 0644) == 0);
		return;
	}
	CHECK(np_file_read(path, 1 << 20, &want, NULL) == 0);
	if (want)
		CHECK_STR(got, want);
}

static void test_default(void)
{
	struct testnet t;
	struct np_dhcp_paths paths = {
		.hostsfile = "/var/lib/netplumb/default.hostsfile",
		.addnhosts = "/var/lib/netplumb/default.addnhosts",
		.pidfile = "/run/netplumb/default.pid",
		.leasefile = "/var/lib/netplumb/default.leases",
		.user = "dnsmasq",
	};
	struct np_err err;
	_np_free_ char *conf = NULL, *bare = NULL, *hosts = NULL, *addn = NULL;
	int rc;

	default_net(&t);
	conf = render(&t.net, &paths, &rc, &err);
	CHECK(rc == 0);
	if (conf) {
		check_golden("default.conf", conf);
		CHECK(strstr(conf, "##    netplumb net-edit default\n") != NULL);
		CHECK(strstr(conf, "## dnsmasq conf file created by netplumb\n") != NULL);
	}
	/* without paths: no pid-file/leasefile/user/hostsfile lines at all */
	bare = render(&t.net, NULL, &rc, &err);
	CHECK(rc == 0);
	CHECK_STR(body(bare), "strict-order\n"
			      "except-interface=lo\n"
			      "bind-dynamic\n"
			      "interface=virbr0\n"
			      "dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0\n"
			      "dhcp-no-override\n"
			      "dhcp-authoritative\n"
			      "dhcp-lease-max=253\n");
	CHECK(np_dhcp_hosts_render(&t.net, &hosts, &err) == 0);
	CHECK_STR(hosts, "");
	CHECK(np_dhcp_addnhosts_render(&t.net, &addn, &err) == 0);
	CHECK_STR(addn, "");
	CHECK(np_dhcp_needed(&t.net));
}

static void test_needed(void)
{
	struct testnet t;

	default_net(&t);
	t.net.dns.enable = NP_TRI_NO;
	CHECK(np_dhcp_needed(&t.net)); /* DHCP still wanted */
	t.ips[0].n_ranges = 0;
	CHECK(!np_dhcp_needed(&t.net)); /* no DNS, no DHCP, no TFTP */
	t.ips[0].tftp_root = (char *)"/srv/tftp";
	CHECK(np_dhcp_needed(&t.net));
	t.ips[0].tftp_root = NULL;
	t.net.dns.enable = NP_TRI_ABSENT;
	CHECK(np_dhcp_needed(&t.net)); /* DNS alone */
	t.net.n_ips = 0;
	CHECK(!np_dhcp_needed(&t.net));
	default_net(&t);
	t.net.forward.mode = NP_FWD_BRIDGE;
	CHECK(!np_dhcp_needed(&t.net));
}

static void test_isolated_nodns(void)
{
	struct testnet t;
	struct np_dhcp_paths paths = { .hostsfile = "/h", .addnhosts = "/a" };
	struct np_err err;
	_np_free_ char *iso = NULL, *nodns = NULL;
	int rc;

	default_net(&t);
	t.net.forward.present = false;
	t.net.forward.mode = NP_FWD_NONE;
	iso = render(&t.net, &paths, &rc, &err);
	CHECK(rc == 0);
	CHECK(iso && strstr(iso, "interface=virbr0\ndhcp-option=3\nno-resolv\nra-param=*,0,0\n"));
	CHECK(iso && strstr(iso, "addn-hosts=/a\n"));

	default_net(&t);
	t.net.dns.enable = NP_TRI_NO;
	t.net.dns.n_txts = 0;
	nodns = render(&t.net, &paths, &rc, &err);
	CHECK(rc == 0);
	CHECK(nodns && !strncmp(body(nodns), "strict-order\nport=0\n", 20));
	CHECK(nodns && !strstr(nodns, "addn-hosts"));
	CHECK(nodns && strstr(nodns, "dhcp-hostsfile=/h\n"));
}

static void test_dns_records(void)
{
	struct testnet t;
	struct np_dns_forwarder fwd[3] = {
		{ .addr = A("2001:db8::53") },
		{ .domain = (char *)"example.com", .addr = A("192.0.2.53"), .port = 5353 },
		{ .domain = (char *)"local.lan" },
	};
	struct np_dns_txt txt = { (char *)"_x", (char *)"a b,c" };
	struct np_dns_srv srv[2] = {
		{ .service = (char *)"ldap", .protocol = (char *)"tcp", .target = (char *)"dc",
		  .has_weight = true, .weight = 5 },
		{ .service = (char *)"none", .protocol = (char *)"udp", .target = (char *)".",
		  .has_port = true, .port = 9 },
	};
	struct np_err err;
	_np_free_ char *conf = NULL;
	int rc;

	default_net(&t);
	t.net.dns.forwarders = fwd;
	t.net.dns.n_forwarders = 3;
	t.net.dns.txts = &txt;
	t.net.dns.n_txts = 1;
	t.net.dns.srvs = srv;
	t.net.dns.n_srvs = 2;
	t.net.domain.name = (char *)"lan";
	t.net.domain.local_only = NP_TRI_YES;
	t.net.dns.forward_plain_names = NP_TRI_NO;
	conf = render(&t.net, NULL, &rc, &err);
	CHECK(rc == 0);
	CHECK(conf && strstr(conf, "strict-order\n"
				   "server=2001:db8::53\n"
				   "server=/example.com/192.0.2.53#5353\n"
				   "server=/local.lan/#\n"
				   "no-resolv\n"
				   "local=/lan/\n"
				   "domain=lan\n"
				   "expand-hosts\n"
				   "domain-needed\n"
				   "local=//\n"
				   "except-interface=lo\n"));
	CHECK(conf && strstr(conf, "txt-record=_x,a b,c\n"
				   "srv-host=_ldap._tcp,dc,1,0,5\n"
				   "srv-host=_none._udp\n"));
}

static void test_ptr(void)
{
	struct testnet t;
	struct np_err err;
	_np_free_ char *conf = NULL, *bad = NULL;
	int rc;

	default_net(&t);
	t.ips[0].local_ptr = NP_TRI_YES;
	t.ips[1].address = A("fd00:1234:5678::1");
	t.ips[1].prefix = 48;
	t.ips[1].local_ptr = NP_TRI_YES;
	t.net.n_ips = 2;
	conf = render(&t.net, NULL, &rc, &err);
	CHECK(rc == 0);
	CHECK(conf && strstr(conf, "local=/122.168.192.in-addr.arpa/\n"
				   "local=/8.7.6.5.4.3.2.1.0.0.d.f.ip6.arpa/\n"));
	CHECK(conf && strstr(conf, "dhcp-range=fd00:1234:5678::1,ra-only\n"));

	t.ips[0].prefix = 20; /* not on an octet boundary: libvirt refuses */
	bad = render(&t.net, NULL, &rc, &err);
	CHECK(rc == -EINVAL && !bad && strstr(err.msg, "prefix 20"));
}

static void test_dhcp_shapes(void)
{
	struct testnet t;
	struct np_dhcp_host h4 = { .has_mac = true, .mac = { 0x52, 0x54, 0, 1, 2, 3 },
				   .ip = { 0 } };
	struct np_err err;
	_np_free_ char *st = NULL, *two = NULL, *big = NULL, *rev = NULL;
	int rc;

	/* hosts without a range: dhcp-range=ADDR,static, no lease count */
	default_net(&t);
	h4.ip = A("192.168.122.9");
	t.ips[0].n_ranges = 0;
	t.ips[0].hosts = &h4;
	t.ips[0].n_hosts = 1;
	t.ips[0].bootp_file = (char *)"pxe.img";
	t.ips[0].bootp_server = (char *)"192.0.2.1";
	st = render(&t.net, NULL, &rc, &err);
	CHECK(rc == 0);
	CHECK(st && strstr(st, "dhcp-range=192.168.122.1,static\n"
			       "dhcp-no-override\n"
			       "dhcp-authoritative\n"
			       "dhcp-boot=pxe.img,,192.0.2.1\n"));
	CHECK(st && !strstr(st, "dhcp-lease-max"));

	/* a second IPv4 <ip> with DHCP: libvirt refuses */
	default_net(&t);
	t.ips[1] = t.ips[0];
	t.ips[1].address = A("192.168.123.1");
	t.ranges[1].start = A("192.168.123.2");
	t.ranges[1].end = A("192.168.123.3");
	t.ips[1].ranges = &t.ranges[1];
	t.net.n_ips = 2;
	two = render(&t.net, NULL, &rc, &err);
	CHECK(rc == -EINVAL && !two && strstr(err.msg, "multiple DHCP"));

	/* ranges libvirt cannot count */
	default_net(&t);
	t.ips[0].prefix = 8;
	t.ips[0].address = A("10.0.0.1");
	t.ranges[0].start = A("10.0.0.2");
	t.ranges[0].end = A("10.2.0.2");
	big = render(&t.net, NULL, &rc, &err);
	CHECK(rc == -EINVAL && !big && strstr(err.msg, "too large"));
	t.ranges[0].end = A("10.0.0.1");
	t.ranges[0].start = A("10.0.0.9");
	rev = render(&t.net, NULL, &rc, &err);
	CHECK(rc == -EINVAL && !rev && strstr(err.msg, "reversed"));
}

static void test_path_build(void)
{
	_np_free_ char *p = NULL, *q = NULL;

	CHECK(np_dhcp_path_build("/d", "default\"with\"quotes\"", "hostsfile", &p) == 0);
	CHECK_STR(p, "/d/default&quot;with&quot;quotes&quot;.hostsfile");
	CHECK(np_dhcp_path_build("/d", "a<b>&'", "addnhosts", &q) == 0);
	CHECK_STR(q, "/d/a&lt;b&gt;&amp;&apos;.addnhosts");
	CHECK(np_dhcp_path_build("/d", "../x/y", "hostsfile", &p) == -EINVAL);
	CHECK(np_dhcp_path_build("/d", "", "hostsfile", &p) == -EINVAL);
}

/* Each case puts one hostile string into an otherwise good network; the
 * render must fail with -EINVAL, name the element, and return nothing. */
static void expect_refused(const struct np_net *net, const struct np_dhcp_paths *paths,
			   const char *elem, int line)
{
	struct np_err err;
	char *conf = NULL;
	int rc = 0;

	conf = render(net, paths, &rc, &err);
	if (rc != -EINVAL || conf || !strstr(err.msg, elem)) {
		fprintf(stderr, "%s:%d: expected -EINVAL naming %s, got %d '%s'\n", __FILE__, line,
			elem, rc, err.msg);
		failures++;
	}
	free(conf);
}

static void test_injection(void)
{
	struct testnet t;
	struct np_dns_txt txt = { (char *)"t", (char *)"v" };
	struct np_dns_srv srv = { .service = (char *)"s", .protocol = (char *)"tcp" };
	struct np_dns_forwarder fwd = { .domain = (char *)"x" };
	struct np_dnsmasq_option opt = { (char *)"cname=a,b" };
	struct np_dhcp_paths paths = { .pidfile = "/run/x.pid" };
	struct np_err err;
	_np_free_ char *ok = NULL;
	int rc;

	default_net(&t);
	t.net.dns.txts = &txt;
	t.net.dns.n_txts = 1;
	t.net.dns.srvs = &srv;
	t.net.dns.n_srvs = 1;
	t.net.dns.forwarders = &fwd;
	t.net.dns.n_forwarders = 1;
	t.net.dnsmasq_options = &opt;
	t.net.n_dnsmasq_options = 1;
	ok = render(&t.net, &paths, &rc, &err);
	CHECK(rc == 0 && ok && strstr(ok, "\ncname=a,b\n")); /* raw options keep commas */

#define REFUSE(field, bad, elem)                                                            \
	do {                                                                                \
		default_net(&t);                                                            \
		t.net.dns.txts = &txt;                                                      \
		t.net.dns.n_txts = 1;                                                       \
		t.net.dns.srvs = &srv;                                                      \
		t.net.dns.n_srvs = 1;                                                       \
		t.net.dns.forwarders = &fwd;                                                \
		t.net.dns.n_forwarders = 1;                                                 \
		t.net.dnsmasq_options = &opt;                                               \
		t.net.n_dnsmasq_options = 1;                                                \
		struct np_dns_txt txt2 = txt;                                               \
		struct np_dns_srv srv2 = srv;                                               \
		struct np_dns_forwarder fwd2 = fwd;                                         \
		struct np_dnsmasq_option opt2 = opt;                                        \
		t.net.dns.txts = &txt2;                                                     \
		t.net.dns.srvs = &srv2;                                                     \
		t.net.dns.forwarders = &fwd2;                                               \
		t.net.dnsmasq_options = &opt2;                                              \
		field = bad;                                                                \
		expect_refused(&t.net, &paths, elem, __LINE__);                             \
	} while (0)

	REFUSE(t.net.name, (char *)"de\nfault", "<name>");
	REFUSE(t.net.bridge.name, (char *)"br0\ninterface=eth0", "<bridge name>");
	REFUSE(t.net.bridge.name, (char *)"br0,eth0", "<bridge name>");
	REFUSE(t.net.domain.name, (char *)"lan\nserver=1.2.3.4", "<domain name>");
	REFUSE(t.net.domain.name, (char *)"a/b", "<domain name>");
	REFUSE(txt2.name, (char *)"a,b", "<dns><txt name>");
	REFUSE(txt2.value, (char *)"v\ndhcp-script=/bin/sh", "<dns><txt value>");
	REFUSE(txt2.value, (char *)"v\rx", "<dns><txt value>");
	REFUSE(txt2.value, (char *)"say \"hi\"", "<dns><txt value>");
	REFUSE(txt2.value, (char *)"cut #here", "<dns><txt value>");
	REFUSE(srv2.service, (char *)"s,1", "<dns><srv service>");
	REFUSE(srv2.protocol, (char *)"tcp\n", "<dns><srv protocol>");
	REFUSE(srv2.domain, (char *)"d\tx", "<dns><srv domain>");
	REFUSE(srv2.target, (char *)"t,99", "<dns><srv target>");
	REFUSE(fwd2.domain, (char *)"a/1.2.3.4", "<dns><forwarder domain>");
	REFUSE(fwd2.domain, (char *)"x\n", "<dns><forwarder domain>");
	REFUSE(opt2.value, (char *)"foo=bar\ndhcp-script=/tmp/x", "<dnsmasq:option value>");
	REFUSE(t.ips[0].tftp_root, (char *)"/srv,eth0", "<tftp root>");
	REFUSE(t.ips[0].bootp_file, (char *)"pxe\nenable-tftp", "<bootp file>");
	REFUSE(paths.pidfile, "/run/x\n.pid", "pid-file path");
	paths.pidfile = "/run/x.pid";
#undef REFUSE
}

/* The files a config names: last pid-file/leasefile/user/group wins,
 * unprivileged files in order, empty values and look-alike keys ignored. */
static void test_files_parse(void)
{
	char text[] = "pid-file=/run/a.pid\n"
		      "dhcp-leasefile=/var/lib/x.leases\n"
		      "user=dnsmasq\n"
		      "pid-file=/run/b.pid\n"
		      "addn-hosts=/run/x.addnhosts\n"
		      "dhcp-hostsfile=\n"
		      "dhcp-hostsfilex=/nope\n"
		      "servers-file=/run/x.servers";
	struct np_dnsmasq_files f = { 0 };

	CHECK(np_dnsmasq_files_parse_text(text, &f) == 0);
	CHECK_STR(f.pidfile, "/run/b.pid");
	CHECK_STR(f.leasefile, "/var/lib/x.leases");
	CHECK_STR(f.user, "dnsmasq");
	CHECK(f.group == NULL);
	CHECK(f.n_unprivileged == 2);
	if (f.n_unprivileged == 2) {
		CHECK_STR(f.unprivileged[0], "/run/x.addnhosts");
		CHECK_STR(f.unprivileged[1], "/run/x.servers");
	}
	np_dnsmasq_files_clear(&f);
	CHECK(f.pidfile == NULL && f.n_unprivileged == 0);
}

int main(void)
{
	test_default();
	test_needed();
	test_isolated_nodns();
	test_dns_records();
	test_ptr();
	test_dhcp_shapes();
	test_path_build();
	test_injection();
	test_files_parse();
	if (failures) {
		fprintf(stderr, "test-dhcp-conf: %d failure(s)\n", failures);
		return 1;
	}
	printf("test-dhcp-conf: ok\n");
	return 0;
}
