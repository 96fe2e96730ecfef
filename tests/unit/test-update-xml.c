/* net-update on the model (xml/update.h), beyond libvirt's own cases in
 * conf-xml2xml: parent-index and "auto" <ip> selection, partial matches on
 * delete, add-first/add-last order, forward dev kept in step with the first
 * <interface>, refusals that leave the network untouched, hostile snippets
 * and the count limits. */
#include "check.h"

#include "common/err.h"
#include "xml/net.h"
#include "xml/update.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char base_xml[] =
	"<network>\n"
	"  <name>net</name>\n"
	"  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n"
	"  <forward mode='nat'/>\n"
	"  <bridge name='virbr5'/>\n"
	"  <ip family='ipv6' address='2001:db8::1' prefix='64'/>\n"
	"  <ip address='10.1.0.1' prefix='24'/>\n"
	"  <ip address='10.2.0.1' prefix='24'>\n"
	"    <dhcp>\n"
	"      <range start='10.2.0.10' end='10.2.0.20'/>\n"
	"      <host mac='52:54:00:00:00:01' name='one' ip='10.2.0.101'/>\n"
	"      <host name='two' ip='10.2.0.102'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"</network>\n";

static struct np_net *load(const char *xml)
{
	struct np_net *net = NULL;
	struct np_err err = { { 0 } };

	if (np_xml_net_parse(xml, strlen(xml), "t.xml", &net, &err) < 0)
		fprintf(stderr, "parse: %s\n", err.msg);
	return net;
}

static char *fmt(const struct np_net *net)
{
	char *s = NULL;

	if (np_xml_net_format(net, 0, &s) < 0)
		return NULL;
	return s;
}

/* Runs one update; on failure checks that net formats exactly as before
 * and that the message is one line naming the section. */
static int upd(struct np_net *net, enum np_update_cmd cmd, enum np_update_section sec, int idx,
	       const char *xml, struct np_err *err)
{
	char *before = fmt(net), *after;
	int r;

	memset(err, 0, sizeof(*err));
	r = np_xml_net_update(net, cmd, sec, idx, xml, strlen(xml), err);
	if (r < 0) {
		after = fmt(net);
		CHECK(before && after && !strcmp(before, after));
		CHECK(!strchr(err->msg, '\n'));
		CHECK(!strncmp(err->msg, np_update_section_names[sec],
			       strlen(np_update_section_names[sec])));
		free(after);
	}
	free(before);
	return r;
}

static bool has(const struct np_net *net, const char *needle)
{
	char *s = fmt(net);
	bool yes = s && strstr(s, needle);

	free(s);
	return yes;
}

static void test_names(void)
{
	struct np_err err = { { 0 } };
	enum np_update_cmd c;
	enum np_update_section s;

	CHECK(np_update_cmd_parse("add", &c, &err) == 0 && c == NP_UPDATE_ADD_LAST);
	CHECK(np_update_cmd_parse("add-first", &c, &err) == 0 && c == NP_UPDATE_ADD_FIRST);
	CHECK(np_update_cmd_parse("modify", &c, &err) == 0 && c == NP_UPDATE_MODIFY);
	CHECK(np_update_cmd_parse("none", &c, &err) == -EINVAL);
	CHECK_STR(err.msg, "unrecognized command name 'none'");
	memset(&err, 0, sizeof(err));
	CHECK(np_update_section_parse("dns-srv", &s, &err) == 0 && s == NP_SECTION_DNS_SRV);
	CHECK(np_update_section_parse("forward-interface", &s, &err) == 0 &&
	      s == NP_SECTION_FORWARD_INTERFACE);
	CHECK(np_update_section_parse("ip-dhcp", &s, &err) == -EINVAL);
	CHECK_STR(err.msg, "unrecognized section name 'ip-dhcp'");
}

static void test_parent_index(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;

	/* auto: the <ip> that already has DHCP, although it is the third */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:00:00:03' ip='10.2.0.103'/>", &err) == 0);
	CHECK(net->ips[2].n_hosts == 3 && net->ips[1].n_hosts == 0);
	/* an explicit index counts every family: 1 is the first IPv4 <ip>,
	 * but a second DHCP <ip> of a family is refused */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, 1,
		  "<host mac='52:54:00:00:00:04' ip='10.1.0.4'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "single IPv4 address") != NULL);
	/* index 0 is the IPv6 <ip>: no mac there, and families must match */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, 0,
		  "<host mac='52:54:00:00:00:05' ip='2001:db8::5'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, 0,
		  "<host name='v6' ip='10.2.0.99'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "address family") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, 0,
		  "<host id='0:1:2' name='v6' ip='2001:db8::5'/>", &err) == 0);
	CHECK(net->ips[0].n_hosts == 1 && net->ips[0].has_dhcp);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, 7,
		  "<host name='x' ip='10.2.0.98'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "index 7") != NULL);
	np_net_free(net);

	/* auto without any DHCP <ip>: the first IPv4 one, even after an IPv6 one */
	net = load("<network><name>n</name><bridge name='b0'/>"
		   "<ip family='ipv6' address='fd00::1' prefix='64'/>"
		   "<ip address='10.9.0.1' prefix='24'/></network>");
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.9.0.2' end='10.9.0.9'/>", &err) == 0);
	CHECK(net->ips[1].n_ranges == 1 && net->ips[0].n_ranges == 0);
	CHECK(has(net, "<range start='10.9.0.2' end='10.9.0.9'/>"));
	np_net_free(net);

	net = load("<network><name>n</name><bridge name='b0'/></network>");
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:00:00:01' ip='10.0.0.2'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "no <ip>") != NULL);
	np_net_free(net);
}

