/* The DHCP checksum rule (issue #4): its netfilter messages, built with
 * libnftnl (csum_render.c has when libvirt installs it and its iptables
 * rendering for `netplumb plan`).
 *
 * libvirt (iptablesAddChecksumFirewallRules, run with IGNORE_ERRORS after
 * the other rules) adds `-t mangle -I LIBVIRT_PRT -o BR -p udp --dport 68 -j
 * CHECKSUM --checksum-fill` so that guests which drop DHCP replies with a
 * checksum left for offload (CHECKSUM_PARTIAL on a local bridge) get a filled
 * one. nft's language has no CHECKSUM statement and the kernel takes the xt
 * target only in an ip table named "mangle", which is iptables-nft's table;
 * so the rule is built here the way iptables-nft builds it. */
#include "firewall/csum.h"
#include "firewall/fw.h"

#include "common/err.h"
#include "common/util.h"
#include "xml/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_CHECKSUM.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/x_tables.h>
#include <stdio.h>
#include <string.h>

#define DHCP_CLIENT_PORT 68

NP_DEFINE_FREEP(rule_freep, struct nftnl_rule, nftnl_rule_free)
NP_DEFINE_FREEP(batch_freep, struct nftnl_batch, nftnl_batch_free)
NP_DEFINE_FREEP(table_freep, struct nftnl_table, nftnl_table_free)
NP_DEFINE_FREEP(chain_freep, struct nftnl_chain, nftnl_chain_free)
NP_DEFINE_FREEP(udata_freep, struct nftnl_udata_buf, nftnl_udata_buf_free)

/* Adds e to r; r owns it from then on, also on failure. */
static int add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

static struct nftnl_expr *meta_load(uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return e;
}

static struct nftnl_expr *cmp_eq(const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return e;
}

static struct nftnl_expr *payload_load(uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return e;
}

static struct nftnl_expr *counter(void)
{
	struct nftnl_expr *e = nftnl_expr_alloc("counter");

	if (e) {
		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
	}
	return e;
}

static struct nftnl_expr *checksum_target(void)
{
	/* nft_compat wants the target's info padded to XT_ALIGN, as iptables
	 * sends it; libnftnl takes ownership of the buffer. */
	struct nftnl_expr *e = nftnl_expr_alloc("target");
	struct xt_CHECKSUM_info *info;

	if (!e)
		return NULL;
	info = calloc(1, XT_ALIGN(sizeof(*info)));
	if (!info) {
		nftnl_expr_free(e);
		return NULL;
	}
	info->operation = XT_CHECKSUM_OP_FILL;
	nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "CHECKSUM");
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 0);
	nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, XT_ALIGN(sizeof(*info)));
	return e;
}

static int set_comment(struct nftnl_rule *r, const char *tag)
{
	np_cleanup(udata_freep) struct nftnl_udata_buf *u =
		nftnl_udata_buf_alloc(NFTNL_UDATA_COMMENT_MAXLEN + 8);

	if (!u)
		return -ENOMEM;
	if (!nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, tag))
		return -E2BIG;
	if (nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
				nftnl_udata_buf_len(u)) < 0)
		return -ENOMEM;
	return 0;
}

int np_fw_csum_rule_build(const char *bridge, struct nftnl_rule **ret)
{
	np_cleanup(rule_freep) struct nftnl_rule *r = NULL;
	char tag[NP_FW_CSUM_TAG_MAX];
	uint8_t proto = IPPROTO_UDP;
	uint16_t port = htons(DHCP_CLIENT_PORT);
	int rc;

	rc = np_fw_csum_tag(bridge, tag);
	if (rc < 0)
		return rc;
	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NP_FW_CSUM_TABLE) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NP_FW_CSUM_CHAIN) < 0)
		return -ENOMEM;
	/* iptables-nft records -p for xt extensions that check the protocol. */
	nftnl_rule_set_u32(r, NFTNL_RULE_COMPAT_PROTO, IPPROTO_UDP);
	nftnl_rule_set_u32(r, NFTNL_RULE_COMPAT_FLAGS, 0);

	/* -o BR: the name with its NUL, so "br0" does not match "br01". */
	if ((rc = add_expr(r, meta_load(NFT_META_OIFNAME))) < 0 ||
	    (rc = add_expr(r, cmp_eq(bridge, strlen(bridge) + 1))) < 0 ||
	    /* -p udp */
	    (rc = add_expr(r, meta_load(NFT_META_L4PROTO))) < 0 ||
	    (rc = add_expr(r, cmp_eq(&proto, sizeof(proto)))) < 0 ||
	    /* --dport 68 */
	    (rc = add_expr(r, payload_load(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2))) < 0 ||
	    (rc = add_expr(r, cmp_eq(&port, sizeof(port)))) < 0 ||
	    /* iptables-nft counts every rule */
	    (rc = add_expr(r, counter())) < 0 ||
	    (rc = add_expr(r, checksum_target())) < 0)
		return rc;
	rc = set_comment(r, tag);
	if (rc < 0)
		return rc;
	*ret = np_steal(&r);
	return 0;
}

