/* One fuzz input through every pure stage that `net-define` and `net-start`
 * run: parse, validate, format, re-parse, the firewall and dnsmasq renderers
 * and the plan with its two printed forms. Besides memory errors (ASan/UBSan)
 * it checks what issue 3 and 8 promise about generated text: formatting is a
 * fixed point, and no user string can add a line, a control character or an
 * unknown option to a dnsmasq config, hosts file, nft script or printed plan.
 * Nothing here touches the system: paths are fixed fake ones. */
#include "fuzz/fuzz-net.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "engine/plan.h"
#include "engine/port.h"
#include "firewall/fw.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_LABEL "fuzz.xml"
#define STATE_DIR "/var/lib/netplumb"
#define RUN_DIR "/run/netplumb"
#define DNSMASQ_USER "dnsmasq"

static const struct np_dhcp_paths conf_paths = {
	.hostsfile = STATE_DIR "/fuzz.hostsfile",
	.addnhosts = STATE_DIR "/fuzz.addnhosts",
	.pidfile = RUN_DIR "/fuzz.pid",
	.leasefile = STATE_DIR "/fuzz.leases",
	.user = DNSMASQ_USER,
};

/* A broken invariant: says which and where, then aborts so libFuzzer keeps
 * the input as a crash and the replay test fails. */
static void failf(const char *text, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void failf(const char *text, const char *fmt, ...)
{
	va_list ap;

	fputs("np_fuzz_one: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (text)
		fprintf(stderr, "--- text ---\n%s\n--- end ---\n", text);
	abort();
}

static void check_ctrl(const char *what, const char *text, const char *allowed)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 || *p == 0x7f) && !strchr(allowed, *p))
			failf(text, "%s: control character 0x%02x at offset %zu", what, *p,
			      (size_t)(p - (const unsigned char *)text));
}

/* A failure must come with a one-line message (the CLI prints it as is);
 * parse and validate errors also name the file. Out of memory may not. */
static void check_err(const char *what, int r, const struct np_err *err, bool names_file)
{
	if (r == -ENOMEM)
		return;
	if (!err->msg[0])
		failf(NULL, "%s failed (%d) without a message", what, r);
	check_ctrl(what, err->msg, "");
	if (names_file && strncmp(err->msg, FILE_LABEL, strlen(FILE_LABEL)))
		failf(err->msg, "%s: message does not name the file", what);
}

/* Lines of a rendered text, which must end in '\n' unless empty. */
struct lines {
	const char **start;
	size_t *len;
	size_t n;
};

static void lines_free(struct lines *l)
{
	free(l->start);
	free(l->len);
}

static bool lines_split(const char *what, const char *text, struct lines *ret)
{
	size_t n = 0, tl = strlen(text);

	*ret = (struct lines){ 0 };
	if (tl && text[tl - 1] != '\n')
		failf(text, "%s: last line has no newline", what);
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	if (!n)
		return true;
	ret->start = calloc(n, sizeof(*ret->start));
	ret->len = calloc(n, sizeof(*ret->len));
	if (!ret->start || !ret->len) {
		lines_free(ret);
		return false;
	}
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');

		ret->start[ret->n] = p;
		ret->len[ret->n++] = (size_t)(nl - p);
		p = nl + 1;
	}
	return true;
}

static bool line_is(const char *l, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(l, s, n);
}

static bool line_starts(const char *l, size_t n, const char *s)
{
	size_t k = strlen(s);

	return k <= n && !memcmp(l, s, k);
}

static bool line_has(const char *l, size_t n, char c)
{
	return memchr(l, c, n) != NULL;
}

/* Every option dhcp/conf.c writes by itself, bare or as KEY=VALUE. Anything
 * else in a config came from a user string. */
