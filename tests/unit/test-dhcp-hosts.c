/* dhcp-hostsfile and addn-hosts contents from an np_net built in C. */
#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
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

static void test_hostsfile(void)
{
	struct np_dhcp_host h4[5] = {
		{ .mac_str = (char *)"52:54:00:AA:bb:01", .has_mac = true, .name = (char *)"a",
		  .ip = A("10.0.0.10") },
		{ .name = (char *)"b.example.com", .ip = A("10.0.0.11"),
		  .lease = { .set = true, .expiry = 2, .unit = NP_LEASE_HOURS } },
		{ .has_mac = true, .mac = { 0x52, 0x54, 0, 0, 0, 0x0c }, .ip = A("10.0.0.12"),
		  .lease = { .set = true, .expiry = 0 } },
		/* no ip: not a static lease, left out as libvirt does */
		{ .has_mac = true, .mac = { 0x52, 0x54, 0, 0, 0, 0x0d }, .name = (char *)"noip" },
		{ .mac_str = (char *)"52:54:00:00:00:0e", .has_mac = true, .name = (char *)"e",
		  .ip = A("10.0.0.14"), .lease = { .set = true, .expiry = 90, .unit = NP_LEASE_SECONDS } },
	};
	struct np_dhcp_host h6[3] = {
		{ .id = (char *)"0:3:0:1:0:16:3e:11:22:33", .name = (char *)"peter",
		  .ip = A("fd00::22"), .lease = { .set = true, .expiry = 30, .unit = NP_LEASE_MINUTES } },
		{ .name = (char *)"paul", .ip = A("fd00::21") },
		{ .id = (char *)"0:4:7e", .ip = A("fd00::20") },
	};
	struct np_dhcp_host other = { .name = (char *)"other", .has_mac = true, .ip = A("10.1.0.5") };
	struct np_ip ips[3] = {
		{ .address = A("fd00::1"), .prefix = 64, .hosts = h6, .n_hosts = 3 },
		{ .address = A("10.0.0.1"), .prefix = 24, .hosts = h4, .n_hosts = 5 },
		/* a second IPv4 <ip> with hosts is not served (and refused by
		 * the config renderer) */
		{ .address = A("10.1.0.1"), .prefix = 24, .hosts = &other, .n_hosts = 1 },
	};
	struct np_net net = { .name = (char *)"n", .ips = ips, .n_ips = 3 };
	struct np_err err = { "" };
	_np_free_ char *out = NULL;

	CHECK(np_dhcp_hosts_render(&net, &out, &err) == 0);
	/* IPv4 first, whatever the <ip> order; the mac as written */
	CHECK_STR(out, "52:54:00:AA:bb:01,10.0.0.10,a\n"
		       "b.example.com,10.0.0.11,2h\n"
		       "52:54:00:00:00:0c,10.0.0.12,infinite\n"
		       "52:54:00:00:00:0e,10.0.0.14,e,90s\n"
		       "id:0:3:0:1:0:16:3e:11:22:33,peter,[fd00::22],30m\n"
		       "paul,[fd00::21]\n"
		       "id:0:4:7e,[fd00::20]\n");
}

static void expect_bad_host(struct np_dhcp_host h, int family, const char *elem, int line)
{
	struct np_ip ip = { .address = A(family == 4 ? "10.0.0.1" : "fd00::1"),
			    .prefix = family == 4 ? 24 : 64,
			    .hosts = &h,
			    .n_hosts = 1 };
	struct np_net net = { .name = (char *)"n", .ips = &ip, .n_ips = 1 };
	struct np_err err = { "" };
	char *out = NULL;
	int rc;

	h.ip = A(family == 4 ? "10.0.0.5" : "fd00::5");
	rc = np_dhcp_hosts_render(&net, &out, &err);
	if (rc != -EINVAL || out || !strstr(err.msg, elem)) {
		fprintf(stderr, "%s:%d: expected -EINVAL naming %s, got %d '%s'\n", __FILE__, line,
			elem, rc, err.msg);
		failures++;
	}
	free(out);
}

