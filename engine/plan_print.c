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

static void print_step(const struct np_step *s, FILE *out)
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
		if (s->create_text)
			fprintf(out, "# note: net-start sends the same rules as one 'add chain ... { rules }' "
				     "block per chain when the chains do not exist yet (cheaper for nft; "
				     "`netplumb plan --json` shows it as nft_create)\n");
		return;
	case NP_STEP_FW_CSUM:
		fprintf(out, "%s%s\n", s->text, s->optional ? "  # best effort (libvirt ignores failure)" : "");
		return;
	case NP_STEP_DNSMASQ_START:
		fprintf(out, "dnsmasq --conf-file=%s\n", s->path);
		fprintf(out, "# note: dnsmasq pings an address before offering it (~3 s on the first "
			     "lease); add <dnsmasq:option value='no-ping'/> to skip that check\n");
		return;
	case NP_STEP_DNSMASQ_READY:
		fprintf(out, "# wait until dnsmasq serves: its first process exits 0 and %s names "
			     "it (spawned above, waited for here)\n",
			s->pid_path);
		return;
	case NP_STEP_DNSMASQ_MUTE:
		fprintf(out, "# take dnsmasq (pid in %s) out of its rtnetlink multicast groups: "
			     "NETLINK_DROP_MEMBERSHIP on a duplicate of its netlink socket "
			     "(pidfd_getfd); best effort\n",
			s->pid_path);
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
		print_step(&plan->steps[i], out);
	}
}

static const char *const kind_names[] = {
	[NP_STEP_CHECK_LINK_FREE] = "check-link-free",
	[NP_STEP_CHECK_ROUTE_FREE] = "check-route-free",
	[NP_STEP_CHECK_LINK_PRESENT] = "check-link-present",
	[NP_STEP_FILE_WRITE] = "file-write",
	[NP_STEP_BRIDGE_ADD] = "bridge-add",
	[NP_STEP_SYSCTL] = "sysctl",
	[NP_STEP_ADDR_ADD] = "addr-add",
	[NP_STEP_LINK_UP] = "link-up",
	[NP_STEP_ROUTE_ADD] = "route-add",
	[NP_STEP_FW_APPLY] = "nft-transaction",
	[NP_STEP_DNSMASQ_START] = "dnsmasq-start",
	[NP_STEP_PORT_ADD] = "port-add",
	[NP_STEP_DNSMASQ_READY] = "dnsmasq-ready",
	[NP_STEP_FW_CSUM] = "dhcp-checksum",
	[NP_STEP_DNSMASQ_MUTE] = "dnsmasq-mute",
};

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
		np_json_str(&b, kind_names[s->kind]);
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
		if (s->key) {
			json_kv(&b, "key", s->key);
			json_kv(&b, "value", s->value);
			np_buf_addf(&b, ", \"optional\": %s", s->optional ? "true" : "false");
		}
		if (s->path)
			json_kv(&b, "path", s->path);
		if (s->data)
			json_kv(&b, "content", s->data);
		if (s->kind == NP_STEP_FW_CSUM) {
			json_kv(&b, "iptables", s->text);
			json_kv(&b, "iptables_undo", s->undo_text);
			np_buf_addf(&b, ", \"optional\": %s", s->optional ? "true" : "false");
		} else {
			if (s->text)
				json_kv(&b, "nft", s->text);
			if (s->create_text)
				json_kv(&b, "nft_create", s->create_text);
			if (s->undo_text)
				json_kv(&b, "nft_undo", s->undo_text);
		}
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