static const char *const conf_flags[] = {
	"strict-order", "no-resolv", "expand-hosts", "domain-needed", "bind-dynamic",
	"dhcp-no-override", "dhcp-authoritative", "enable-ra", "enable-tftp",
};
static const char *const conf_options[] = {
	"port", "server", "local", "domain", "pid-file", "dhcp-leasefile", "user",
	"except-interface", "interface", "dhcp-option", "ra-param", "txt-record", "srv-host",
	"tftp-root", "dhcp-range", "dhcp-boot", "dhcp-lease-max", "dhcp-hostsfile", "addn-hosts",
};

static bool in_list(const char *const *list, size_t n, const char *l, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !memcmp(list[i], l, len))
			return true;
	return false;
}

/* The value the config must carry for key, when we know it. */
static const char *conf_expected(const struct np_net *net, const struct np_dhcp_paths *p,
				 const char *key)
{
	if (!strcmp(key, "interface"))
		return net->bridge.name;
	if (!strcmp(key, "pid-file"))
		return p->pidfile;
	if (!strcmp(key, "dhcp-leasefile"))
		return p->leasefile;
	if (!strcmp(key, "dhcp-hostsfile"))
		return p->hostsfile;
	if (!strcmp(key, "addn-hosts"))
		return p->addnhosts;
	if (!strcmp(key, "user"))
		return p->user;
	return NULL;
}

static void check_conf_line(const struct np_net *net, const struct np_dhcp_paths *paths,
			    const char *text, const char *l, size_t n)
{
	const char *eq = memchr(l, '=', n);
	size_t klen = eq ? (size_t)(eq - l) : n;
	char key[32];
	const char *want;

	if (!n || l[0] == '#' || line_has(l, n, '"'))
		failf(text, "dnsmasq conf: empty, comment or quoted line '%.*s'", (int)n, l);
	if (eq ? !in_list(conf_options, NP_ARRAY_SIZE(conf_options), l, klen)
	       : !in_list(conf_flags, NP_ARRAY_SIZE(conf_flags), l, klen))
		failf(text, "dnsmasq conf: unexpected line '%.*s'", (int)n, l);
	if (!eq)
		return;
	snprintf(key, sizeof(key), "%.*s", (int)klen, l);
	want = conf_expected(net, paths, key);
	if (want && !line_is(eq + 1, n - klen - 1, want))
		failf(text, "dnsmasq conf: '%.*s', want %s=%s", (int)n, l, key, want);
}

/* Five '##' header lines, then only options from conf_keys, then the
 * <dnsmasq:option> values, each exactly one line, in order. */
static void check_conf(const struct np_net *net, const struct np_dhcp_paths *paths,
		       const char *text)
{
	const size_t header = 5;
	size_t n_opts = net->n_dnsmasq_options, n_iface = 0, body_end;
	struct lines l;

	check_ctrl("dnsmasq conf", text, "\n\t");
	if (!lines_split("dnsmasq conf", text, &l))
		return;
	if (l.n < header + n_opts)
		failf(text, "dnsmasq conf: %zu lines for %zu options", l.n, n_opts);
	body_end = l.n - n_opts;
	for (size_t i = 0; i < header; i++)
		if (!line_starts(l.start[i], l.len[i], "##"))
			failf(text, "dnsmasq conf: header line %zu", i + 1);
	for (size_t i = header; i < body_end; i++) {
		check_conf_line(net, paths, text, l.start[i], l.len[i]);
		n_iface += line_starts(l.start[i], l.len[i], "interface=");
	}
	for (size_t i = 0; i < n_opts; i++)
		if (!line_is(l.start[body_end + i], l.len[body_end + i],
			     net->dnsmasq_options[i].value))
			failf(text, "dnsmasq conf: <dnsmasq:option> %zu is not its own line", i);
	if (n_iface != 1)
		failf(text, "dnsmasq conf: %zu interface= lines", n_iface);
	lines_free(&l);
}

/* dhcp-hostsfile: at most 4 comma fields (mac|id, ip, name, lease), no blank,
 * comment or quote. */
