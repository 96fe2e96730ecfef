/* Other tools' rulesets as `nft list chains` shows them: Docker's
 * DOCKER-USER, UFW's chains, ip6tables' drops; the accepts and UFW's own
 * commands a network gets for them. */
#include "check.h"
#include "foreign-text.h"

#include "common/err.h"
#include "firewall/foreign.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <string.h>

static struct np_net *parse(const char *xml)
{
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;

	if (np_xml_net_parse(xml, strlen(xml), "test.xml", &net, &err) < 0)
		fprintf(stderr, "parse: %s\n", err.msg);
	return net;
}

static const char ufw[] =
	"table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy "
	"drop;\n\t}\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy "
	"drop;\n\t}\n\tchain ufw-user-forward {\n\t}\n}\n"
	"table ip6 filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy "
	"drop;\n\t}\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy "
	"drop;\n\t}\n\tchain DOCKER-USER {\n\t}\n}\n"
	"table ip6 other {\n\tchain fwd {\n\t\ttype filter hook forward priority 0; policy "
	"drop;\n\t}\n}\n";

static void test_parse(void)
{
	struct np_fw_foreign f;

	np_fw_foreign_parse(ufw, &f);
	CHECK(f.ipt_forward_drop && f.ipt_input_drop && f.ipt_ufw && !f.ipt_docker_user);
	CHECK(f.ip6t_forward_drop && f.ip6t_input_drop && f.ip6t_docker_user);
	/* another tool's native ip6 table is not one start warns about */
	CHECK(f.n_other == 0);
	np_fw_foreign_parse("table ip6 filter {\n\tchain FORWARD {\n\t\ttype filter hook forward "
			    "priority filter; policy accept;\n\t}\n}\n",
			    &f);
	CHECK(!f.ip6t_forward_drop && !f.ipt_forward_drop && !f.ipt_ufw);
}

static void test_rules_v6(void)
{
	struct np_net *net = parse(
		"<network><name>r6</name><forward mode='route'/><bridge name='br6'/>"
		"<ip address='10.9.0.1' prefix='24'><dhcp><range start='10.9.0.2' end='10.9.0.9'/>"
		"</dhcp></ip><ip family='ipv6' address='fd00:9::1' prefix='64'><dhcp><range "
		"start='fd00:9::10' end='fd00:9::20'/></dhcp></ip></network>");
	struct np_fw_foreign f;
	struct np_ipt_rule r[NP_IPT_RULES_MAX];
	const char *table;
	int n, v6 = 0;
	bool routed = false, dhcp6 = false, docker = true;

	CHECK(net != NULL);
	if (!net)
		return;
	np_fw_foreign_parse(ufw, &f);
	n = np_fw_foreign_rules(net, &f, r);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		if (strcmp(r[i].table, NP_IPT6_FILTER))
			continue;
		v6++;
		CHECK(!strcmp(np_ipt_tool(r[i].table, &table), "ip6tables-nft") &&
		      !strcmp(table, "filter"));
		routed |= !strcmp(r[i].spec, "-d fd00:9::/64 -o br6 -j ACCEPT");
		dhcp6 |= !strcmp(r[i].spec, "-i br6 -p udp -m udp --dport 547 -j ACCEPT");
		if (!strcmp(r[i].dropping, "FORWARD"))
			docker &= !strcmp(r[i].chain, "DOCKER-USER");
		CHECK(!strstr(r[i].spec, "10.9.0.") && !strstr(r[i].spec, "--dport 67"));
	}
	/* FORWARD: between guests, routed in, out; INPUT: DHCPv6, DNS x2, NDP x3 */
	CHECK(v6 == 9 && routed && dhcp6 && docker);
	CHECK(!strcmp(np_ipt_tool("filter", &table), "iptables-nft") && !strcmp(table, "filter"));
	/* ip6tables drops nothing: IPv4's accepts only */
	f.ip6t_forward_drop = f.ip6t_input_drop = false;
	n = np_fw_foreign_rules(net, &f, r);
	for (int i = 0; i < n; i++)
		CHECK(!strcmp(r[i].table, "filter"));
	np_net_free(net);
}

/* A VXLAN network beside an INPUT that drops: the underlay's UDP port is
 * accepted from its device, in the table of the VTEP's family only. */
static void test_rules_vxlan(void)
{
	struct np_net *net = parse(
		"<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'><name>lab</name>"
		"<forward mode='nat'/><bridge name='virbr9'/>"
		"<ip address='10.42.0.1' prefix='24'/>"
		"<netplumb:vxlan id='4242' dev='ul0' port='4790'>"
		"<netplumb:remote address='10.99.0.2'/></netplumb:vxlan></network>");
	struct np_fw_foreign f = { .ipt_input_drop = true, .ip6t_input_drop = true };
	struct np_ipt_rule r[NP_IPT_RULES_MAX];
	int n, found = 0;

	CHECK(net != NULL);
	if (!net)
		return;
	n = np_fw_foreign_rules(net, &f, r);
	CHECK(n > 0);
	for (int i = 0; i < n; i++)
		if (strstr(r[i].spec, "-i ul0 ")) {
			found++;
			CHECK(!strcmp(r[i].table, "filter") && !strcmp(r[i].chain, "INPUT"));
			CHECK_STR(r[i].spec, "-i ul0 -p udp -m udp --dport 4790 -j ACCEPT");
		}
	CHECK(found == 1);
	f.ipt_input_drop = false;
	n = np_fw_foreign_rules(net, &f, r);
	for (int i = 0; i < n; i++)
		CHECK(!strstr(r[i].spec, "ul0"));
	np_net_free(net);
}

static void test_ufw_fix(void)
{
	struct np_net *nat = parse("<network><name>n</name><forward mode='nat'/><bridge "
				   "name='virbr0'/><ip address='192.168.122.1' prefix='24'><dhcp>"
				   "<range start='192.168.122.2' end='192.168.122.9'/></dhcp></ip>"
				   "</network>");
	struct np_net *iso = parse("<network><name>i</name><bridge name='iso0'/></network>");
	struct np_fw_foreign f;
	char out[512];

	CHECK(nat && iso);
	if (!nat || !iso)
		goto out;
	np_fw_foreign_parse(ufw, &f);
	np_fw_foreign_ufw_fix(nat, &f, out, sizeof(out));
	CHECK_STR(out, "ufw route allow in on virbr0; ufw allow in on virbr0 to any port 67 proto "
		       "udp; ufw allow in on virbr0 to any port 53");
	np_fw_foreign_ufw_fix(iso, &f, out, sizeof(out));
	CHECK_STR(out, "ufw route allow in on iso0 out on iso0");
	f.ipt_ufw = false;
	np_fw_foreign_ufw_fix(nat, &f, out, sizeof(out));
	CHECK_STR(out, "");
out:
	np_net_free(nat);
	np_net_free(iso);
}

int main(void)
{
	test_parse();
	test_rules_v6();
	test_rules_vxlan();
	test_ufw_fix();
	return check_result("test-fw-foreign");
}
