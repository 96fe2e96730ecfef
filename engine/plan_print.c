/* Printing a plan: shell-pasteable text, or JSON for scripts. The text is
 * meant to be pasted into bash: every value in a command is one quoted word
 * (np_shell_quote), every comment is escaped (np_term_escape), and file
 * contents and nft scripts are quoted here-documents. */
#include "engine/plan.h"

#include "common/buf.h"
#include "common/escape.h"
#include "common/json.h"
#include "engine/plan_vxlan.h"
#include "common/util.h"
#include "engine/port.h"
#include "firewall/foreign.h"

#include <inttypes.h>
#include <linux/pkt_sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define HEREDOC "NETPLUMB_EOF"

static bool has_line(const char *data, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = data; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Comments and command lines are built in a buffer and printed whole. */
static void flush_line(struct np_buf *b, FILE *out)
{
	np_buf_addc(b, '\n');
	fputs(np_buf_str(b), out);
	np_buf_free(b);
}

/* "# " and the text, escaped for the terminal: a value in it can neither end
 * the comment (a newline would start a command) nor drive the terminal. */
static void comment(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(FILE *out, const char *fmt, ...)
{
	struct np_buf b = { 0 };
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	np_buf_add(&b, "# ");
	np_term_escape(&b, n < 0 ? "(out of memory)" : text);
	free(text);
	flush_line(&b, out);
}

/* Every word of a command goes through here: np_shell_quote makes the
 * shell read back exactly this argument, whatever a name or path holds. */
static void word(struct np_buf *b, const char *w)
{
	if (b->len)
		np_buf_addc(b, ' ');
	np_shell_quote(b, w);
}

static void wordf(struct np_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wordf(struct np_buf *b, const char *fmt, ...)
{
	char *w = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&w, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	word(b, w);
	free(w);
}

/* Several words at once, up to a NULL. */
static void words(struct np_buf *b, ...)
{
	va_list ap;

	va_start(ap, b);
	for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *))
		word(b, w);
	va_end(ap);
}

/* cmd (already quoted) reading data on stdin from a here-document. Its
 * body is never expanded (the end word is quoted) and cannot end early. */
static void print_heredoc(FILE *out, struct np_buf *cmd, const char *data)
{
	size_t n = strlen(data);
	char end[32] = HEREDOC;

	/* A line equal to the end word would end the here-document early and
	 * the shell would run the rest of the file (a network may carry
	 * <dnsmasq:option value='NETPLUMB_EOF'/>), so pick one not in data. */
	for (unsigned i = 1; has_line(data, end); i++)
		snprintf(end, sizeof(end), HEREDOC "_%u", i);
	np_buf_addf(cmd, " <<'%s'\n%s%s%s", end, data, n && data[n - 1] != '\n' ? "\n" : "",
		    end);
	flush_line(cmd, out);
}

/* The network hook, as the hook step runs it: "[ ! -x HOOK ] || HOOK NAME
 * OP SUBOP -", the test's syntax bare, every value quoted. */
static void print_hook(const struct np_step *s, const char *plan_name, FILE *out)
{
	struct np_buf b = { 0 }, undo = { 0 };
	char *hook = NULL;

	if (asprintf(&hook, "%s/network", s->path) < 0)
		hook = NULL;
	np_buf_add(&b, "[ ! -x ");
	np_shell_quote(&b, hook ? hook : "");
	np_buf_add(&b, " ] ||");
	words(&b, hook ? hook : "", plan_name, s->key, s->value, "-", NULL);
	print_heredoc(out, &b, s->data);
	if (s->optional) {
		comment(out, "a failure here is a warning");
	} else if (!strcmp(s->key, "start")) {
		words(&undo, hook ? hook : "", plan_name, "stopped", "end", "-", NULL);
		comment(out, "a failure cancels the start; undone by: %s", np_buf_str(&undo));
		np_buf_free(&undo);
	}
	free(hook);
}

static void print_port(const struct np_step *s, FILE *out)
{
	uint8_t host_mac[NP_MAC_LEN];
	char hm[NP_MAC_STRLEN], mac[NP_MAC_STRLEN];
	struct np_buf b = { 0 };

	np_port_host_mac(s->port, host_mac);
	if (s->port->type == NP_PORT_TAP) {
		words(&b, "ip", "tuntap", "add", "dev", s->ifname, "mode", "tap", "vnet_hdr", NULL);
		if (s->port->owner >= 0) {
			word(&b, "user");
			wordf(&b, "%ld", s->port->owner);
		}
	} else {
		words(&b, "ip", "link", "add", "name", s->ifname, "type", "veth", "peer", "name",
		      s->port->peer, "address", np_mac_str(s->mac, mac), "netns", s->port->netns,
		      NULL);
	}
	flush_line(&b, out);
	words(&b, "ip", "link", "set", "dev", s->ifname, "address", np_mac_str(host_mac, hm),
	      "master", s->master, "up", NULL);
	np_buf_addf(&b, "  # guest MAC %s", np_mac_str(s->mac, mac));
	flush_line(&b, out);
}

/* A tc handle as tc writes it: "1:" for a qdisc, "1:2" for a class. */
static const char *tc_handle(uint32_t h, char buf[24])
{
	if (TC_H_MIN(h))
		snprintf(buf, 24, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
	else
		snprintf(buf, 24, "%x:", TC_H_MAJ(h) >> 16);
	return buf;
}

static void print_tc(const struct np_step *s, FILE *out)
{
	char h[24], p[24];
	struct np_buf b = { 0 };

	/* replace: creates it, or converges an existing one on this spec */
	words(&b, "tc", s->kind == NP_STEP_QDISC_ADD ? "qdisc" : "class", "replace", "dev",
	      s->ifname, NULL);
	if (s->tc.parent == TC_H_ROOT)
		word(&b, "root");
	else
		words(&b, "parent", tc_handle(s->tc.parent, p), NULL);
	words(&b, s->kind == NP_STEP_QDISC_ADD ? "handle" : "classid", tc_handle(s->tc.handle, h),
	      NULL);
	if (s->tc.kind == NP_TC_PFIFO) {
		words(&b, "pfifo", "limit", NULL);
		wordf(&b, "%" PRIu32, s->tc.limit);
	} else if (s->kind == NP_STEP_QDISC_ADD) {
		words(&b, "htb", "default", NULL);
		wordf(&b, "%" PRIx32, s->tc.defcls);
	} else {
		words(&b, "htb", "rate", NULL);
		wordf(&b, "%" PRIu64 "bps", s->tc.rate);
		word(&b, "ceil");
		wordf(&b, "%" PRIu64 "bps", s->tc.ceil ? s->tc.ceil : s->tc.rate);
		if (s->tc.burst) {
			word(&b, "burst");
			wordf(&b, "%" PRIu32 "b", s->tc.burst);
		}
	}
	flush_line(&b, out);
}

/* The words of text split at sep (empty ones dropped), each quoted for the
 * shell: a tool's argv is one word a line, an iptables spec one a space. */
static void split_words(struct np_buf *b, const char *text, char sep)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, (const char[]){ sep, '\0' });

		if (n) {
			char *w = strndup(p, n);

			if (!w) {
				b->oom = true;
				return;
			}
			word(b, w);
			free(w);
		}
		p += n;
		while (*p == sep)
			p++;
	}
}

