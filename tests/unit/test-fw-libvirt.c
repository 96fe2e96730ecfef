/* libvirt's own firewall cases (networkxml2firewalldata/NAME.xml): our
 * script for each is kept as a golden file, and is checked to mean the same
 * as libvirt's NAME-linux.nftables rule for rule.
 *
 * "Means the same" is decided on normalised rules: per family (libvirt's ip
 * or ip6 table; our inet rules count for the family their matches imply, or
 * both), iif/oif taken as iifname/oifname, counters dropped, matches sorted,
 * libvirt's inserts put in their final (reversed) order, and its
 * guest_cross + guest_input + guest_output chains read as our one fwd chain.
 * Rules may then differ only in order where order cannot matter: inside a run
 * of rules with the same verdict, and in the nat chain between rules for
 * different source subnets. libvirt's tc commands (the DHCP checksum fix) are
 * not nftables and are not compared here. */
#include "check.h"

#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#define CASES_DIR NP_SHARED_DIR "/conformance/libvirt/networkxml2firewalldata"
#define GOLDEN_DIR NP_TEST_DATA "/fw/libvirt"

static const char *const cases[] = {
	"forward-dev", "isolated",	    "nat-default",	   "nat-ipv6",
	"nat-ipv6-masquerade", "nat-many-ips", "nat-no-dhcp", "nat-port-range",
	"nat-port-range-ipv6", "nat-tftp",	    "route-default",
};

#define MAX_RULES 256
#define MAX_TOK 48
#define TXT 512
#define CL 256

enum { FWD, NAT };

struct nrule {
	char text[TXT];    /* sorted matches + " -> " + verdict */
	char saddr[80];    /* for reordering the nat chain */
	char verdict[128];
};

struct nlist {
	struct nrule r[MAX_RULES];
	size_t n;
};

/* [family 0 = IPv4, 1 = IPv6][FWD/NAT] */
struct nset {
	struct nlist l[2][2];
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_rule_text(const void *a, const void *b)
{
	return strcmp(((const struct nrule *)a)->text, ((const struct nrule *)b)->text);
}

/* "a,b" -> sorted "a,b" so "established,related" == "related,established" */
static void sort_list(char *s)
{
	char *parts[8], buf[128], *save = NULL, *p;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ",", &save); p && n < 8; p = strtok_r(NULL, ",", &save))
		parts[n++] = p;
	qsort(parts, n, sizeof(*parts), cmp_str);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(s, i ? "," : "");
		strcat(s, parts[i]);
	}
}

static void strip_host_prefix(char *addr)
{
	size_t n = strlen(addr);

	if (n > 3 && !strcmp(addr + n - 3, "/32"))
		addr[n - 3] = '\0';
	else if (n > 4 && !strcmp(addr + n - 4, "/128"))
		addr[n - 4] = '\0';
}

/* Turns one rule's tokens (after the chain name) into r; *fams gets the
 * families it applies to (bit 0 IPv4, bit 1 IPv6). Unknown tokens are kept
 * as "?token" so they show up as differences. */