static void check_hosts(const char *text)
{
	struct lines l;

	check_ctrl("hostsfile", text, "\n");
	if (!lines_split("hostsfile", text, &l))
		return;
	for (size_t i = 0; i < l.n; i++) {
		size_t commas = 0;

		for (size_t k = 0; k < l.len[i]; k++)
			commas += l.start[i][k] == ',';
		if (!l.len[i] || commas < 1 || commas > 3 || line_has(l.start[i], l.len[i], ' ') ||
		    line_has(l.start[i], l.len[i], '#') || line_has(l.start[i], l.len[i], '"'))
			failf(text, "hostsfile: bad line %zu", i + 1);
	}
	lines_free(&l);
}

/* addn-hosts: "IP\tname\t...\t", no blank, comment or quote. */
static void check_addnhosts(const char *text)
{
	struct lines l;

	check_ctrl("addnhosts", text, "\n\t");
	if (!lines_split("addnhosts", text, &l))
		return;
	for (size_t i = 0; i < l.n; i++) {
		const char *s = l.start[i];
		size_t n = l.len[i];

		if (n < 2 || s[n - 1] != '\t' || s[0] == '\t' || line_has(s, n, ' ') ||
		    line_has(s, n, '#') || line_has(s, n, '"') || line_has(s, n, ','))
			failf(text, "addnhosts: bad line %zu", i + 1);
	}
	lines_free(&l);
}

static bool nft_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Every line one of our five commands on table inet netplumb; quoted
 * strings only interface names; no comment, and braces and semicolons only
 * in a chain's hook spec (and a rule's "{ 9000 : 7000, ... }" port map). */
static void check_nft(const char *what, const char *text)
{
	static const char *const verbs[] = {
		"add chain inet " NP_FW_TABLE " ",   "flush chain inet " NP_FW_TABLE " ",
		"delete chain inet " NP_FW_TABLE " ", "add rule inet " NP_FW_TABLE " ",
	};
	struct lines l;

	check_ctrl(what, text, "\n\t");
	if (!lines_split(what, text, &l))
		return;
	for (size_t i = 0; i < l.n; i++) {
		const char *s = l.start[i];
		size_t n = l.len[i], v;
		bool quoted = false, spec;

		if (line_is(s, n, "add table inet " NP_FW_TABLE))
			continue;
		for (v = 0; v < NP_ARRAY_SIZE(verbs); v++)
			if (line_starts(s, n, verbs[v]))
				break;
		if (v == NP_ARRAY_SIZE(verbs))
			failf(text, "%s: unexpected line %zu", what, i + 1);
		spec = v == 0;
		for (size_t k = 0; k < n; k++) {
			char c = s[k];

			/* a port map of a port forward: numbers only */
			if (!spec && !quoted && c == '{' && v == 3) {
				size_t e = k + 1;

				while (e < n && strchr("0123456789 :,", s[e]))
					e++;
				if (e < n && s[e] == '}') {
					k = e;
					continue;
				}
			}
			if (c == '"') {
				if (!quoted && (k + 1 >= n || s[k + 1] == '"'))
					failf(text, "%s: empty string on line %zu", what, i + 1);
				quoted = !quoted;
			} else if (quoted ? !nft_ident_char(c)
					  : (c == '#' || (!spec && strchr(";{}", c)))) {
				failf(text, "%s: character '%c' on line %zu", what, c, i + 1);
			}
		}
		if (quoted)
			failf(text, "%s: unterminated string on line %zu", what, i + 1);
	}
	lines_free(&l);
}

/* The firewall and dnsmasq renderers, called directly: they check user
 * strings themselves, so their promises hold for unvalidated input too. */
