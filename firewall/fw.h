/* nftables rules for a network, in netplumb's own table. Rendering is pure
 * text; only np_fw_apply() talks to the kernel (libnftables), and a text is
 * always applied as ONE transaction. */
#pragma once

#include <stdbool.h>

struct np_net;
struct np_err;
struct np_fw;
struct np_fw_foreign;

#define NP_FW_TABLE "netplumb"
/* "fwd-" or "nat-" + a bridge name of at most 15 bytes, NUL included. */
#define NP_FW_CHAIN_MAX 20

/* The nft script that installs the network's chains and rules. Only touches
 * the network's own chains, so other networks' rules are never rewritten.
 * *ret is "" (not NULL) for a network that needs no rules (open, bridge). */
int np_fw_ruleset_render(const struct np_net *net, char **ret, struct np_err *err);
/* The same rules for a network whose chains do not exist (the caller knows:
 * np_fw_present() says 0): one "add chain" block per chain with its rules.
 * Over existing chains it would ADD the rules a second time, so anything
 * else (reload, repair, a chain left behind) takes np_fw_ruleset_render()'s
 * script. Unlike that one it makes nft dump no chains (its cost does not
 * grow with the number of networks: 0.2 vs 3 ms with 2000 chains) and leaves
 * the kernel nothing to free after an RCU grace period, which closing the
 * nft socket would wait for (~10 ms here). */
int np_fw_ruleset_create_render(const struct np_net *net, char **ret, struct np_err *err);
/* The nft script that removes them again; succeeds when they are already gone. */
int np_fw_ruleset_remove_render(const struct np_net *net, char **ret, struct np_err *err);

/* The network's two chains in NP_FW_TABLE: "fwd-BRIDGE" (filter, forward
 * hook) and "nat-BRIDGE" (nat, postrouting hook). -EINVAL when bridge is not
 * [A-Za-z0-9_.-]{1,15}. Either output may be NULL. */
int np_fw_chain_names(const char *bridge, char ret_fwd[NP_FW_CHAIN_MAX],
		      char ret_nat[NP_FW_CHAIN_MAX]);

int np_fw_open(struct np_fw **ret);
void np_fw_close(struct np_fw *fw);
/* Runs one nft script as a single transaction; nft's own message goes to err.
 * An empty script does nothing. */
int np_fw_apply(struct np_fw *fw, const char *script, struct np_err *err);
/* 1 when the network's forward chain is in the kernel, 2 when only its nat
 * chain is (someone deleted the other by hand), 0 when neither is (never
 * added, or the ruleset was flushed). */
int np_fw_present(struct np_fw *fw, const char *bridge);
/* `list table inet netplumb` as nft prints it (owned by the caller);
 * -ENOENT when the table does not exist. */
int np_fw_list(struct np_fw *fw, char **ret, struct np_err *err);
/* Deletes table inet netplumb, then table netdev netplumb (the ports'
 * limits), each when it holds nothing (no chain, set, map,
 * object or flowtable), in one kernel step that cannot race with another
 * netplumb adding a chain. 0 when it deleted it, when there was none, and
 * when it still holds something (left alone); -errno on a real failure. */
int np_fw_table_prune(struct np_fw *fw, struct np_err *err);

/* True for the modes whose bridge netplumb firewalls like libvirt (none,
 * nat, route); open, a host bridge and the macvtap/hostdev pools get no
 * rules at all. */
bool np_fw_firewalled(const struct np_net *net);
/* 1 when the kernel's chains of script hold its rules, rule by rule
 * (fw_compare.h), 0 when a chain is missing or a rule differs. */
int np_fw_check(struct np_fw *fw, const char *script);
/* Walks the kernel's base chains for other tools' drops (foreign.h). */
int np_fw_foreign_walk(struct np_fw *fw, struct np_fw_foreign *ret);
