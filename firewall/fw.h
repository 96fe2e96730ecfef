/* nftables rules for a network, in netplumb's own table. Rendering is pure
 * text; only np_fw_apply() talks to the kernel (libnftables), and a text is
 * always applied as ONE transaction. */
#pragma once

struct np_net;
struct np_err;
struct np_fw;

#define NP_FW_TABLE "netplumb"
/* "fwd-" or "nat-" + a bridge name of at most 15 bytes, NUL included. */
#define NP_FW_CHAIN_MAX 20

/* The nft script that installs the network's chains and rules. Only touches
 * the network's own chains, so other networks' rules are never rewritten.
 * *ret is "" (not NULL) for a network that needs no rules (open, bridge). */
int np_fw_ruleset_render(const struct np_net *net, char **ret, struct np_err *err);
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
/* 1 when the network's forward chain is in the kernel, 0 when it is not
 * (someone flushed the ruleset). */
int np_fw_present(struct np_fw *fw, const char *bridge);
/* `list table inet netplumb` as nft prints it (owned by the caller);
 * -ENOENT when the table does not exist. */
int np_fw_list(struct np_fw *fw, char **ret, struct np_err *err);
