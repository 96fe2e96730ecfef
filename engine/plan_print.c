/* Printing a plan: shell-pasteable text, or JSON for scripts. */
#include "engine/plan.h"

#include "common/buf.h"
#include "common/json.h"
#include "engine/port.h"

#include <stdbool.h>
#include <stdio.h>
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

static void print_heredoc(FILE *out, const char *cmd, const char *data)
{
	size_t n = strlen(data);
	char end[32] = HEREDOC;

	/* A line equal to the end word would end the here-document early and
	 * the shell would run the rest of the file (a network may carry
	 * <dnsmasq:option value='NETPLUMB_EOF'/>), so pick one not in data. */
	for (unsigned i = 1; has_line(data, end); i++)
		snprintf(end, sizeof(end), HEREDOC "_%u", i);
	fprintf(out, "%s <<'%s'\n%s%s%s\n", cmd, end, data, n && data[n - 1] != '\n' ? "\n" : "",
		end);
}

/* name as one shell word: bare when it is plain, else single-quoted. */
static const char *shell_word(const char *name, char *buf, size_t len)
{
	size_t n = 0;
	bool plain = *name != '\0';

	for (const char *c = name; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:+,@%",
			    *c))
			plain = false;
	if (plain)
		return name;
	buf[n++] = '\'';
	for (const char *c = name; *c && n + 6 < len; c++) {
		if (*c == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *c;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

static void print_step(const struct np_step *s, const char *plan_name, FILE *out)
{
	char a[NP_ADDR_STRLEN], g[NP_ADDR_STRLEN], mac[NP_MAC_STRLEN], cmd[4200];

	if (s->why)
		fprintf(out, "# %s\n", s->why);
	switch (s->kind) {
	case NP_STEP_CHECK_LINK_FREE:
		fprintf(out, "# check: no interface named %s exists (ip link show %s fails)\n",
			s->ifname, s->ifname);
		return;
	case NP_STEP_CHECK_ROUTE_FREE:
		fprintf(out, "# check: no route to %s/%u exists yet\n", np_addr_str(&s->addr, a),
			s->prefix);
		return;
	case NP_STEP_CHECK_LINK_PRESENT:
		fprintf(out, "# check: the host bridge %s exists (ip link show %s succeeds)\n",
			s->ifname, s->ifname);
		return;
	case NP_STEP_FILE_WRITE:
		snprintf(cmd, sizeof(cmd), "install -m %o /dev/stdin %s", s->mode, s->path);
		print_heredoc(out, cmd, s->data);
		return;
	case NP_STEP_BRIDGE_ADD:
		fprintf(out, "ip link add %s", s->ifname);
		if (s->has_mac)
			fprintf(out, " address %s", np_mac_str(s->mac, mac));
		if (s->mtu)
			fprintf(out, " mtu %u", s->mtu);
		fprintf(out, " type bridge");
		if (s->stp >= 0)
			fprintf(out, " stp_state %d", s->stp);
		if (s->delay_cs >= 0)
			fprintf(out, " forward_delay %ld", s->delay_cs);
		fputc('\n', out);
		if (s->stp == 1 && s->delay_cs < 200)
			fprintf(out, "# note: with STP on the kernel raises forward_delay to 2 s, so a new "
				     "port forwards only after ~4 s (listening + learning); set "
				     "<bridge stp='off'/> to avoid that wait\n");
		return;
	case NP_STEP_SYSCTL:
		fprintf(out, "sysctl -w %s=%s%s\n", s->key, s->value,
			s->optional ? "  # skipped if absent" : "");
		return;
	case NP_STEP_ADDR_ADD:
		fprintf(out, "ip addr add %s/%u%s dev %s\n", np_addr_str(&s->addr, a), s->prefix,
			s->addr.family == AF_INET ? " broadcast +" : "", s->ifname);
		return;
	case NP_STEP_LINK_UP:
		fprintf(out, "ip link set %s up\n", s->ifname);
		return;
	case NP_STEP_ROUTE_ADD:
		fprintf(out, "ip route add %s/%u", np_addr_str(&s->addr, a), s->prefix);
		if (s->gw.family)
			fprintf(out, " via %s", np_addr_str(&s->gw, g));
		fprintf(out, " dev %s", s->ifname);
		if (s->metric)
			fprintf(out, " metric %u", s->metric);
		fputc('\n', out);
		return;
	case NP_STEP_FW_APPLY:
		print_heredoc(out, "nft -f -", s->text);
		fprintf(out, "# undone by: nft -f - (delete the chains above), then 'delete table "
			     "inet netplumb' once it holds no chain\n");
		return;
	case NP_STEP_IPT_RULE:
		fprintf(out, "iptables-nft -w -t %s -I %s %s\n", s->key, s->value, s->text);
		fprintf(out, "# undone by: iptables-nft -w -t %s -D %s %s\n", s->key, s->value,
			s->text);
		return;
	case NP_STEP_DNSMASQ_START:
		fprintf(out, "dnsmasq --conf-file=%s\n", s->path);
		fprintf(out, "# note: dnsmasq pings an address before offering it (~3 s on the first "
			     "lease); add <dnsmasq:option value='no-ping'/> to skip that check\n");
		return;
	case NP_STEP_HOOK: {
		char q[1024];

		snprintf(cmd, sizeof(cmd), "[ ! -x %s/network ] || %s/network %s %s %s -", s->path,
			 s->path, shell_word(plan_name, q, sizeof(q)), s->key, s->value);
		print_heredoc(out, cmd, s->data);
		if (s->optional)
			fprintf(out, "# a failure here is a warning\n");
		else if (!strcmp(s->key, "start"))
			fprintf(out, "# a failure cancels the start; undone by: %s/network %s stopped "
				     "end -\n",
				s->path, q[0] == '\'' ? q : plan_name);
		return;
	}
	case NP_STEP_RECORD:
		fprintf(out, "# install -m %o /dev/stdin %s: the record of the steps above, with the "
			     "ifindex and MAC of each link the kernel made\n",
			s->mode, s->path);
		return;
	case NP_STEP_PORT_ADD: {
		uint8_t host_mac[NP_MAC_LEN];
		char hm[NP_MAC_STRLEN];

		np_port_host_mac(s->port, host_mac);
		if (s->port->type == NP_PORT_TAP) {
			fprintf(out, "ip tuntap add dev %s mode tap vnet_hdr", s->ifname);
			if (s->port->owner >= 0)
				fprintf(out, " user %ld", s->port->owner);
			fputc('\n', out);
		} else {
			fprintf(out, "ip link add %s type veth peer name %s address %s netns %s\n",
				s->ifname, s->port->peer, np_mac_str(s->mac, mac), s->port->netns);
		}
		fprintf(out, "ip link set %s address %s master %s up  # guest MAC %s\n", s->ifname,
			np_mac_str(host_mac, hm), s->master, np_mac_str(s->mac, mac));
		return;
	}
	}
}

void np_plan_print(const struct np_plan *plan, FILE *out)
{
	fprintf(out, "# netplumb plan for network '%s' (bridge %s): %zu steps\n", plan->net_name,
		plan->bridge, plan->n_steps);
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
			json_kv(&b, "nft", s->text);
		if (s->undo_text)
			json_kv(&b, "nft_undo", s->undo_text);
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
