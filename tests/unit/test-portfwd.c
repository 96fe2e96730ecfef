/* <netplumb:portForward> (issue 16): byte-for-byte round trip, one-line
 * errors naming the element and value, the nft rules (golden), net-update's
 * port-forward section. */
#include "common/err.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "xml/net.h"
#include "xml/update.h"
#include "xml/xml.h"

#include "check.h"
#include "net-load.h"

#include <errno.h>
#include <arpa/inet.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&s, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void test_round_trip(void)
{
	char path[512];
	_np_free_ char *in = NULL, *out = NULL, *nft = NULL;
	struct np_net *net;
	struct np_err err;

	snprintf(path, sizeof(path), "%s/xml/portfwd.xml", NP_TEST_DATA);
	in = slurp(path);
	CHECK(in);
	if (!in)
		return;
	net = test_net_load(in, &err);
	CHECK(net);
	if (!net) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(net->n_portfwds == 4);
	CHECK(np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &out) == 0);
	CHECK(out && !strcmp(in, out));
	CHECK(np_fw_ruleset_render(net, &nft, &err) == 0);
	snprintf(path, sizeof(path), "%s/fw/portfwd.nft", NP_TEST_DATA);
	CHECK(nft && check_golden(path, nft));
	/* the removal drops the three port forward chains too */
	free(nft);
	nft = NULL;
	CHECK(np_fw_ruleset_remove_render(net, &nft, &err) == 0);
	CHECK(nft && strstr(nft, "delete chain inet netplumb pfd-virbr9\n") &&
	      strstr(nft, "delete chain inet netplumb pfo-virbr9\n") &&
	      strstr(nft, "delete chain inet netplumb pfs-virbr9\n"));
	np_net_free(net);
}

#define HEAD                                                                                  \
	"<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>\n"               \
	"  <name>p</name>\n"                                                                  \
	"  <forward mode='%s'/>\n"                                                            \
	"  <bridge name='virbr9'/>\n"                                                         \
	"  <ip address='192.168.5.1' prefix='24'/>\n"                                         \
	"%s"                                                                                  \
	"</network>\n"

/* A document with body after the <ip>, refused with a message matching re
 * (one line, naming the element). */
static void bad(const char *mode, const char *body, const char *re)
{
	char xml[4096];
	struct np_err err;
	struct np_net *net;
	regex_t rx;

	snprintf(xml, sizeof(xml), HEAD, mode, body);
	net = test_net_load(xml, &err);
	CHECK(!net);
	np_net_free(net);
	CHECK(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) == 0);
	if (regexec(&rx, err.msg, 0, NULL, 0)) {
		fprintf(stderr, "message '%s' does not match /%s/\n", err.msg, re);
		CHECK(false);
	}
	regfree(&rx);
	CHECK(!strchr(err.msg, '\n'));
}

static void good(const char *mode, const char *body)
{
	char xml[4096];
	struct np_err err;
	struct np_net *net;

	snprintf(xml, sizeof(xml), HEAD, mode, body);
	net = test_net_load(xml, &err);
	if (!net)
		fprintf(stderr, "refused: %s\n", err.msg);
	CHECK(net);
	np_net_free(net);
}

#define PF(attrs, ranges) "  <netplumb:portForward " attrs ">" ranges "</netplumb:portForward>\n"
#define R(attrs) "<netplumb:range " attrs "/>"