static void render_all(const struct np_net *net)
{
	char *text = NULL;
	struct np_err err = { 0 };
	int r;

	r = np_fw_ruleset_render(net, &text, &err);
	if (r < 0)
		check_err("np_fw_ruleset_render", r, &err, false);
	else
		check_nft("nft ruleset", text);
	free(text);
	text = NULL;
	err = (struct np_err){ 0 };
	r = np_fw_ruleset_remove_render(net, &text, &err);
	if (r < 0)
		check_err("np_fw_ruleset_remove_render", r, &err, false);
	else
		check_nft("nft remove", text);
	free(text);
	text = NULL;
	err = (struct np_err){ 0 };
	r = np_dhcp_conf_render(net, &conf_paths, &text, &err);
	if (r < 0)
		check_err("np_dhcp_conf_render", r, &err, false);
	else
		check_conf(net, &conf_paths, text);
	free(text);
	text = NULL;
	err = (struct np_err){ 0 };
	r = np_dhcp_hosts_render(net, &text, &err);
	if (r < 0)
		check_err("np_dhcp_hosts_render", r, &err, false);
	else
		check_hosts(text);
	free(text);
	text = NULL;
	err = (struct np_err){ 0 };
	r = np_dhcp_addnhosts_render(net, &text, &err);
	if (r < 0)
		check_err("np_dhcp_addnhosts_render", r, &err, false);
	else
		check_addnhosts(text);
	free(text);
	(void)np_dhcp_needed(net);
}

static char *print_plan(const struct np_plan *plan, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	if (json)
		np_plan_print_json(plan, f);
	else
		np_plan_print(plan, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* A shell word outside a here-document: only what paths, names and
 * addresses of a validated network can hold. */
static bool shell_safe(char c)
{
	return nft_ident_char(c) || strchr(" /:=+,%", c);
}

/* Masks each quoted part of a command line ('...', $'...' and the \' of
 * '\'', as np_shell_quote writes them) with 'x', so that only bare shell
 * syntax is left to check. Returns where an unquoted here-document start
 * " <<'" is, n when there is none. */
static size_t mask_quotes(char *s, size_t n, const char *text, size_t line)
{
	for (size_t k = 0; k < n; k++) {
		size_t open = k;
		const char *q;

		if (n - k >= 4 && !memcmp(s + k, " <<'", 4))
			return k;
		if (s[k] == '\\' && k + 1 < n && s[k + 1] == '\'') {
			memset(s + k, 'x', 2);
			k++;
			continue;
		}
		if (s[k] == '$' && k + 1 < n && s[k + 1] == '\'')
			k++;
		else if (s[k] != '\'')
			continue;
		q = memchr(s + k + 1, '\'', n - k - 1);
		if (!q)
			failf(text, "plan: unterminated quote on line %zu", line);
		memset(s + open, 'x', (size_t)(q - (s + open)) + 1);
		k = (size_t)(q - s);
	}
	return n;
}

/* The next step whose text plan_print.c prints as a here-document. */
static const char *next_body(const struct np_plan *plan, size_t *i)
{
	for (; *i < plan->n_steps; (*i)++) {
		const struct np_step *s = &plan->steps[*i];

		if (s->kind == NP_STEP_FILE_WRITE || s->kind == NP_STEP_HOOK ||
		    s->kind == NP_STEP_FW_APPLY || s->kind == NP_STEP_PORT_LIMIT) {
			(*i)++;
			return s->kind == NP_STEP_FILE_WRITE || s->kind == NP_STEP_HOOK ? s->data
											 : s->text;
		}
	}
	return NULL;
}

/* Blanks out single-quoted words (and the '\\'' escape) of a line so that
 * only what is outside quotes is checked for shell characters. */
static void mask_quoted(const char *text, const char *s, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\\' && k + 1 < n && s[k + 1] == '\'') {
			memset((char *)s + k, 'x', 2);
			k++;
			continue;
		}
		if (s[k] != '\'')
			continue;
		const char *q = memchr(s + k + 1, '\'', n - k - 1);

		if (!q)
			failf(text, "plan: unterminated quote on line %zu", i + 1);
		memset((char *)s + k, 'x', (size_t)(q - (s + k)) + 1);
		k = (size_t)(q - s);
	}
}

/* `plan` output is meant to be pasted into a shell: outside here-documents
 * only comments and our commands, with no shell syntax in them, and every
 * here-document must give back exactly the step's text (a line of it equal
 * to the end word would end it early and run the rest). */