static void normalize(char **tok, size_t n, struct nrule *r, unsigned *fams)
{
	char clauses[MAX_TOK][CL];
	char *sorted[MAX_TOK];
	size_t nc = 0;
	unsigned f = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		const char *t = tok[i];
		char *c = clauses[nc];

		if (!strcmp(t, "counter"))
			continue;
		if ((!strcmp(t, "iif") || !strcmp(t, "iifname")) && i + 1 < n) {
			snprintf(c, CL, "iifname %s", tok[++i]);
		} else if ((!strcmp(t, "oif") || !strcmp(t, "oifname")) && i + 1 < n) {
			snprintf(c, CL, "oifname %s", tok[++i]);
		} else if ((!strcmp(t, "ip") || !strcmp(t, "ip6")) && i + 2 < n) {
			bool neg = !strcmp(tok[i + 2], "!=") && i + 3 < n;
			char addr[80];

			f |= !strcmp(t, "ip") ? 1 : 2;
			snprintf(addr, sizeof(addr), "%s", tok[i + 2 + neg]);
			strip_host_prefix(addr);
			snprintf(c, CL, "%s %s %s%s", t, tok[i + 1], neg ? "!= " : "", addr);
			if (!strcmp(tok[i + 1], "saddr"))
				snprintf(r->saddr, sizeof(r->saddr), "%s", addr);
			i += 2 + neg;
		} else if (!strcmp(t, "meta") && i + 2 < n && !strcmp(tok[i + 1], "nfproto")) {
			f |= !strcmp(tok[i + 2], "ipv4") ? 1 : 2;
			i += 2;
			continue;
		} else if (!strcmp(t, "meta") && i + 2 < n) {
			snprintf(c, CL, "meta %s %s", tok[i + 1], tok[i + 2]);
			i += 2;
		} else if (!strcmp(t, "ct") && i + 2 < n) {
			char v[128];

			snprintf(v, sizeof(v), "%s", tok[i + 2]);
			sort_list(v);
			snprintf(c, CL, "ct %s %s", tok[i + 1], v);
			i += 2;
		} else if (!strcmp(t, "accept") || !strcmp(t, "reject") || !strcmp(t, "return") ||
			   !strcmp(t, "masquerade") || !strcmp(t, "snat")) {
			/* the verdict and its arguments end the rule; "snat ip to"
			 * and "snat to" are the same in a family table */
			size_t len = 0;

			for (size_t j = i; j < n; j++) {
				if (j > i && !strcmp(t, "snat") &&
				    (!strcmp(tok[j], "ip") || !strcmp(tok[j], "ip6")))
					continue;
				len += (size_t)snprintf(r->verdict + len, sizeof(r->verdict) - len,
							"%s%s", j > i ? " " : "", tok[j]);
				if (len >= sizeof(r->verdict))
					break;
			}
			break;
		} else {
			snprintf(c, CL, "?%s", t);
		}
		if (nc + 1 < MAX_TOK)
			nc++;
	}
	for (size_t i = 0; i < nc; i++)
		sorted[i] = clauses[i];
	qsort(sorted, nc, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < nc; i++) {
		strncat(r->text, sorted[i], TXT - strlen(r->text) - 1);
		strncat(r->text, " ", TXT - strlen(r->text) - 1);
	}
	strncat(r->text, "-> ", TXT - strlen(r->text) - 1);
	strncat(r->text, r->verdict, TXT - strlen(r->text) - 1);
	*fams = f ? f : 3;
}

static void push(struct nlist *l, const struct nrule *r)
{
	if (l->n < MAX_RULES)
		l->r[l->n++] = *r;
}

static void add_to(struct nset *set, unsigned fams, int chain, const struct nrule *r)
{
	for (int f = 0; f < 2; f++)
		if (fams & (1u << f))
			push(&set->l[f][chain], r);
}

/* One of our rules, "tokens..." of chain. */
static void load_rule(const char *chain, const char *text, size_t len, struct nset *set)
{
	char buf[TXT];
	char *tok[MAX_TOK], *save = NULL, *t;
	size_t n = 0;
	struct nrule r;
	unsigned fams;

	snprintf(buf, sizeof(buf), "%.*s", (int)len, text);
	for (t = strtok_r(buf, " ", &save); t && n < MAX_TOK; t = strtok_r(NULL, " ", &save)) {
		size_t tl = strlen(t);

		if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
			t[tl - 1] = '\0';
			t++;
		}
		tok[n++] = t;
	}
	if (!n)
		return;
	normalize(tok, n, &r, &fams);
	add_to(set, fams, !strncmp(chain, "nat-", 4) ? NAT : FWD, &r);
}

/* Our script: "add rule inet netplumb CHAIN RULE" lines (np_fw_ruleset_render)
 * or rules inside "add chain inet netplumb CHAIN { type ...; policy ...;
 * RULE; RULE; }" blocks (np_fw_ruleset_create_render). */
static void load_ours(const char *script, struct nset *set)
{
	static const char chain_cmd[] = "add chain inet netplumb ", rule_cmd[] = "add rule inet netplumb ";
	const char *p = script;

	memset(set, 0, sizeof(*set));
	while (*p) {
		const char *e = strchrnul(p, '\n'), *l = p, *sp;
		char chain[CL];

		p = *e ? e + 1 : e;
		if (!strncmp(l, rule_cmd, strlen(rule_cmd))) {
			l += strlen(rule_cmd);
			sp = memchr(l, ' ', (size_t)(e - l));
			if (!sp)
				continue;
			snprintf(chain, sizeof(chain), "%.*s", (int)(sp - l), l);
			load_rule(chain, sp + 1, (size_t)(e - sp - 1), set);
			continue;
		}
		if (strncmp(l, chain_cmd, strlen(chain_cmd)))
			continue;
		l += strlen(chain_cmd);
		sp = memchr(l, ' ', (size_t)(e - l));
		if (!sp || e - sp < 4 || strncmp(sp, " { ", 3) || strncmp(e - 2, " }", 2))
			continue;
		snprintf(chain, sizeof(chain), "%.*s", (int)(sp - l), l);
		for (const char *st = sp + 3; st < e - 2;) {
			const char *se = memchr(st, ';', (size_t)(e - 2 - st));

			if (!se)
				se = e - 2;
			while (st < se && *st == ' ')
				st++;
			if (st < se && strncmp(st, "type ", 5) && strncmp(st, "policy ", 7))
				load_rule(chain, st, (size_t)(se - st), set);
			st = se + 1;
		}
	}
}