static void test_hostsfile_refused(void)
{
	struct np_dhcp_host mac = { .has_mac = true, .mac = { 0x52, 0x54, 0, 0, 0, 1 } };
	struct np_dhcp_host h;

#define BAD(field, value, fam, elem)                          \
	do {                                                  \
		h = mac;                                      \
		h.field = (char *)value;                      \
		expect_bad_host(h, fam, elem, __LINE__);      \
	} while (0)
	BAD(name, "a,10.0.0.99", 4, "<dhcp><host name");
	BAD(name, "a\nb", 4, "<dhcp><host name");
	BAD(name, "set:evil", 4, "<dhcp><host name");
	BAD(name, "ignore", 4, "<dhcp><host name");
	BAD(name, "Infinite", 4, "<dhcp><host name");
	BAD(name, "45m", 4, "<dhcp><host name");
	BAD(name, "600", 4, "<dhcp><host name");
	BAD(name, "10.0.0.77", 4, "<dhcp><host name");
	BAD(name, "two words", 4, "<dhcp><host name");
	BAD(id, "0:1,ignore", 6, "<dhcp><host id");
	BAD(mac_str, "52:54:00:00:00:01,ignore", 4, "<dhcp><host mac");
#undef BAD
	/* neither mac nor name (IPv4), neither id nor name (IPv6) */
	h = (struct np_dhcp_host){ 0 };
	expect_bad_host(h, 4, "mac or a name", __LINE__);
	expect_bad_host(h, 6, "id or a name", __LINE__);
	/* names that merely start like a field are fine */
	{
		struct np_dhcp_host ok = { .name = (char *)"3com", .ip = A("10.0.0.3") };
		struct np_ip ip = { .address = A("10.0.0.1"), .prefix = 24, .hosts = &ok, .n_hosts = 1 };
		struct np_net net = { .name = (char *)"n", .ips = &ip, .n_ips = 1 };
		struct np_err err = { "" };
		_np_free_ char *out = NULL;

		CHECK(np_dhcp_hosts_render(&net, &out, &err) == 0);
		CHECK_STR(out, "3com,10.0.0.3\n");
	}
}

static void test_addnhosts(void)
{
	char *n1[] = { (char *)"host", (char *)"gateway" };
	char *n2[] = { (char *)"v6" };
	char *n3[] = { (char *)"alias" };
	struct np_dns_host hosts[4] = {
		{ .ip = A("192.168.122.1"), .hostnames = n1, .n_hostnames = 2 },
		{ .ip = A("fd00::1"), .hostnames = n2, .n_hostnames = 1 },
		/* same address again: merged into the first line, as libvirt */
		{ .ip = A("192.168.122.1"), .hostnames = n3, .n_hostnames = 1 },
		{ .hostnames = n3, .n_hostnames = 1 }, /* no ip: skipped */
	};
	struct np_net net = { .name = (char *)"n" };
	struct np_err err = { "" };
	_np_free_ char *out = NULL, *bad = NULL;
	char *evil[] = { (char *)"ok", (char *)"x\n1.2.3.4 victim" };

	net.dns.hosts = hosts;
	net.dns.n_hosts = 4;
	CHECK(np_dhcp_addnhosts_render(&net, &out, &err) == 0);
	CHECK_STR(out, "192.168.122.1\thost\tgateway\talias\t\n"
		       "fd00::1\tv6\t\n");

	hosts[1].hostnames = evil;
	hosts[1].n_hostnames = 2;
	CHECK(np_dhcp_addnhosts_render(&net, &bad, &err) == -EINVAL);
	CHECK(!bad && strstr(err.msg, "<dns><host><hostname>"));
}

int main(void)
{
	test_hostsfile();
	test_hostsfile_refused();
	test_addnhosts();
	if (failures) {
		fprintf(stderr, "test-dhcp-hosts: %d failure(s)\n", failures);
		return 1;
	}
	printf("test-dhcp-hosts: ok\n");
	return 0;
}