static void check_plan_text(const struct np_plan *plan, const char *text)
{
	static const char *const cmds[] = { "ip ",	   "sysctl -w ",   "install -m ",
					    "nft -f ",	   "dnsmasq ",	   "[ ! -x ",
					    "tc ",	   "firewall-cmd ", "resolvectl ",
					    "bridge fdb append ", "flock " };
	const char *body = NULL, *end = NULL;
	size_t end_len = 0, body_off = 0, step = 0;
	struct lines l;

	check_ctrl("plan", text, "\n\t");
	if (!lines_split("plan", text, &l))
		return;
	for (size_t i = 0; i < l.n; i++) {
		const char *s = l.start[i], *heredoc, *cut;
		size_t n = l.len[i], v;

		if (body) {
			if (n == end_len && !memcmp(s, end, n)) {
				if (body[body_off])
					failf(text, "plan: here-document ends early at line %zu", i + 1);
				body = NULL;
				continue;
			}
			if (strncmp(body + body_off, s, n) ||
			    (body[body_off + n] != '\n' && body[body_off + n]))
				failf(text, "plan: here-document line %zu differs from the step", i + 1);
			body_off += n + (body[body_off + n] ? 1 : 0);
			continue;
		}
		if (!n || s[0] == '#')
			continue;
		for (v = 0; v < NP_ARRAY_SIZE(cmds); v++)
			if (line_starts(s, n, cmds[v]))
				break;
		if (v == NP_ARRAY_SIZE(cmds))
			failf(text, "plan: unexpected line %zu", i + 1);
		/* values are quoted words: what is left must be our syntax */
		v = mask_quotes((char *)s, n, text, i + 1);
		heredoc = v < n ? s + v : NULL;
		if (heredoc) {
			end = heredoc + 4;
			end_len = n - (size_t)(end - s);
			if (!end_len || end[end_len - 1] != '\'')
				failf(text, "plan: bad here-document start on line %zu", i + 1);
			end_len--;
			body = next_body(plan, &step);
			body_off = 0;
			if (!body)
				failf(text, "plan: here-document without a step on line %zu", i + 1);
			n = (size_t)(heredoc - s);
		}
		/* a trailing "  # note" is a shell comment */
		cut = memmem(s, n, "  # ", 4);
		if (cut)
			n = (size_t)(cut - s);
		/* the hook's "[ ! -x HOOK ] || HOOK ...": its one test */
		if (line_starts(s, n, "[ ! -x ")) {
			cut = memmem(s, n, " ] || ", 6);
			if (!cut)
				failf(text, "plan: bad hook line %zu", i + 1);
			s += 7;
			n -= 7;
			for (size_t k = 0; k < (size_t)(cut - s); k++)
				if (!shell_safe(s[k]))
					failf(text, "plan: shell character '%c' on line %zu", s[k], i + 1);
			n -= (size_t)(cut + 6 - s);
			s = cut + 6;
		}
		/* firewall-cmd and resolvectl words are quoted when not plain */
		if (line_starts(s, n, "firewall-cmd ") || line_starts(s, n, "resolvectl "))
			mask_quoted(text, s, n, i);
		for (size_t k = 0; k < n; k++)
			if (!shell_safe(s[k]))
				failf(text, "plan: shell character '%c' on line %zu", s[k], i + 1);
	}
	if (body)
		failf(text, "plan: unterminated here-document");
	if (next_body(plan, &step))
		failf(text, "plan: a step's text was not printed");
	lines_free(&l);
}

/* What `net-start` would do, printed both ways; only for a network that
 * passed validation, as the CLI never plans any other. */
