/* A recording fake of the ops table. It keeps a small model of the system
 * (links with ifindex and MAC, files, chains, dnsmasqs), writes files for
 * real (tests hand the engine temporary directories), appends one line per
 * call to a log so tests can check the order of apply and undo, and fails
 * the Nth change when asked, so tests can check that every failure is
 * rolled back completely. */
#pragma once

#include "common/buf.h"
#include "engine/ops.h"

#include <stdbool.h>

#define FAKE_MAX_LINKS 64

struct fake_link {
	char ifname[16];
	struct np_link_id id;
	bool ours; /* made through the fake (bridge_add, port_add) */
};

struct fake {
	int calls;       /* changes so far */
	int fail_at;     /* fail the Nth change (1-based), 0 = never */
	int hook_fail;   /* fail hook calls whose op is this one ("start", ...) */
	const char *hook_fail_op;
	struct fake_link links[FAKE_MAX_LINKS];
	int n_links;
	int next_ifindex;
	int files;       /* files written through the fake and still there */
	int fw;          /* networks whose chains are installed */
	bool table;      /* table inet netplumb exists */
	int dnsmasq;     /* processes running */
	int reloads;
	int mutes;       /* dnsmasq_mute calls that found it running */
	int hooks;
	/* what fw_foreign reports (iptables' filter FORWARD/INPUT drop) */
	bool ipt_forward_drop, ipt_input_drop;
	int ipt;         /* iptables rules inserted and not deleted */
	int qemu_acls;   /* qemu-bridge-helper ACL lines added and not removed */
	int tool_error;  /* what tool_run returns (-EHOSTDOWN: no firewalld); 0 */
	struct np_buf log; /* one line per call: "bridge_add virbr0", ... */
};

extern const struct np_ops fake_ops;

void fake_init(struct fake *f);
void fake_free(struct fake *f);
/* A link of someone else's (not made through the fake). */
void fake_foreign_link(struct fake *f, const char *ifname, const char *mac);
/* Bridges and ports made through the fake that still exist. */
int fake_links(const struct fake *f);
/* Nothing of a network left: no link of ours, file, chain, table or dnsmasq. */
bool fake_clean(const struct fake *f);
/* Forgets the log. */
void fake_log_reset(struct fake *f);
