/* nftables rules for a network, in netplumb's own table. Rendering is pure
 * text; only np_fw_apply() talks to the kernel (libnftables), and a text is
 * always applied as ONE transaction. */
#pragma once

#include <stdbool.h>

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
/* Deletes table inet netplumb when it holds nothing (no chain, set, map,
 * object or flowtable), in one kernel step that cannot race with another
 * netplumb adding a chain. 0 when it deleted it, when there was none, and
 * when it still holds something (left alone); -errno on a real failure. */
int np_fw_table_prune(struct np_fw *fw, struct np_err *err);

/* The DHCP checksum fix libvirt installs (issue #4): an iptables-nft rule
 * `-t mangle -I POSTROUTING -o BRIDGE -p udp --dport 68 -j CHECKSUM
 * --checksum-fill` tagged with the comment NP_FW_CSUM_TAG "BRIDGE". nft's
 * language cannot express the xt CHECKSUM target and the kernel takes it only
 * in an ip table called "mangle", so the rule lives in iptables-nft's `table
 * ip mangle` (chain POSTROUTING), built exactly as iptables-nft builds it, and
 * is sent with libnftnl/libmnl rather than libnftables. Rules not carrying
 * the tag are never touched. */
#define NP_FW_CSUM_TAG "netplumb:"

/* libvirt's condition: a firewalled mode (none, nat, route) and an IPv4 <ip>
 * with DHCP ranges or hosts. */
/* True for the modes whose bridge netplumb firewalls like libvirt (none,
 * nat, route); open, a host bridge and the macvtap/hostdev pools get no
 * rules at all. */
bool np_fw_firewalled(const struct np_net *net);
bool np_fw_csum_wanted(const struct np_net *net);
/* The equivalent iptables-nft command line (insert / delete), for `plan`;
 * -EINVAL for a bridge name np_fw_chain_names() refuses. */
int np_fw_csum_render(const char *bridge, char **ret, struct np_err *err);
int np_fw_csum_remove_render(const char *bridge, char **ret, struct np_err *err);
/* Adds the tagged rule in one transaction, creating table ip mangle and its
 * POSTROUTING base chain (iptables-nft's spec) only when missing; does
 * nothing when the bridge's tagged rule is there already. */
int np_fw_csum_add(const char *bridge, struct np_err *err);
/* np_fw_csum_add for a caller that knows the rule is not there (the
 * bridge's own chains were just created): it does not list the chain, which
 * holds every other bridge's rule too, so the cost does not grow with the
 * number of networks. */
int np_fw_csum_insert(const char *bridge, struct np_err *err);
/* Deletes every rule tagged for bridge, by handle; the table and chain stay
 * (they are iptables-nft's). A missing table, chain or rule is success. */
int np_fw_csum_del(const char *bridge, struct np_err *err);
/* Starts np_fw_csum_del in a helper process that reports before it closes
 * its socket (after a rule delete that close waits 8-16 ms for nf_tables);
 * np_fw_apply_detached_end() reads the report from *ret_fd, so other work
 * overlaps the removal (a chain of 1000 bridges' rules takes ~9 ms to list
 * and change). */
int np_fw_csum_del_detached_begin(const char *bridge, int *ret_fd, struct np_err *err);
/* Called by a detached helper once its caller has exited, before it lets go
 * of its nfnetlink sockets (whose release stalls any other nft transaction
 * for milliseconds): the engine waits there until the store is idle. */
void np_fw_set_linger(void (*fn)(void));
/* How many rules tagged for bridge are in the kernel (0 when the table or
 * chain is missing), or -errno. */
int np_fw_csum_count(const char *bridge, struct np_err *err);
/* np_fw_apply() in a helper process of its own that reports the outcome
 * before it releases its nft socket, so the caller does not wait for the
 * kernel's clean-up after deleted base chains (milliseconds). The helper is
 * not waited for; it exits (and is reaped by init or a subreaper, or when
 * the caller exits) shortly after. Used for removals. In two halves, so
 * other work overlaps the helper's: begin() starts it (*ret_fd: its report,
 * -1 for an empty script), end() reads the outcome and closes the fd. */
int np_fw_apply_detached_begin(const char *script, int *ret_fd, struct np_err *err);
int np_fw_apply_detached_end(int fd, struct np_err *err);
