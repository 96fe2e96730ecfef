/* dnsmasq's servers-file from resolv.conf text (np_dhcp_servers_render), and
 * the config lines that use it (np_dhcp_conf_render with a serversfile). */
#include "check.h"

#include "common/err.h"
#include "dhcp/dhcp.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Renders text; returns the servers-file (owned) and the count in *n. */
static char *render(const char *text, int *n)
{
	char *out = NULL;

	*n = np_dhcp_servers_render(text, &out);
	return out;
}

static void expect(const char *text, const char *want, int want_n)
{
	int n;
	char *out = render(text, &n);

	CHECK(n == want_n);
	CHECK_STR(out, want);
	free(out);
}

/* Nothing but "server=" lines of printable bytes, each ending in '\n'. */
static bool only_server_lines(const char *s)
{
	for (const char *line = s; *line;) {
		const char *end = strchr(line, '\n');

		if (!end || strncmp(line, "server=", 7))
			return false;
		for (const char *p = line; p < end; p++)
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				return false;
		line = end + 1;
	}
	return true;
}

static void test_typical(void)
{
	/* systemd-resolved's stub file */
	expect("# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
	       "nameserver 127.0.0.53\n"
	       "options edns0 trust-ad\n"
	       "search lan\n",
	       "server=127.0.0.53\n", 1);
	/* order kept (strict-order queries them in this order), both families */
	expect("domain example.org\nnameserver 192.0.2.1\nnameserver 2001:db8::53\n"
	       "nameserver 198.51.100.7\n",
	       "server=192.0.2.1\nserver=2001:db8::53\nserver=198.51.100.7\n", 3);
	/* link-local with its interface, as glibc and dnsmasq read it */
	expect("nameserver fe80::1%eth0\n", "server=fe80::1%eth0\n", 1);
	expect("nameserver fe80::1%br-lan.10\n", "server=fe80::1%br-lan.10\n", 1);
	/* blanks and CRLF around the fields, trailing words ignored */
	expect("  nameserver\t10.0.0.1  # office\r\n\tnameserver 10.0.0.2\r\n",
	       "server=10.0.0.1\nserver=10.0.0.2\n", 2);
	/* no final newline */
	expect("nameserver 10.0.0.3", "server=10.0.0.3\n", 1);
	/* canonical form, not the input's spelling */
	expect("nameserver 2001:DB8:0:0:0:0:0:1\n", "server=2001:db8::1\n", 1);
	/* a duplicate is dropped */
	expect("nameserver 10.0.0.1\nnameserver 10.0.0.1\nnameserver 10.0.0.2\n",
	       "server=10.0.0.1\nserver=10.0.0.2\n", 2);
	/* the same address with another scope is another server */
	expect("nameserver fe80::1%eth0\nnameserver fe80::1%eth1\n",
	       "server=fe80::1%eth0\nserver=fe80::1%eth1\n", 2);
}

static void test_empty(void)
{
	expect(NULL, "", 0);
	expect("", "", 0);
	expect("\n\n\n", "", 0);
	expect("search example.org\noptions ndots:2\n", "", 0);
	expect("# nameserver 10.0.0.1\n; nameserver 10.0.0.2\n", "", 0);
}

static void test_hostile(void)
{
	static const char *const bad[] = {
		"nameserver\n",
		"nameserver \n",
		"nameserver 10.0.0.1%eth0\n",  /* no scope on IPv4 */
		"\tx 10.0.0.1\n",
		"nameserver 127.1\n",          /* inet_aton's short form */
		"nameserver 10.0.0.256\n",
		"nameserver 010.0.0.1\n",
		"nameserver 10.0.0.1,10.0.0.2\n",
		"nameserver 10.0.0.1#5353\n",  /* a port is dnsmasq syntax, not resolv.conf's */
		"nameserver 10.0.0.1@eth0\n",
		"nameserver /example/10.0.0.1\n",
		"nameserver example.org\n",
		"nameserver fe80::1%\n",
		"nameserver fe80::1%eth0%eth1\n",
		"nameserver fe80::1%eth0@x\n",
		"nameserver fe80::1%eth#0\n",
		"nameserver fe80::1%a/b\n",
		"nameserver fe80::1%a,b\n",
		"nameserver fe80::1%\"x\"\n",
		"nameserver fe80::1%..\n",
		"nameserver fe80::1%.\n",
		"nameserver fe80::1%sixteen-chars-xx\n",
		"nameserver %eth0\n",
		"nameserver ::1%\x01\n",
		"nameserver 10.0.0.1\x1b[2J\n",
		"nameserver 10.0.0.1\x7f\n",
		"nameserver 10.0.0.\xc3\xa9\n",
		"nameserver \"10.0.0.1\"\n",
		"nameserverx 10.0.0.1\n",
		"Nameserver 10.0.0.1\n",
		"xnameserver 10.0.0.1\n",
		"server=10.0.0.1\n",
		"nameserver=10.0.0.1\n",
		"nameserver\v10.0.0.1\n",
		"nameserver 1111:2222:3333:4444:5555:6666:7777:8888:9999\n",
		"nameserver 1111:2222:3333:4444:5555:6666:123.123.123.123.1\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n;
		char *out = render(bad[i], &n);

		CHECK(n == 0 && out && !strcmp(out, ""));
		if (n != 0 || !out || strcmp(out, ""))
			fprintf(stderr, "  case %zu: got '%s'\n", i, out ? out : "(null)");
		free(out);
	}
	/* a good line after a hostile one still counts; the hostile one never
	 * reaches the output, not even in part */
	expect("nameserver 10.0.0.1\nserver=/x/1.2.3.4\nnameserver 10.0.0.2\ninterface=lo\n",
	       "server=10.0.0.1\nserver=10.0.0.2\n", 2);
	expect("nameserver 10.0.0.1\rnameserver 10.0.0.9\n", "server=10.0.0.1\n", 1);
	expect("nameserver 10.0.0.1\nnameserver 10.0.0.2\n\0nameserver 10.0.0.3\n",
	       "server=10.0.0.1\nserver=10.0.0.2\n", 2);
}