static void print_argv(FILE *out, const char *lines)
{
	struct np_buf b = { 0 };

	split_words(&b, lines, '\n');
	flush_line(&b, out);
}

/* control='evpn': the FRR configuration the host needs, as comments (one
 * "neighbor PEER" line set per other host; 65000: an iBGP AS to choose). */
static void print_frr(const struct np_step *s, FILE *out)
{
	struct np_buf t = { 0 };
	const char *p;

	np_plan_vx_frr_conf(&t, &s->addr);
	comment(out, "FRR for VNI %u (frr.conf; zebra and bgpd; netplumb does not write it):",
		s->vx.vni);
	for (p = np_buf_str(&t); p && *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		comment(out, "  %.*s", n, p);
		p += n + (nl ? 1 : 0);
	}
	np_buf_free(&t);
}

/* The ACL line, under the same flock of the file's directory that netplumb
 * takes; the values are positional parameters of a fixed script. */
static void print_qemu_acl(const struct np_step *s, FILE *out)
{
	_np_free_ char *dir = strdup(s->path), *line = NULL;
	struct np_buf b = { 0 }, u = { 0 };
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (slash)
		*slash = '\0';
	if (asprintf(&line, "allow %s", s->ifname) < 0)
		line = NULL;
	words(&b, "flock", dir ? dir : "", "sh", "-c",
	      "grep -qsxF -- \"$1\" \"$2\" || echo \"$1\" >>\"$2\"", "sh", line ? line : "",
	      s->path, NULL);
	flush_line(&b, out);
	words(&u, "flock", dir ? dir : "", "sh", "-c",
	      "grep -vxF -- \"$1\" \"$2\" >\"$2.new\"; mv \"$2.new\" \"$2\"; "
	      "[ -s \"$2\" ] || rm -f \"$2\"",
	      "sh", line ? line : "", s->path, NULL);
	comment(out, "undone by: %s", np_buf_str(&u));
	np_buf_free(&u);
}

