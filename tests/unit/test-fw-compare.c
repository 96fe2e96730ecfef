/* Health's rule-by-rule comparison (firewall/fw_compare.h) on nft's own
 * listing of the rules a script installed, as nft 1.0.6 prints them. */
#include "check.h"

#include "firewall/fw_compare.h"

static const char script[] =
	"add table inet netplumb\n"
	"add chain inet netplumb fwd-virbr0 { type filter hook forward priority 0; policy accept; }\n"
	"flush chain inet netplumb fwd-virbr0\n"
	"add rule inet netplumb fwd-virbr0 meta nfproto ipv4 iifname \"virbr0\" oifname \"virbr0\" "
	"counter accept\n"
	"add rule inet netplumb fwd-virbr0 oifname \"virbr0\" ip daddr 192.168.122.0/24 ct state "
	"related,established counter accept\n"
	"add rule inet netplumb fwd-virbr0 meta nfproto ipv4 oifname \"virbr0\" counter reject\n"
	"add chain inet netplumb nat-virbr0 { type nat hook postrouting priority 100; policy accept; }\n"
	"flush chain inet netplumb nat-virbr0\n"
	"add rule inet netplumb nat-virbr0 ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 "
	"counter snat ip to 198.51.100.61-198.51.100.61\n"
	"add chain inet netplumb gone-virbr0\n"
	"delete chain inet netplumb gone-virbr0\n";

#define FWD_HEAD                                                                             \
	"table inet netplumb {\n\tchain fwd-virbr0 {\n\t\ttype filter hook forward priority "  \
	"filter; policy accept;\n"
#define R1 "\t\tmeta nfproto ipv4 iifname \"virbr0\" oifname \"virbr0\" counter packets 3 bytes 9 accept\n"
#define R2                                                                                   \
	"\t\toifname \"virbr0\" ip daddr 192.168.122.0/24 ct state established,related counter " \
	"packets 6 bytes 464 accept\n"
#define R3                                                                                   \
	"\t\tmeta nfproto ipv4 oifname \"virbr0\" counter packets 0 bytes 0 reject with icmp "  \
	"port-unreachable\n"
#define NAT                                                                                  \
	"table inet netplumb {\n\tchain nat-virbr0 {\n\t\ttype nat hook postrouting priority "  \
	"srcnat; policy accept;\n\t\tip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 "   \
	"counter packets 1 bytes 60 snat ip to 198.51.100.61/32\n\t}\n}\n"
#define TAIL "\t}\n}\n"

int main(void)
{
	char chains[8][32];
	int n = np_fw_script_chains(script, chains, 8);

	CHECK(n == 2 && !strcmp(chains[0], "fwd-virbr0") && !strcmp(chains[1], "nat-virbr0"));
	CHECK(np_fw_script_matches(script, FWD_HEAD R1 R2 R3 TAIL NAT) == 1);
	/* flushed, one rule gone, one rule more, rules swapped, nat chain empty */
	CHECK(np_fw_script_matches(script, FWD_HEAD TAIL NAT) == 0);
	CHECK(np_fw_script_matches(script, FWD_HEAD R1 R3 TAIL NAT) == 0);
	CHECK(np_fw_script_matches(script, FWD_HEAD R1 R2 R3 R3 TAIL NAT) == 0);
	CHECK(np_fw_script_matches(script, FWD_HEAD R2 R1 R3 TAIL NAT) == 0);
	CHECK(np_fw_script_matches(script, FWD_HEAD R1 R2 R3 TAIL) == 0);
	/* a rule changed by hand: another subnet */
	CHECK(np_fw_script_matches(script, FWD_HEAD R1
				   "\t\toifname \"virbr0\" ip daddr 10.0.0.0/8 ct state established "
				   "counter packets 0 bytes 0 accept\n" R3 TAIL NAT) == 0);
	return check_result("test-fw-compare");
}