/* Room for one more message of up to MNL_SOCKET_BUFFER_SIZE bytes: the
 * batch moves to a new page when the current one passes its size. */
static int batch_next(struct nftnl_batch *b)
{
	return nftnl_batch_update(b) < 0 ? -ENOMEM : 0;
}

/* A transaction's batch with its BEGIN message (sequence *seq, advanced). */
static int batch_open(uint32_t *seq, struct nftnl_batch **ret)
{
	np_cleanup(batch_freep) struct nftnl_batch *b =
		nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE, MNL_SOCKET_BUFFER_SIZE);

	if (!b)
		return -ENOMEM;
	nftnl_batch_begin(nftnl_batch_buffer(b), (*seq)++);
	if (batch_next(b) < 0)
		return -ENOMEM;
	*ret = np_steal(&b);
	return 0;
}

/* Its END message, and the batch handed to the caller. */
static int batch_close(struct nftnl_batch **b, uint32_t seq, struct nftnl_batch **ret)
{
	nftnl_batch_end(nftnl_batch_buffer(*b), seq);
	if (batch_next(*b) < 0)
		return -ENOMEM;
	*ret = np_steal(b);
	return 0;
}

static int add_table_chain(struct nftnl_batch *b, uint32_t *seq)
{
	np_cleanup(table_freep) struct nftnl_table *t = nftnl_table_alloc();
	np_cleanup(chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!t || !c)
		return -ENOMEM;
	/* NLM_F_CREATE without EXCL: an existing table is left as it is. */
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
	if (nftnl_table_set_str(t, NFTNL_TABLE_NAME, NP_FW_CSUM_TABLE) < 0)
		return -ENOMEM;
	nlh = nftnl_table_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_NEWTABLE, NFPROTO_IPV4,
					  NLM_F_CREATE | NLM_F_ACK, (*seq)++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	if (batch_next(b) < 0)
		return -ENOMEM;

	/* iptables-nft's built-in mangle POSTROUTING, or it would call the
	 * table incompatible. */
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
	if (nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NP_FW_CSUM_TABLE) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, NP_FW_CSUM_CHAIN) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0)
		return -ENOMEM;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NP_FW_CSUM_PRIO);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_NEWCHAIN, NFPROTO_IPV4,
					  NLM_F_CREATE | NLM_F_ACK, (*seq)++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	return batch_next(b);
}

int np_fw_csum_add_batch_build(const char *bridge, bool with_chain, uint32_t seq,
			       struct nftnl_batch **ret)
{
	np_cleanup(batch_freep) struct nftnl_batch *b = NULL;
	np_cleanup(rule_freep) struct nftnl_rule *r = NULL;
	struct nlmsghdr *nlh;
	int rc;

	rc = np_fw_csum_rule_build(bridge, &r);
	if (rc < 0)
		return rc;
	rc = batch_open(&seq, &b);
	if (rc < 0)
		return rc;
	if (with_chain) {
		rc = add_table_chain(b, &seq);
		if (rc < 0)
			return rc;
	}
	/* No NLM_F_APPEND: the rule goes to the head of the chain, as
	 * libvirt's jump to LIBVIRT_PRT does (-I), so a user's ACCEPT rule in
	 * the same chain does not skip it. */
	nlh = nftnl_rule_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_NEWRULE, NFPROTO_IPV4,
					 NLM_F_CREATE | NLM_F_ACK, seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	if (batch_next(b) < 0)
		return -ENOMEM;
	return batch_close(&b, seq, ret);
}