/* "ip link add name IF [address MAC] [mtu N]": the start of every link
 * netplumb creates. */
static void link_add_words(struct np_buf *b, const struct np_step *s)
{
	char mac[NP_MAC_STRLEN];

	words(b, "ip", "link", "add", "name", s->ifname, NULL);
	if (s->has_mac)
		words(b, "address", np_mac_str(s->mac, mac), NULL);
	if (s->mtu) {
		word(b, "mtu");
		wordf(b, "%u", s->mtu);
	}
}

static void print_step(const struct np_step *s, const char *plan_name, FILE *out)
{
	char a[NP_ADDR_STRLEN], g[NP_ADDR_STRLEN];
	struct np_buf b = { 0 };

	if (s->why)
		comment(out, "%s", s->why);
	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
		comment(out, "check: no interface named %s exists (ip link show %s fails)",
			s->ifname, s->ifname);
		return;
	case NP_STEP_CHECK_ROUTE_FREE:
		comment(out, "check: no route to %s/%u exists yet", np_addr_str(&s->addr, a),
			s->prefix);
		return;
	case NP_STEP_CHECK_LINK_PRESENT:
		comment(out, "check: the host bridge %s exists (ip link show %s succeeds)",
			s->ifname, s->ifname);
		return;
	case NP_STEP_FILE_WRITE:
		words(&b, "install", "-m", NULL);
		wordf(&b, "%o", s->mode);
		words(&b, "/dev/stdin", s->path, NULL);
		print_heredoc(out, &b, s->data);
		return;
	case NP_STEP_BRIDGE_ADD:
		/* "name"/"dev" before every interface name, so that no name can
		 * be taken for one of ip's keywords ("help", "type", ...) */
		link_add_words(&b, s);
		words(&b, "type", "bridge", NULL);
		if (s->stp >= 0) {
			word(&b, "stp_state");
			wordf(&b, "%d", s->stp);
		}
		if (s->delay_cs >= 0) {
			word(&b, "forward_delay");
			wordf(&b, "%ld", s->delay_cs);
		}
		flush_line(&b, out);
		if (s->stp == 1 && s->delay_cs < 200)
			comment(out, "note: with STP on the kernel raises forward_delay to 2 s, so a "
				     "new port forwards only after ~4 s (listening + learning); set "
				     "<bridge stp='off'/> to avoid that wait");
		return;
	case NP_STEP_SYSCTL:
		words(&b, "sysctl", "-w", NULL);
		wordf(&b, "%s=%s", s->key, s->value);
		if (s->optional)
			np_buf_add(&b, "  # skipped if absent");
		flush_line(&b, out);
		return;
	case NP_STEP_ADDR_ADD:
		words(&b, "ip", "addr", "add", NULL);
		wordf(&b, "%s/%u", np_addr_str(&s->addr, a), s->prefix);
		if (s->addr.family == AF_INET)
			words(&b, "broadcast", "+", NULL);
		words(&b, "dev", s->ifname, NULL);
		flush_line(&b, out);
		return;
	case NP_STEP_LINK_UP:
		words(&b, "ip", "link", "set", "dev", s->ifname, "up", NULL);
		flush_line(&b, out);
		return;
	case NP_STEP_ROUTE_ADD:
		words(&b, "ip", "route", "add", NULL);
		wordf(&b, "%s/%u", np_addr_str(&s->addr, a), s->prefix);
		if (s->gw.family)
			words(&b, "via", np_addr_str(&s->gw, g), NULL);
		words(&b, "dev", s->ifname, NULL);
		if (s->metric) {
			word(&b, "metric");
			wordf(&b, "%u", s->metric);
		}
		if (s->optional)
			np_buf_add(&b, "  # a failure here is a warning");
		flush_line(&b, out);
		return;
	case NP_STEP_FW_APPLY:
		words(&b, "nft", "-f", "-", NULL);
		print_heredoc(out, &b, s->text);
		comment(out, "undone by: nft -f - (delete the chains above), then 'delete table "
			     "inet netplumb' once it holds no chain");
		return;
	case NP_STEP_PORT_LIMIT:
		words(&b, "nft", "-f", "-", NULL);
		print_heredoc(out, &b, s->text);
		comment(out, "undone by: nft -f - (delete chain port-%s), then 'delete table "
			     "netdev netplumb' once it holds no chain",
			s->ifname);
		return;
	case NP_STEP_IPT_RULE: {
		struct np_buf u = { 0 };
		const char *table, *tool = np_ipt_tool(s->key, &table);

		words(&b, tool, "-w", "-t", table, "-I", s->value, NULL);
		split_words(&b, s->text, ' ');
		flush_line(&b, out);
		words(&u, tool, "-w", "-t", table, "-D", s->value, NULL);
		split_words(&u, s->text, ' ');
		comment(out, "undone by: %s", np_buf_str(&u));
		np_buf_free(&u);
		return;
	}
	case NP_STEP_DNSMASQ_START:
		word(&b, "dnsmasq");
		wordf(&b, "--conf-file=%s", s->path);
		flush_line(&b, out);
		comment(out, "note: dnsmasq pings an address before offering it (~3 s on the first "
			     "lease); add <dnsmasq:option value='no-ping'/> to skip that check");
		return;
	case NP_STEP_DNSMASQ_MUTE:
		/* no command does this: said, with the pid file quoted as a
		 * command would take it */
		word(&b, s->pid_path);
		comment(out, "dnsmasq-mute %s: netplumb duplicates the rtnetlink socket of the "
			     "dnsmasq that file names (pidfd_getfd) and leaves each multicast group "
			     "it is in (NETLINK_DROP_MEMBERSHIP); where that is not allowed, dnsmasq "
			     "stays in them, as libvirt's does",
			np_buf_str(&b));
		np_buf_free(&b);
		return;
	case NP_STEP_HOOK:
		print_hook(s, plan_name, out);
		return;
	case NP_STEP_TOOL:
		print_argv(out, s->text);
		if (s->undo_text) {
			struct np_buf u = { 0 };

			split_words(&u, s->undo_text, '\n');
			comment(out, "undone by: %s", np_buf_str(&u));
			np_buf_free(&u);
		}
		if (s->optional)
			comment(out, "a failure here is a warning");
		if (s->if_firewalld)
			comment(out, "skipped when firewalld does not run");
		return;
	case NP_STEP_RECORD:
		/* the path quoted as the command would take it */
		word(&b, s->path);
		comment(out, "install -m %o /dev/stdin %s: the record of the steps above, with the "
			     "ifindex and MAC of each link the kernel made",
			s->mode, np_buf_str(&b));
		np_buf_free(&b);
		return;
	case NP_STEP_QDISC_ADD:
	case NP_STEP_CLASS_ADD:
		print_tc(s, out);
		return;
	case NP_STEP_PORT_ISOLATE:
		words(&b, "ip", "link", "set", "dev", s->ifname, "type", "bridge_slave", "isolated",
		      "on", NULL);
		flush_line(&b, out);
		return;
	case NP_STEP_PORT_ADD:
		print_port(s, out);
		return;
	case NP_STEP_VXLAN_ADD:
		link_add_words(&b, s);
		words(&b, "master", s->master, "type", "vxlan", "id", NULL);
		wordf(&b, "%u", s->vx.vni);
		words(&b, "dev", s->key, NULL);
		if (s->addr.family)
			words(&b, "local", np_addr_str(&s->addr, a), NULL);
		word(&b, "dstport");
		wordf(&b, "%u", s->vx.port);
		word(&b, s->vx.learning ? "learning" : "nolearning");
		flush_line(&b, out);
		if (!s->vx.learning)
			print_frr(s, out);
		return;
	case NP_STEP_FDB_ADD:
		words(&b, "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", s->ifname, "dst",
		      np_addr_str(&s->addr, a), "self", "permanent", NULL);
		flush_line(&b, out);
		comment(out, "undone by: bridge fdb del 00:00:00:00:00:00 dev %s dst %s self",
			s->ifname, a);
		return;
	case NP_STEP_QEMU_ACL:
		print_qemu_acl(s, out);
		return;
	}
}