static void test_errors(void)
{
	good("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80'")));
	good("route", PF("proto='udp' guest='192.168.5.10'", R("start='80' end='90'")));
	good("open", PF("proto='udp' guest='192.168.5.10'", R("start='80'")));
	/* the same port for another protocol, address or dev */
	good("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80'"))
			    PF("proto='udp' guest='192.168.5.10'", R("start='80'"))
				    PF("proto='tcp' guest='192.168.5.11' address='10.0.0.1'",
				       R("start='81'"))
					    PF("proto='tcp' guest='192.168.5.12' address='10.0.0.2'",
					       R("start='81'")));
	/* an excluded port may be forwarded by another element */
	good("nat", PF("proto='tcp' guest='192.168.5.10'",
		       R("start='80' end='90'") R("start='85' exclude='yes'"))
			    PF("proto='tcp' guest='192.168.5.11'", R("start='85'")));

	bad("nat", PF("guest='192.168.5.10'", R("start='80'")),
	    "t.xml:6: <netplumb:portForward>: missing 'proto' attribute");
	bad("nat", PF("proto='sctp' guest='192.168.5.10'", R("start='80'")),
	    "<netplumb:portForward proto='sctp'>: expected 'tcp' or 'udp'");
	bad("nat", PF("proto='tcp'", R("start='80'")), "<netplumb:portForward.*missing 'guest'");
	bad("nat", PF("proto='tcp' guest='192.168.5.300'", R("start='80'")),
	    "guest='192.168.5.300'>: not an IP address");
	bad("nat", PF("proto='tcp' guest='10.0.0.5'", R("start='80'")),
	    "guest='10.0.0.5'>: not inside any <ip> subnet");
	bad("nat", PF("proto='tcp' guest='192.168.5.1'", R("start='80'")),
	    "guest='192.168.5.1'>: is the bridge's own address");
	bad("nat", PF("proto='tcp' guest='192.168.5.255'", R("start='80'")),
	    "guest='192.168.5.255'>: is the subnet's network or broadcast");
	bad("nat", PF("proto='tcp' guest='fd00::5'", R("start='80'")),
	    "guest='fd00::5'>: not inside any <ip> subnet");
	bad("nat", PF("proto='tcp' guest='192.168.5.10' address='x'", R("start='80'")),
	    "address='x'>: not an IP address");
	bad("nat", PF("proto='tcp' guest='192.168.5.10' address='fd00::1'", R("start='80'")),
	    "address='fd00::1'>: not of the guest address's family");
	bad("nat", PF("proto='tcp' guest='192.168.5.10' dev='a;b'", R("start='80'")),
	    "dev='a;b'>: not an interface name");
	bad("nat", PF("proto='tcp' guest='192.168.5.10' dev='0123456789abcdef'", R("start='80'")),
	    "dev='0123456789abcdef'>: not an interface name");
	bad("nat", PF("proto='tcp' guest='192.168.5.10' dev=''", R("start='80'")),
	    "dev=''>: not an interface name");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", ""), "no <netplumb:range> element");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("end='80'")),
	    "t.xml:6: <netplumb:range>: missing 'start' attribute");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='0'")),
	    "<netplumb:range start='0'>: not a port number");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='65536'")),
	    "<netplumb:range start='65536'>: not a port number");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='-1'")),
	    "<netplumb:range start='-1'>: not a port number");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' end='70'")),
	    "end='70'>: end is below start");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' end='x'")),
	    "end='x'>: not a port number");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' to='0'")),
	    "to='0'>: not a port number");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' end='90' to='65530'")),
	    "to='65530'>: the range maps past port 65535");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' exclude='maybe'")),
	    "exclude='maybe'>: expected 'yes' or 'no'");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' exclude='yes' to='81'")),
	    "to='81'>: an excluded range maps to no guest port");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' exclude='yes'")),
	    "guest='192.168.5.10'>: every range is excluded");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80' end='90'") R("start='90'")),
	    "<netplumb:range start='90'>: port 90 is already forwarded");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80'"))
			   PF("proto='tcp' guest='192.168.5.11'", R("start='70' end='80'")),
	    "guest='192.168.5.11'>: port 80 is already forwarded");
	/* no address on one matches every address of the other */
	bad("nat", PF("proto='tcp' guest='192.168.5.10'", R("start='80'"))
			   PF("proto='tcp' guest='192.168.5.11' address='10.0.0.1'",
			      R("start='80'")),
	    "port 80 is already forwarded");
	bad("none", PF("proto='tcp' guest='192.168.5.10'", R("start='80'")),
	    "needs a nat, route or open network, not 'none'");
	bad("nat", PF("proto='tcp' guest='192.168.5.10'",
		      R("start='1' end='5000' to='10000'")),
	    "more than 4096 ports in ranges with a different guest port");
}