static void test_dhcp_hosts(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;

	/* add-first puts it in front, with its lease */
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:00:00:09' name='nine' ip='10.2.0.109'>"
		  "<lease expiry='2' unit='hours'/></host>",
		  &err) == 0);
	CHECK_STR(net->ips[2].hosts[0].name, "nine");
	CHECK(net->ips[2].hosts[0].lease.set && net->ips[2].hosts[0].lease.unit == NP_LEASE_HOURS);
	/* duplicates by mac (any case), name or ip */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:00:00:09' ip='10.2.0.150'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "52:54:00:00:00:09") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:AA:00:09' name='two' ip='10.2.0.150'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:aa:00:09' ip='10.2.0.102'/>", &err) == -EINVAL);
	/* a bad element, a multicast mac, a lease under 2 minutes */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1, "<range start='10.2.0.1'/>",
		  &err) == -EINVAL);
	CHECK(strstr(err.msg, "expecting <host>") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='01:00:5e:00:00:01' ip='10.2.0.150'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:aa:00:09' ip='10.2.0.150'><lease expiry='60' unit='seconds'/>"
		  "</host>",
		  &err) == -EINVAL);

	/* modify finds the first entry by mac, ip or name and replaces it */
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host name='two' ip='10.2.0.122'/>", &err) == 0);
	CHECK(has(net, "<host name='two' ip='10.2.0.122'/>"));
	CHECK(!has(net, "10.2.0.102"));

	/* delete: each attribute given must match; a stored host without a
	 * mac matches any mac */
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:00:00:01' ip='10.2.0.199'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_HOST, -1,
		  "<host mac='52:54:00:77:77:77' name='two'/>", &err) == 0);
	CHECK(!has(net, "name='two'"));
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_HOST, -1, "<host id='0:1'/>", &err) ==
	      -EINVAL);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_HOST, -1, "<host ip='10.2.0.101'/>",
		  &err) == 0);
	CHECK(net->ips[2].n_hosts == 1);
	np_net_free(net);
}

static void test_ranges(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;

	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.10' end='10.2.0.20'/>", &err) == -EOPNOTSUPP);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.10' end='10.2.0.20'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "existing dhcp range") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.40' end='10.2.0.30'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.0' end='10.2.0.30'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.30' end='10.2.0.40'><lease expiry='0'/></range>", &err) == 0);
	CHECK(net->ips[2].n_ranges == 2 && net->ips[2].ranges[1].lease.set &&
	      net->ips[2].ranges[1].lease.expiry == 0);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.10' end='10.2.0.20'/>", &err) == 0);
	CHECK(net->ips[2].n_ranges == 1);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_IP_DHCP_RANGE, -1,
		  "<range start='10.2.0.10' end='10.2.0.20'/>", &err) == -EINVAL);
	np_net_free(net);
}

static void test_forward_interface(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;

	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth1'/>", &err) == 0);
	CHECK_STR(net->forward.dev, "eth1");
	CHECK(has(net, "<forward dev='eth1' mode='nat'>"));
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth2'/>", &err) == 0);
	CHECK_STR(net->forward.dev, "eth1");
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth0'/>", &err) == 0);
	CHECK_STR(net->forward.dev, "eth0");
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth2'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth2'/>", &err) == -EOPNOTSUPP);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_FORWARD_INTERFACE, -1, "<interface/>",
		  &err) == -EINVAL);
	/* an interface in use by guests stays */
	net->forward.ifs[2].connections = 2;
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth2'/>", &err) == -EBUSY);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth0'/>", &err) == 0);
	CHECK_STR(net->forward.dev, "eth1");
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth1'/>", &err) == 0);
	CHECK_STR(net->forward.dev, "eth2");
	net->forward.ifs[0].connections = 0;
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_FORWARD_INTERFACE, -1,
		  "<interface dev='eth2'/>", &err) == 0);
	CHECK(net->forward.dev == NULL && net->forward.n_ifs == 0);
	CHECK(has(net, "<forward mode='nat'/>"));
	np_net_free(net);
}