/* libvirt's file: one argument per line ending in " \", commands start
 * with a line "nft" or "tc". */
static int load_libvirt(const char *text, struct nset *set)
{
	/* [family][guest_cross, guest_input, guest_output, guest_nat] */
	static struct nlist chains[2][4];
	static const char *const names[] = { "guest_cross", "guest_input", "guest_output",
					     "guest_nat" };
	char *copy = strdup(text), *line, *save = NULL;
	char *tok[MAX_TOK];
	size_t n = 0;
	bool done = false;

	if (!copy)
		return -ENOMEM;
	memset(set, 0, sizeof(*set));
	memset(chains, 0, sizeof(chains));
	line = strtok_r(copy, "\n", &save);
	while (!done) {
		char *t = line;

		done = !line;
		if (t) {
			size_t len = strlen(t);

			if (len >= 2 && !strcmp(t + len - 2, " \\"))
				t[len -= 2] = '\0';
			if (len >= 2 && t[0] == '\'' && t[len - 1] == '\'') {
				t[len - 1] = '\0';
				t++;
			}
		}
		/* a command ends where the next begins */
		if ((done || !strcmp(t, "nft") || !strcmp(t, "tc")) && n > 0) {
			if (!strcmp(tok[0], "nft") && n > 6 && strstr(tok[1], "insert") &&
			    !strcmp(tok[2], "rule")) {
				int fam = !strcmp(tok[3], "ip6") ? 1 : 0;
				struct nrule r;
				unsigned fams;

				normalize(tok + 6, n - 6, &r, &fams);
				for (int c = 0; c < 4; c++)
					if (!strcmp(tok[5], names[c]))
						push(&chains[fam][c], &r);
			}
			n = 0;
		}
		if (!done && n < MAX_TOK)
			tok[n++] = t;
		line = strtok_r(NULL, "\n", &save);
	}
	/* insert = prepend: the final order is the reverse */
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 4; c++)
			for (size_t i = chains[f][c].n; i-- > 0;)
				push(&set->l[f][c == 3 ? NAT : FWD], &chains[f][c].r[i]);
	free(copy);
	return 0;
}

static int cmp_saddr(const void *a, const void *b)
{
	return strcmp(((const struct nrule *)a)->saddr, ((const struct nrule *)b)->saddr);
}

/* qsort is not stable: sort indices to keep order within a subnet. */
static void stable_sort_saddr(struct nlist *l)
{
	for (size_t i = 1; i < l->n; i++)
		for (size_t j = i; j > 0 && cmp_saddr(&l->r[j - 1], &l->r[j]) > 0; j--) {
			struct nrule tmp = l->r[j];

			l->r[j] = l->r[j - 1];
			l->r[j - 1] = tmp;
		}
}

static void canonical(struct nlist *l, int chain)
{
	if (chain == NAT)
		stable_sort_saddr(l);
	for (size_t i = 0; i < l->n;) {
		size_t j = i + 1;

		while (j < l->n && !strcmp(l->r[j].verdict, l->r[i].verdict) &&
		       (chain == FWD || !strcmp(l->r[j].saddr, l->r[i].saddr)))
			j++;
		qsort(&l->r[i], j - i, sizeof(l->r[0]), cmp_rule_text);
		i = j;
	}
}

static bool same(const char *name, struct nset *ours, struct nset *theirs)
{
	bool ok = true;

	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 2; c++) {
			struct nlist *a = &ours->l[f][c], *b = &theirs->l[f][c];

			canonical(a, c);
			canonical(b, c);
			for (size_t i = 0; i < a->n || i < b->n; i++) {
				const char *x = i < a->n ? a->r[i].text : "(none)";
				const char *y = i < b->n ? b->r[i].text : "(none)";

				if (strcmp(x, y)) {
					fprintf(stderr, "%s: IPv%d %s rule %zu:\n  ours:    %s\n  libvirt: %s\n",
						name, f ? 6 : 4, c == FWD ? "forward" : "nat", i, x, y);
					ok = false;
				}
			}
		}
	return ok;
}

/* Rule for rule the same, order included. */
static bool identical(const struct nset *a, const struct nset *b)
{
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 2; c++) {
			if (a->l[f][c].n != b->l[f][c].n)
				return false;
			for (size_t i = 0; i < a->l[f][c].n; i++)
				if (strcmp(a->l[f][c].r[i].text, b->l[f][c].r[i].text))
					return false;
		}
	return true;
}