void np_plan_print(const struct np_plan *plan, FILE *out)
{
	comment(out, "netplumb plan for network '%s' (bridge %s): %zu steps", plan->net_name,
		plan->bridge, plan->n_steps);
	if (plan->skipped)
		comment(out, "skipped: %s", plan->skipped);
	for (size_t i = 0; i < plan->n_steps; i++) {
		fputc('\n', out);
		print_step(&plan->steps[i], plan->net_name, out);
	}
}

static void json_kv(struct np_buf *b, const char *k, const char *v)
{
	np_buf_addf(b, ", \"%s\": ", k);
	np_json_str(b, v);
}

void np_plan_print_json(const struct np_plan *plan, FILE *out)
{
	struct np_buf b = { 0 };
	char a[NP_ADDR_STRLEN], mac[NP_MAC_STRLEN];

	np_buf_add(&b, "{\"network\": ");
	np_json_str(&b, plan->net_name);
	np_buf_add(&b, ", \"bridge\": ");
	np_json_str(&b, plan->bridge);
	if (plan->skipped)
		json_kv(&b, "skipped", plan->skipped);
	np_buf_add(&b, ", \"steps\": [");
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];

		np_buf_add(&b, i ? ",\n  {" : "\n  {");
		np_buf_add(&b, "\"step\": ");
		np_json_str(&b, np_step_kind_names[s->kind]);
		if (s->ifname)
			json_kv(&b, "ifname", s->ifname);
		if (s->addr.family) {
			json_kv(&b, "address", np_addr_str(&s->addr, a));
			np_buf_addf(&b, ", \"prefix\": %u", s->prefix);
		}
		if (s->gw.family)
			json_kv(&b, "gateway", np_addr_str(&s->gw, a));
		if (s->kind == NP_STEP_BRIDGE_ADD) {
			if (s->has_mac)
				json_kv(&b, "mac", np_mac_str(s->mac, mac));
			np_buf_addf(&b, ", \"mtu\": %u, \"stp\": %d, \"forward_delay_cs\": %ld",
				    s->mtu, s->stp, s->delay_cs);
		}
		if (s->kind == NP_STEP_QDISC_ADD || s->kind == NP_STEP_CLASS_ADD)
			np_buf_addf(&b,
				    ", \"tc\": {\"kind\": \"%s\", \"handle\": %" PRIu32
				    ", \"parent\": %" PRIu32 ", \"default\": %" PRIu32
				    ", \"limit\": %" PRIu32 ", \"rate_Bps\": %" PRIu64
				    ", \"ceil_Bps\": %" PRIu64 ", \"burst_bytes\": %" PRIu32 "}",
				    s->tc.kind == NP_TC_HTB ? "htb" : "pfifo", s->tc.handle, s->tc.parent,
				    s->tc.defcls, s->tc.limit, s->tc.rate, s->tc.ceil, s->tc.burst);

		if (s->kind == NP_STEP_IPT_RULE) {
			json_kv(&b, "table", s->key);
			json_kv(&b, "chain", s->value);
			json_kv(&b, "rule", s->text);
		} else if (s->key) {
			json_kv(&b, "key", s->key);
			json_kv(&b, "value", s->value);
			np_buf_addf(&b, ", \"optional\": %s", s->optional ? "true" : "false");
		}
		if (s->path)
			json_kv(&b, "path", s->path);
		if (s->data)
			json_kv(&b, "content", s->data);
		if (s->text && s->kind != NP_STEP_IPT_RULE)
			json_kv(&b, s->kind == NP_STEP_TOOL ? "argv" : "nft", s->text);
		if (s->undo_text)
			json_kv(&b, s->kind == NP_STEP_TOOL ? "undo_argv" : "nft_undo", s->undo_text);
		if (s->kind == NP_STEP_TOOL)
			np_buf_addf(&b, ", \"optional\": %s, \"if_firewalld\": %s",
				    s->optional ? "true" : "false", s->if_firewalld ? "true" : "false");
		if (s->pid_path)
			json_kv(&b, "pidfile", s->pid_path);
		if (s->why)
			json_kv(&b, "why", s->why);
		np_buf_addc(&b, '}');
	}
	np_buf_add(&b, "\n]}\n");
	fputs(np_buf_str(&b), out);
	np_buf_free(&b);
}