static void test_dns(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;

	/* hosts: the same name on another address is fine, the same address is not */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_HOST, -1,
		  "<host ip='10.2.0.5'><hostname>a</hostname><hostname>b</hostname></host>",
		  &err) == 0);
	CHECK(net->dns.present && net->dns.n_hosts == 1);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_HOST, -1,
		  "<host ip='10.2.0.6'><hostname>a</hostname></host>", &err) == 0);
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_DNS_HOST, -1,
		  "<host ip='10.2.0.5'><hostname>c</hostname></host>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_DNS_HOST, -1,
		  "<host ip='10.2.0.7'><hostname></hostname></host>", &err) == -EINVAL);
	/* delete by a name held by two records is ambiguous */
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_DNS_HOST, -1, "<host><hostname>a</hostname></host>",
		  &err) == -EINVAL);
	CHECK(strstr(err.msg, "multiple") != NULL);
	/* modify finds by address only */
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_DNS_HOST, -1,
		  "<host><hostname>b</hostname></host>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_DNS_HOST, -1,
		  "<host ip='10.2.0.6'><hostname>z</hostname></host>", &err) == 0);
	CHECK(has(net, "<host ip='10.2.0.6'>\n      <hostname>z</hostname>"));
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_DNS_HOST, -1, "<host><hostname>b</hostname></host>",
		  &err) == 0);
	CHECK(net->dns.n_hosts == 1);

	/* txt: name is the key; modify replaces the value and needs one */
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "<txt name='t1' value='v1'/>",
		  &err) == 0);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "<txt name='t 2' value='v'/>",
		  &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "<txt name='t2'/>", &err) ==
	      -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1,
		  "<txt name='t2' value='a&#13;b'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_DNS_TXT, -1, "<txt name='t1'/>", &err) ==
	      -EINVAL);
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_DNS_TXT, -1, "<txt name='t1' value='v2'/>",
		  &err) == 0);
	CHECK(has(net, "<txt name='t1' value='v2'/>"));
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_DNS_TXT, -1, "<txt name='t1'/>", &err) == 0);
	CHECK(net->dns.n_txts == 0);

	/* srv: no modify; port needs a target; delete needs one match */
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_DNS_SRV, -1, "<srv service='a' protocol='tcp'/>",
		  &err) == -EOPNOTSUPP);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_SRV, -1,
		  "<srv service='a' protocol='tcp' port='80'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_SRV, -1,
		  "<srv service='a' protocol='tcp' target='t' port='0'/>", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_SRV, -1, "<srv service='a.b' protocol='tcp'/>",
		  &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_SRV, -1,
		  "<srv service='a' protocol='tcp' target='t' port='80'/>", &err) == 0);
	CHECK(upd(net, NP_UPDATE_ADD_FIRST, NP_SECTION_DNS_SRV, -1, "<srv service='a' protocol='udp'/>",
		  &err) == 0);
	CHECK_STR(net->dns.srvs[0].protocol, "udp");
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_SRV, -1, "<srv service='a' protocol='udp'/>",
		  &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_DNS_SRV, -1, "<srv service='a'/>", &err) ==
	      -EINVAL);
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_DNS_SRV, -1, "<srv target='t'/>", &err) == 0);
	CHECK(net->dns.n_srvs == 1);
	np_net_free(net);
}

static void test_unsupported_and_hostile(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;
	char *big;

	static const enum np_update_section nope[] = { NP_SECTION_BRIDGE, NP_SECTION_DOMAIN,
						       NP_SECTION_IP, NP_SECTION_FORWARD,
						       NP_SECTION_FORWARD_PF };

	for (size_t i = 0; i < sizeof(nope) / sizeof(nope[0]); i++) {
		CHECK(upd(net, NP_UPDATE_ADD_LAST, nope[i], -1, "<x/>", &err) == -EOPNOTSUPP);
		CHECK(strstr(err.msg, "can't update") != NULL);
	}
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1,
		  "<!DOCTYPE t [<!ENTITY e 'x'>]><txt name='a' value='&e;'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "DTD") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "<txt name='a' value='b'>",
		  &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "", &err) == -EINVAL);
	CHECK(upd(net, NP_UPDATE_NONE, NP_SECTION_DNS_TXT, -1, "<txt name='a' value='b'/>", &err) ==
	      -EINVAL);

	/* nesting deeper than the limit */
	big = malloc(64 * 8 + 64);
	strcpy(big, "<host ip='10.2.0.9'>");
	for (int i = 0; i < 40; i++)
		strcat(big, "<a>");
	for (int i = 0; i < 40; i++)
		strcat(big, "</a>");
	strcat(big, "</host>");
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_HOST, -1, big, &err) == -EINVAL);
	CHECK(strstr(err.msg, "nested") != NULL);
	free(big);
	np_net_free(net);
}