static void test_case(const char *name, int *n_ok)
{
	char path[512];
	struct np_err err = { { 0 } };
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ char *script = NULL, *expected = NULL;
	static struct nset ours, theirs;
	int r;

	snprintf(path, sizeof(path), CASES_DIR "/%s.xml", name);
	r = np_xml_net_parse_file(path, &net, &err);
	CHECK(r == 0);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return;
	}
	r = np_fw_ruleset_render(net, &script, &err);
	CHECK(r == 0);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		return;
	}
	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.nft", name);
	CHECK(check_golden(path, script));

	snprintf(path, sizeof(path), CASES_DIR "/%s-linux.nftables", name);
	r = np_file_read(path, 1 << 20, &expected, NULL);
	CHECK(r == 0);
	if (r < 0)
		return;
	load_ours(script, &ours);
	CHECK(load_libvirt(expected, &theirs) == 0);
	/* the comparison must have something to compare */
	CHECK(theirs.l[0][FWD].n >= 3);
	if (same(name, &ours, &theirs)) {
		(*n_ok)++;
		CHECK(1);
	} else {
		CHECK(!"rules differ from libvirt's");
	}

	/* The create-only script: the same rules in the same order. */
	{
		_np_free_ char *created = NULL;
		static struct nset c;

		CHECK(np_fw_ruleset_create_render(net, &created, &err) == 0);
		if (!created)
			return;
		CHECK(!strstr(created, "add rule") && !strstr(created, "flush") &&
		      !strstr(created, "delete"));
		/* same() sorts runs in place: compare fresh copies */
		load_ours(created, &c);
		load_ours(script, &ours);
		CHECK(c.l[0][FWD].n >= 3 && identical(&c, &ours));
		CHECK(same(name, &c, &theirs));
	}
}

/* The comparison itself must catch a difference. */
static void test_detects_difference(void)
{
	static struct nset ours, theirs;
	const char *lv = "nft \\\n-ae insert \\\nrule \\\nip \\\nlibvirt_network \\\nguest_output \\\n"
			 "iif \\\nvirbr0 \\\ncounter \\\nreject\n"
			 "nft \\\n-ae insert \\\nrule \\\nip \\\nlibvirt_network \\\nguest_nat \\\n"
			 "ip \\\nsaddr \\\n10.0.0.0/8 \\\nip \\\ndaddr \\\n'!=' \\\n10.0.0.0/8 \\\n"
			 "counter \\\nmasquerade\n";

	CHECK(load_libvirt(lv, &theirs) == 0);
	load_ours("add rule inet netplumb fwd-virbr0 meta nfproto ipv4 iifname \"virbr0\" counter reject\n"
		  "add rule inet netplumb nat-virbr0 ip saddr 10.0.0.0/8 ip daddr != 10.0.0.0/8 counter masquerade\n",
		  &ours);
	CHECK(same("self-check", &ours, &theirs));
	load_ours("add chain inet netplumb fwd-virbr0 { type filter hook forward priority 0; "
		  "policy accept; meta nfproto ipv4 iifname \"virbr0\" counter reject; }\n"
		  "add chain inet netplumb nat-virbr0 { type nat hook postrouting priority 100; "
		  "policy accept; ip saddr 10.0.0.0/8 ip daddr != 10.0.0.0/8 counter masquerade; }\n",
		  &ours);
	CHECK(same("self-check", &ours, &theirs));
	fprintf(stderr, "(a difference report is expected next)\n");
	load_ours("add chain inet netplumb fwd-virbr0 { type filter hook forward priority 0; "
		  "policy accept; iifname \"virbr0\" counter reject; }\n"
		  "add rule inet netplumb nat-virbr0 ip saddr 10.0.0.0/8 counter masquerade\n",
		  &ours);
	CHECK(load_libvirt(lv, &theirs) == 0);
	CHECK(!same("self-check", &ours, &theirs));
}

int main(void)
{
	struct stat st;
	int n_ok = 0;

	if (stat(CASES_DIR, &st) < 0) {
		printf("SKIP: %s not found\n", CASES_DIR);
		return 77;
	}
	test_detects_difference();
	for (size_t i = 0; i < NP_ARRAY_SIZE(cases); i++)
		test_case(cases[i], &n_ok);
	printf("libvirt networkxml2firewalldata: %d/%zu networks mean the same as libvirt's nftables rules\n",
	       n_ok, NP_ARRAY_SIZE(cases));
	return check_result("test-fw-libvirt");
}