static void plan_all(const struct np_net *net)
{
	/* a recorded port in the default portgroup: its <bandwidth> steps */
	static const struct np_port port = { .type = NP_PORT_VETH, .ifname = "vnet0",
					     .peer = "eth0", .netns = "guest", .owner = -1,
					     .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	struct np_plan_paths paths = {
		.state_dir = STATE_DIR,
		.run_dir = RUN_DIR,
		.dnsmasq_user = DNSMASQ_USER,
		.ports = &port,
		.n_ports = 1,
		/* a VXLAN's underlay, as the engine would find it */
		.underlay_mtu = 1500,
	};
	_np_plan_free_ struct np_plan *plan = NULL;
	struct np_err err = { 0 };
	char *text;
	int r;

	if (net->vxlan)
		np_addr_parse(net->vxlan->local.family == AF_INET6 ||
				      (net->vxlan->n_remotes &&
				       net->vxlan->remotes[0].family == AF_INET6)
			      ? "2001:db8::1"
			      : "192.0.2.1",
			      0, &paths.underlay_addr);
	r = np_plan_build(net, &paths, &plan, &err);
	if (r < 0) {
		check_err("np_plan_build", r, &err, false);
		return;
	}
	text = print_plan(plan, false);
	if (text)
		check_plan_text(plan, text);
	free(text);
	text = print_plan(plan, true);
	if (text)
		check_ctrl("plan json", text, "\n");
	free(text);
}

/* format -> parse -> format must give the same text. */
static void roundtrip(const struct np_net *net, unsigned flags, bool valid)
{
	_np_net_free_ struct np_net *again = NULL;
	_np_free_ char *x1 = NULL, *x2 = NULL;
	struct np_err err = { 0 };
	int r;

	r = np_xml_net_format(net, flags, &x1);
	if (r == -ENOMEM)
		return;
	if (r < 0)
		failf(NULL, "np_xml_net_format(flags=%u) failed: %d", flags, r);
	r = np_xml_net_parse(x1, strlen(x1), FILE_LABEL, &again, &err);
	if (r == -ENOMEM)
		return;
	if (r < 0)
		failf(x1, "formatted XML (flags=%u) does not parse again: %s", flags, err.msg);
	r = np_xml_net_format(again, flags, &x2);
	if (r == -ENOMEM)
		return;
	if (r < 0)
		failf(x1, "re-parsed XML (flags=%u) does not format: %d", flags, r);
	if (strcmp(x1, x2)) {
		fprintf(stderr, "--- first format ---\n%s--- second format ---\n%s", x1, x2);
		failf(NULL, "format(parse(format(x))) != format(x) (flags=%u)", flags);
	}
	/* The stored definition is the formatted one: a network that passed
	 * must pass again when it is loaded back. (The converse need not hold:
	 * libvirt's formatter drops an empty <virtualport/> in a <portgroup>
	 * that its validation counts against a <vlan> there.) */
	if (valid) {
		err = (struct np_err){ 0 };
		r = np_net_validate(again, FILE_LABEL, &err);
		if (r < 0)
			failf(x1, "validation fails after a format round trip (flags=%u): %s", flags,
			      err.msg);
	}
}

/* libxml2's global handler: reached only when the parser lets libxml2 print
 * an error to stderr itself, which library code must never do. */
static void libxml_printed(void *ctx, const char *msg, ...)
{
	failf(msg, "libxml2 printed an error itself");
}

int np_fuzz_one(const uint8_t *data, size_t size)
{
	_np_net_free_ struct np_net *net = NULL;
	struct np_err err = { 0 };
	bool valid;
	int r;

	xmlSetGenericErrorFunc(NULL, libxml_printed);
	r = np_xml_net_parse((const char *)data, size, FILE_LABEL, &net, &err);
	if (r < 0) {
		check_err("np_xml_net_parse", r, &err, true);
		return 0;
	}
	r = np_net_validate(net, FILE_LABEL, &err);
	valid = r == 0;
	if (!valid)
		check_err("np_net_validate", r, &err, true);
	roundtrip(net, 0, valid);
	roundtrip(net, NP_XML_FORMAT_INACTIVE, valid);
	render_all(net);
	if (valid)
		plan_all(net);
	return 0;
}