static void test_limits(void)
{
	struct np_net *net = load(base_xml);
	struct np_err err;
	char xml[128];
	int r = 0;

	for (int i = 0; i < NP_MAX_DNS_RECORDS && r == 0; i++) {
		snprintf(xml, sizeof(xml), "<txt name='t%d' value='v'/>", i);
		r = upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, xml, &err);
	}
	CHECK(r == 0 && net->dns.n_txts == NP_MAX_DNS_RECORDS);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_DNS_TXT, -1, "<txt name='more' value='v'/>",
		  &err) == -E2BIG);
	np_net_free(net);
}

static void test_portgroup(void)
{
	struct np_net *net = load("<network><name>pg</name><forward mode='bridge'/>"
				  "<bridge name='br0'/><virtualport type='openvswitch'/>"
				  "<portgroup name='a' default='yes'/></network>");
	struct np_err err;

	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_PORTGROUP, -1,
		  "<portgroup name='b' default='yes'/>", &err) == -EINVAL);
	CHECK(strstr(err.msg, "default") != NULL);
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_PORTGROUP, -1,
		  "<portgroup name='b'><vlan><tag id='7'/></vlan></portgroup>", &err) == 0);
	CHECK(has(net, "<portgroup name='b'>\n    <vlan>\n      <tag id='7'/>"));
	CHECK(upd(net, NP_UPDATE_MODIFY, NP_SECTION_PORTGROUP, -1,
		  "<portgroup name='a' default='yes'><vlan><tag id='8'/></vlan></portgroup>",
		  &err) == 0);
	CHECK(has(net, "<tag id='8'/>"));
	CHECK(upd(net, NP_UPDATE_DELETE, NP_SECTION_PORTGROUP, -1, "<portgroup name='a'/>", &err) ==
	      0);
	CHECK(!has(net, "name='a'"));
	np_net_free(net);
}

/* netplumb's vxlan-remote section (issue 18): add, delete, refusals. */
static void test_vxlan_remote(void)
{
	struct np_net *net = load(base_xml);
	struct np_net *vx = load("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
				 "<name>lab</name><forward mode='nat'/><bridge name='npvx0'/>"
				 "<netplumb:vxlan id='42' dev='ul0'>"
				 "<netplumb:remote address='10.99.0.2'/></netplumb:vxlan></network>");
	struct np_net *evpn = load("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
				   "<name>lab</name><forward mode='nat'/><bridge name='npvx0'/>"
				   "<netplumb:vxlan id='42' dev='ul0' control='evpn'/></network>");
	struct np_err err;

	CHECK(net && vx && evpn);
	if (!net || !vx || !evpn)
		goto out;
	CHECK(upd(net, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.3'/>", &err) == -EINVAL &&
	      strstr(err.msg, "no <netplumb:vxlan>"));
	CHECK(upd(evpn, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.3'/>", &err) == -EINVAL &&
	      strstr(err.msg, "evpn"));
	CHECK(upd(vx, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.3'/>", &err) == 0);
	CHECK(upd(vx, NP_UPDATE_ADD_FIRST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='fd00::9'/>", &err) == 0);
	CHECK(vx->vxlan->n_remotes == 3 && vx->vxlan->remotes[0].family == AF_INET6);
	CHECK(has(vx, "<netplumb:remote address='10.99.0.3'/>"));
	CHECK(upd(vx, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.3'/>", &err) == -EINVAL &&
	      strstr(err.msg, "already"));
	CHECK(upd(vx, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.300'/>", &err) == -EINVAL);
	CHECK(upd(vx, NP_UPDATE_ADD_LAST, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:range address='10.99.0.4'/>", &err) == -EINVAL);
	CHECK(upd(vx, NP_UPDATE_MODIFY, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.3'/>", &err) == -EOPNOTSUPP);
	CHECK(upd(vx, NP_UPDATE_DELETE, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='fd00::9'/>", &err) == 0);
	CHECK(upd(vx, NP_UPDATE_DELETE, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.2'/>", &err) == 0);
	CHECK(upd(vx, NP_UPDATE_DELETE, NP_SECTION_VXLAN_REMOTE, -1,
		  "<netplumb:remote address='10.99.0.2'/>", &err) == -EINVAL &&
	      strstr(err.msg, "not a VXLAN peer"));
	CHECK(vx->vxlan->n_remotes == 1 && !has(vx, "10.99.0.2"));
out:
	np_net_free(net);
	np_net_free(vx);
	np_net_free(evpn);
}

int main(void)
{
	test_names();
	test_parent_index();
	test_dhcp_hosts();
	test_ranges();
	test_forward_interface();
	test_dns();
	test_unsupported_and_hostile();
	test_limits();
	test_portgroup();
	test_vxlan_remote();
	return check_result("test-update-xml");
}