static void test_limits(void)
{
	char *text = malloc(100 * 32), *out = NULL, *w = text;
	int n;

	/* 100 distinct servers: the first 64 are kept, in order */
	for (int i = 0; i < 100; i++)
		w += sprintf(w, "nameserver 10.0.%d.%d\n", i / 250, i % 250 + 1);
	n = np_dhcp_servers_render(text, &out);
	CHECK(n == 64);
	CHECK(out && strncmp(out, "server=10.0.0.1\n", 16) == 0);
	CHECK(out && strstr(out, "server=10.0.0.64\n") && !strstr(out, "server=10.0.0.65\n"));
	CHECK(out && only_server_lines(out));
	free(out);
	free(text);

	/* a long line of garbage, and random bytes: only server lines come out */
	text = malloc(70000);
	memset(text, 'a', 69999);
	text[69999] = '\0';
	memcpy(text, "nameserver ", 11);
	n = np_dhcp_servers_render(text, &out);
	CHECK(n == 0 && out && !*out);
	free(out);
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(rand() % 200);

		for (size_t i = 0; i < len; i++) {
			static const char pieces[] = "nameserver 0123456789abcdef:.%\n\r\t eth#,@/\"\x01\x7f";
			text[i] = rand() % 4 ? pieces[rand() % (sizeof(pieces) - 1)]
					     : (char)(rand() % 255 + 1);
		}
		text[len] = '\0';
		out = NULL;
		n = np_dhcp_servers_render(text, &out);
		CHECK(n >= 0 && out && only_server_lines(out));
		free(out);
	}
	free(text);
}

static struct np_net *parse(const char *xml)
{
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;

	if (np_xml_net_parse(xml, strlen(xml), "t.xml", &net, &err) < 0)
		fprintf(stderr, "parse: %s\n", err.msg);
	return net;
}

/* xml parsed, and its config rendered with paths `with` (*a) and with
 * the pid file alone (*b); NULL when it does not parse. */
static struct np_net *render_pair(const char *xml, const struct np_dhcp_paths *with, char **a,
				  char **b)
{
	struct np_dhcp_paths without = { .pidfile = with->pidfile };
	struct np_err err = { { 0 } };
	struct np_net *net = parse(xml);

	CHECK(net != NULL);
	if (!net)
		return NULL;
	CHECK(np_dhcp_conf_render(net, with, a, &err) == 0);
	CHECK(np_dhcp_conf_render(net, &without, b, &err) == 0);
	return net;
}

/* The config of xml with and without a serversfile: whether it uses it, and
 * that without one the text is what it always was. */
static void conf_case(const char *what, const char *xml, bool want_used)
{
	struct np_dhcp_paths with = { .pidfile = "/run/np/n.pid",
				      .serversfile = "/var/lib/np/n.servers" };
	char *a = NULL, *b = NULL;
	struct np_net *net = render_pair(xml, &with, &a, &b);

	if (!net)
		return;
	CHECK(np_dhcp_uses_servers_file(net) == want_used);
	if (a && b) {
		bool has = strstr(a, "\nservers-file=/var/lib/np/n.servers\n") != NULL;

		CHECK(has == want_used);
		if (has != want_used)
			fprintf(stderr, "  %s:\n%s", what, a);
		CHECK(!strstr(b, "servers-file"));
		/* no-resolv exactly once whenever the file is used */
		if (want_used) {
			const char *p = strstr(a, "\nno-resolv\n");

			CHECK(p && !strstr(p + 1, "\nno-resolv\n"));
			CHECK(!strstr(b, "\nno-resolv\n"));
		} else {
			CHECK_STR(a, b);
		}
		/* never a directory dnsmasq would watch with inotify */
		CHECK(!strstr(a, "hostsdir") && !strstr(a, "dhcp-optsdir"));
	}
	free(a);
	free(b);
	np_net_free(net);
}

