/* The DHCP checksum rule's netfilter messages: built (and recognised) by the
 * pure csum_msg.c, sent by csum_sys.c. Internal to firewall/ and its tests;
 * everyone else uses the np_fw_csum_* calls in fw.h.
 *
 * The rule is the one iptables-nft makes from
 *   -t mangle -I POSTROUTING -o BR -p udp --dport 68 -j CHECKSUM --checksum-fill
 * with the comment "netplumb:BR" kept in the rule's userdata, so netplumb
 * can find its own rule again and iptables-nft lists it as a normal rule. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;
struct nftnl_batch;
struct nlmsghdr;

/* iptables-nft's table and base chain; the kernel accepts the CHECKSUM
 * target only in an ip table called "mangle" (xt_CHECKSUM's .table). */
#define NP_FW_CSUM_TABLE "mangle"
#define NP_FW_CSUM_CHAIN "POSTROUTING"
/* NF_IP_PRI_MANGLE: iptables-nft's priority for every mangle base chain. */
#define NP_FW_CSUM_PRIO (-150)
/* "netplumb:" + a bridge name of at most 15 bytes, NUL included. */
#define NP_FW_CSUM_TAG_MAX 25
/* At most this many tagged rules are deleted per call (a chain is never
 * expected to hold more than one per bridge). */
#define NP_FW_CSUM_DEL_MAX 64
#define NP_FW_CSUM_REQ_MAX 512

/* "netplumb:BRIDGE"; -EINVAL for a bridge name that np_fw_chain_names()
 * refuses ([A-Za-z0-9_.-]{1,15}). */
int np_fw_csum_tag(const char *bridge, char ret[NP_FW_CSUM_TAG_MAX]);

/* The rule for table ip mangle, chain POSTROUTING, without handle. */
int np_fw_csum_rule_build(const char *bridge, struct nftnl_rule **ret);

/* One transaction: BEGIN, [NEWTABLE ip mangle, NEWCHAIN POSTROUTING when
 * with_chain], NEWRULE (at the chain's head), END. Every message but
 * BEGIN/END asks for an ACK. Sequence numbers start at seq. */
int np_fw_csum_add_batch_build(const char *bridge, bool with_chain, uint32_t seq,
			       struct nftnl_batch **ret);
/* One transaction deleting the rules with these handles from the chain. */
int np_fw_csum_del_batch_build(const uint64_t *handles, size_t n, uint32_t seq,
			       struct nftnl_batch **ret);

/* Requests into buf (NP_FW_CSUM_REQ_MAX bytes): GETCHAIN for
 * ip mangle POSTROUTING (ENOENT when the table or chain is missing), and a
 * rule dump restricted to that chain. */
struct nlmsghdr *np_fw_csum_chain_get_build(char *buf, uint32_t seq);
struct nlmsghdr *np_fw_csum_rule_dump_build(char *buf, uint32_t seq);

/* 1 (and the rule's handle) when nlh is a rule of ip mangle POSTROUTING
 * carrying tag, in its userdata comment or in an xt "comment" match (what
 * iptables-nft makes when a person pastes `netplumb plan`'s line); 0 for
 * any other rule; -errno when nlh cannot be parsed. */
int np_fw_csum_rule_is_ours(const struct nlmsghdr *nlh, const char *tag, uint64_t *ret_handle);

/* Leaves this process's checksum-rule sockets open until it exits (for the
 * detached helper in fw_sys.c, which reports before its slow close). */
void np_fw_csum_keep_sockets(void);