int np_fw_csum_del_batch_build(const uint64_t *handles, size_t n, uint32_t seq,
			       struct nftnl_batch **ret)
{
	np_cleanup(batch_freep) struct nftnl_batch *b = NULL;
	int rc;

	if (n > NP_FW_CSUM_DEL_MAX)
		return -E2BIG;
	rc = batch_open(&seq, &b);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		np_cleanup(rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();
		struct nlmsghdr *nlh;

		if (!r)
			return -ENOMEM;
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
		if (nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NP_FW_CSUM_TABLE) < 0 ||
		    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, NP_FW_CSUM_CHAIN) < 0)
			return -ENOMEM;
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handles[i]);
		nlh = nftnl_rule_nlmsg_build_hdr(nftnl_batch_buffer(b), NFT_MSG_DELRULE,
						 NFPROTO_IPV4, NLM_F_ACK, seq++);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		if (batch_next(b) < 0)
			return -ENOMEM;
	}
	return batch_close(&b, seq, ret);
}

struct nlmsghdr *np_fw_csum_chain_get_build(char *buf, uint32_t seq)
{
	struct nlmsghdr *nlh = nftnl_chain_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_IPV4,
							   NLM_F_ACK, seq);

	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, NP_FW_CSUM_TABLE);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, NP_FW_CSUM_CHAIN);
	return nlh;
}

struct nlmsghdr *np_fw_csum_rule_dump_build(char *buf, uint32_t seq)
{
	/* The kernel filters the dump by table and chain, so other tables'
	 * rules are never read. */
	struct nlmsghdr *nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_IPV4,
							  NLM_F_DUMP, seq);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, NP_FW_CSUM_TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, NP_FW_CSUM_CHAIN);
	return nlh;
}

struct udata_find {
	const char *tag;
	bool found;
};

static int udata_cb(const struct nftnl_udata *attr, void *data)
{
	struct udata_find *f = data;
	const char *s = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	/* strz: the tag's bytes and its NUL, exactly. */
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && len == strlen(f->tag) + 1 &&
	    memcmp(s, f->tag, len) == 0)
		f->found = true;
	return MNL_CB_OK;
}

static bool userdata_has(const struct nftnl_rule *r, const char *tag)
{
	struct udata_find f = { .tag = tag };
	const void *data;
	uint32_t len = 0;

	if (!nftnl_rule_is_set(r, NFTNL_RULE_USERDATA))
		return false;
	data = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (!data || nftnl_udata_parse(data, len, udata_cb, &f) < 0)
		return false;
	return f.found;
}

static bool comment_match_has(const struct nftnl_rule *r, const char *tag)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	bool found = false;

	if (!it)
		return false;
	while (!found && (e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		const struct xt_comment_info *info;
		uint32_t len = 0;

		if (!name || strcmp(name, "match") != 0)
			continue;
		name = nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME);
		if (!name || strcmp(name, "comment") != 0)
			continue;
		info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
		found = info && len >= sizeof(*info) &&
			strnlen(info->comment, sizeof(info->comment)) == strlen(tag) &&
			memcmp(info->comment, tag, strlen(tag)) == 0;
	}
	nftnl_expr_iter_destroy(it);
	return found;
}

int np_fw_csum_rule_is_ours(const struct nlmsghdr *nlh, const char *tag, uint64_t *ret_handle)
{
	np_cleanup(rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();
	const char *table, *chain;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0)
		return -EBADMSG;
	table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	if (nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) != NFPROTO_IPV4 || !table || !chain ||
	    strcmp(table, NP_FW_CSUM_TABLE) != 0 || strcmp(chain, NP_FW_CSUM_CHAIN) != 0 ||
	    !nftnl_rule_is_set(r, NFTNL_RULE_HANDLE))
		return 0;
	if (!userdata_has(r, tag) && !comment_match_has(r, tag))
		return 0;
	if (ret_handle)
		*ret_handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	return 1;
}
