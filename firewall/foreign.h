/* Other tools' rulesets that would drop a network's traffic, found by
 * walking the kernel's nftables base chains (iptables-nft's tables are
 * nftables tables too), and the libvirt-style iptables accept rules that let
 * the network's traffic through them. Pure: np_fw_foreign_walk() in
 * fw_sys.c fills the struct from the kernel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct np_net;

#define NP_FW_FOREIGN_MAX 8

/* A base chain of another table whose policy drops what reaches it. */
struct np_fw_drop {
	char family[8];  /* ip, ip6, inet */
	char table[64];
	char chain[64];
	char hook[16];   /* input, forward, output */
};

struct np_fw_foreign {
	/* iptables' filter table (table ip filter) drops by policy in these
	 * chains: accepts inserted there let the network through, as libvirt's
	 * iptables backend does. */
	bool ipt_forward_drop;
	bool ipt_input_drop;
	/* table ip filter has Docker's DOCKER-USER chain: Docker's documented
	 * place for the host's own rules, jumped to first from FORWARD, so the
	 * forward accepts go there. */
	bool ipt_docker_user;
	/* The same for ip6tables' filter table (table ip6 filter): accepts
	 * for the network's IPv6 subnets. */
	bool ip6t_forward_drop;
	bool ip6t_input_drop;
	bool ip6t_docker_user;
	/* table ip filter has UFW's chains (ufw-user-forward): its own place
	 * for routed traffic is `ufw route allow`, which doctor names. */
	bool ipt_ufw;
	/* Drops elsewhere (a native nft table): netplumb does not write into
	 * another tool's nft table; start warns with the fix. */
	struct np_fw_drop other[NP_FW_FOREIGN_MAX];
	size_t n_other;
};

/* nftables' names of a family (NFPROTO_*: "ip", "inet", ...) and of an
 * inet hook number (NF_INET_*: "input", "forward", ...), as nft prints
 * them; "unknown" / "other" for the rest. */
const char *np_fw_family_name(uint32_t family);
const char *np_fw_hook_name(uint32_t hook);
/* Adds one chain of table family/table to f (zeroed first by the caller):
 * hook ("input", "forward", ...) is NULL for a regular chain, drops is its
 * policy. Chains of netplumb's own table are skipped. */
void np_fw_foreign_chain(struct np_fw_foreign *f, const char *family, const char *table,
			 const char *chain, const char *hook, bool drops);

/* One iptables rule: iptables-nft -w -t TABLE -I CHAIN SPEC (SPEC's words
 * are separated by single spaces and hold no quotes). TABLE
 * NP_IPT6_FILTER is ip6tables-nft's filter table (np_ipt_tool). */
struct np_ipt_rule {
	const char *table;
	const char *chain;
	char spec[160];
	const char *why;
	const char *dropping; /* the chain whose drop policy the rule answers */
};

#define NP_IPT6_FILTER "ip6 filter"
/* The tool of a rule's table, "iptables-nft" or "ip6tables-nft", and in
 * *ret_table the table's name for its -t. */
const char *np_ipt_tool(const char *table, const char **ret_table);

#define NP_IPT_RULES_MAX 32
/* The accept rules network net needs in iptables' filter table given what
 * f found; their count, or -EINVAL. */
int np_fw_foreign_rules(const struct np_net *net, const struct np_fw_foreign *f,
			struct np_ipt_rule ret[NP_IPT_RULES_MAX]);
/* UFW's own commands (persisted in /etc/ufw/user.rules) that would let
 * net's traffic through UFW's drops f found; "" when there is none. */
void np_fw_foreign_ufw_fix(const struct np_net *net, const struct np_fw_foreign *f, char *out,
			   size_t len);
/* The nft commands that would let net's traffic through drop d; "" when
 * the hook does not concern it. */
void np_fw_foreign_fix(const struct np_net *net, const struct np_fw_drop *d, char *out,
		       size_t len);