static void test_rules(void)
{
	struct np_err err;
	struct np_net *net;
	_np_free_ char *nft = NULL;
	char xml[4096];

	/* route: only the forward path, no DNAT chains */
	snprintf(xml, sizeof(xml), HEAD, "route",
		 PF("proto='tcp' guest='192.168.5.10' dev='eth1'", R("start='80'")));
	net = test_net_load(xml, &err);
	CHECK(net);
	if (!net)
		return;
	CHECK(np_fw_ruleset_render(net, &nft, &err) == 0);
	CHECK(nft && strstr(nft, "iifname \"eth1\" oifname \"virbr9\" ip daddr 192.168.5.10 tcp "
				 "dport 80 counter accept\n"));
	CHECK(nft && !strstr(nft, "dnat") && !strstr(nft, "pfd-"));
	np_net_free(net);
}

static char *fmt(const struct np_net *net)
{
	char *s = NULL;

	return np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &s) < 0 ? NULL : s;
}

static void test_update(void)
{
	struct np_err err = { { 0 } };
	enum np_update_section sec;
	struct np_net *net;
	char xml[4096];
	_np_free_ char *a = NULL, *b = NULL;
	const char *fw = "<netplumb:portForward proto='tcp' guest='192.168.5.10'>"
			 "<netplumb:range start='8080' to='80'/></netplumb:portForward>";

	CHECK(np_update_section_parse("port-forward", &sec, &err) == 0 &&
	      sec == NP_SECTION_PORT_FORWARD);
	snprintf(xml, sizeof(xml), HEAD, "nat", "");
	net = test_net_load(xml, &err);
	CHECK(net);
	if (!net)
		return;
	/* the snippet may leave the prefix undeclared */
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_ADD_LAST, sec, -1, fw, strlen(fw), &err) == 0);
	CHECK(net->n_portfwds == 1 && net->portfwds[0].ranges[0].to == 80);
	a = fmt(net);
	CHECK(a && strstr(a, "<netplumb:range start='8080' to='80'/>"));
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_ADD_LAST, sec, -1, fw, strlen(fw), &err) == -EINVAL);
	CHECK(strstr(err.msg, "port-forward: there is already a tcp forward of port 8080"));
	b = fmt(net);
	CHECK(a && b && !strcmp(a, b));
	fw = "<netplumb:portForward proto='tcp' guest='192.168.5.11'>"
	     "<netplumb:range start='8080' to='81'/></netplumb:portForward>";
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_MODIFY, sec, -1, fw, strlen(fw), &err) == 0);
	CHECK(net->n_portfwds == 1 && net->portfwds[0].ranges[0].to == 81 &&
	      net->portfwds[0].guest.v4.s_addr == htonl(0xc0a8050b));
	fw = "<netplumb:portForward proto='udp' guest='192.168.5.11'>"
	     "<netplumb:range start='8080'/></netplumb:portForward>";
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_DELETE, sec, -1, fw, strlen(fw), &err) == -EINVAL);
	CHECK(strstr(err.msg, "port-forward: no udp forward of port 8080"));
	fw = "<netplumb:portForward proto='tcp' guest='192.168.5.11'>"
	     "<netplumb:range start='8080'/></netplumb:portForward>";
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_DELETE, sec, -1, fw, strlen(fw), &err) == 0);
	CHECK(net->n_portfwds == 0);
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_ADD_LAST, sec, -1, "<host/>", 7, &err) == -EINVAL);
	CHECK(strstr(err.msg, "expecting <netplumb:portForward>"));
	fw = "<netplumb:portForward proto='tcp' guest='192.168.5.11'>"
	     "<netplumb:range start='0'/></netplumb:portForward>";
	memset(&err, 0, sizeof(err));
	CHECK(np_xml_net_update(net, NP_UPDATE_ADD_LAST, sec, -1, fw, strlen(fw), &err) == -EINVAL);
	CHECK(strstr(err.msg, "start='0'") && !strchr(err.msg, '\n'));
	np_net_free(net);
}

int main(void)
{
	test_round_trip();
	test_errors();
	test_rules();
	test_update();
	return check_result("test-portfwd");
}