#define NET(fwd, extra)                                                                       \
	"<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"           \
	"<name>n</name><bridge name='vbn0'/>" fwd extra                                      \
	"<ip address='10.9.0.1' prefix='24'><dhcp><range start='10.9.0.2' end='10.9.0.9'/>" \
	"</dhcp></ip></network>"

static void test_conf(void)
{
	conf_case("nat", NET("<forward mode='nat'/>", ""), true);
	conf_case("route", NET("<forward mode='route'/>", ""), true);
	conf_case("open", NET("<forward mode='open'/>", ""), true);
	conf_case("isolated", NET("", ""), false);
	conf_case("dns off", NET("<forward mode='nat'/>", "<dns enable='no'/>"), false);
	conf_case("forwarder for all",
		  NET("<forward mode='nat'/>", "<dns><forwarder addr='192.0.2.1'/></dns>"), false);
	conf_case("forwarder for a domain",
		  NET("<forward mode='nat'/>",
		      "<dns><forwarder domain='corp' addr='192.0.2.1'/></dns>"),
		  true);
	conf_case("user no-resolv",
		  NET("<forward mode='nat'/>",
		      "<dnsmasq:options><dnsmasq:option value='no-resolv'/></dnsmasq:options>"),
		  false);
	conf_case("user resolv-file",
		  NET("<forward mode='nat'/>", "<dnsmasq:options><dnsmasq:option "
					       "value='resolv-file=/etc/r2'/></dnsmasq:options>"),
		  false);
	conf_case("user option mentioning it",
		  NET("<forward mode='nat'/>", "<dnsmasq:options><dnsmasq:option "
					       "value='no-resolved-thing'/></dnsmasq:options>"),
		  true);
}

static void test_conf_path_checked(void)
{
	struct np_net *net = parse(NET("<forward mode='nat'/>", ""));
	struct np_dhcp_paths bad = { .serversfile = "/tmp/a\nserver=6.6.6.6" };
	struct np_dhcp_paths comma = { .serversfile = "/tmp/a,b" };
	struct np_err err = { { 0 } };
	char *out = NULL;

	CHECK(net != NULL);
	if (!net)
		return;
	CHECK(np_dhcp_conf_render(net, &bad, &out, &err) == -EINVAL && !out);
	CHECK(strstr(err.msg, "servers-file path") != NULL);
	memset(&err, 0, sizeof(err));
	CHECK(np_dhcp_conf_render(net, &comma, &out, &err) == -EINVAL && !out);
	np_net_free(net);
}

/* bind_static: bind-interfaces only for IPv4-only networks whose options do
 * not pick a bind mode; libvirt's bind-dynamic otherwise, and always without
 * the flag. */
static void bind_case(const char *what, const char *xml, bool want_static)
{
	struct np_dhcp_paths with = { .pidfile = "/run/np/n.pid", .bind_static = true };
	char *a = NULL, *b = NULL;
	struct np_net *net = render_pair(xml, &with, &a, &b);

	if (!net)
		return;
	CHECK(np_dhcp_binds_statically(net) == want_static);
	if (a && b) {
		bool st = strstr(a, "\nbind-interfaces\ninterface=") != NULL;

		CHECK(st == want_static);
		CHECK(st != (strstr(a, "\nbind-dynamic\n") != NULL));
		if (st != want_static)
			fprintf(stderr, "  %s:\n%s", what, a);
		CHECK(strstr(b, "\nbind-dynamic\ninterface=") && !strstr(b, "bind-interfaces"));
	}
	free(a);
	free(b);
	np_net_free(net);
}

static void test_bind(void)
{
	bind_case("ipv4 nat", NET("<forward mode='nat'/>", ""), true);
	bind_case("ipv4 isolated", NET("", ""), true);
	bind_case("user bind-dynamic",
		  NET("<forward mode='nat'/>",
		      "<dnsmasq:options><dnsmasq:option value='bind-dynamic'/></dnsmasq:options>"),
		  false);
	bind_case("ipv6 too",
		  "<network><name>n</name><bridge name='vbn0'/><forward mode='nat'/>"
		  "<ip address='10.9.0.1' prefix='24'/>"
		  "<ip family='ipv6' address='fd00:9::1' prefix='64'/></network>",
		  false);
}

int main(void)
{
	test_typical();
	test_empty();
	test_hostile();
	test_limits();
	test_conf();
	test_conf_path_checked();
	test_bind();
	return check_result("test-dhcp-servers");
}
