/* Rendering and parsing the record of an applied plan (record.h). */
#include "engine/record.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "engine/plan.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "netplumb-record 1"
/* A plan has a few steps per port, and ports are limited (NP_MAX_PORTS). */
#define RECORD_MAX_STEPS 16384

static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._/:@+,-", c));
}

static void add_value(struct np_buf *b, const char *key, const char *v)
{
	if (!v)
		return;
	np_buf_addf(b, " %s=", key);
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (plain(*c))
			np_buf_addc(b, (char)*c);
		else
			np_buf_addf(b, "%%%02X", *c);
	}
}

int np_record_render(const struct np_plan *plan, size_t n, char **ret)
{
	struct np_buf b = { 0 };
	char mac[NP_MAC_STRLEN], dst[NP_ADDR_STRLEN];

	np_buf_add(&b, MAGIC "\n");
	add_value(&b, "network", plan->net_name);
	add_value(&b, "bridge", plan->bridge);
	np_buf_addc(&b, '\n');
	for (size_t i = 0; i < n && i < plan->n_steps; i++) {
		const struct np_step *s = &plan->steps[i];

		np_buf_addf(&b, "step %s", np_step_kind_names[s->kind]);
		add_value(&b, "ifname", s->ifname);
		add_value(&b, "path", s->path);
		add_value(&b, "pidfile", s->pid_path);
		add_value(&b, "op", s->kind == NP_STEP_HOOK ? s->key : NULL);
		add_value(&b, "subop", s->kind == NP_STEP_HOOK ? s->value : NULL);
		add_value(&b, "xml", s->kind == NP_STEP_HOOK ? s->data : NULL);
		add_value(&b, "undo", s->undo_text);
		if (s->kind == NP_STEP_IPT_RULE) {
			add_value(&b, "table", s->key);
			add_value(&b, "chain", s->value);
			add_value(&b, "rule", s->text);
		}
		if (s->state)
			np_buf_add(&b, " state=1");
		if (s->kind == NP_STEP_FDB_ADD)
			np_buf_addf(&b, " dst=%s", np_addr_str(&s->addr, dst));
		if (s->kind == NP_STEP_BRIDGE_ADD || s->kind == NP_STEP_PORT_ADD ||
		    s->kind == NP_STEP_VXLAN_ADD)
			np_buf_addf(&b, " ifindex=%d mac=%s", s->link.ifindex,
				    np_mac_str(s->link.mac, mac));
		np_buf_addc(&b, '\n');
	}
	if (b.oom) {
		np_buf_free(&b);
		return -ENOMEM;
	}
	*ret = np_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a value of len bytes; NUL bytes are refused. */
static int decode(const char *v, size_t len, char **ret)
{
	char *out = malloc(len + 1), *w = out;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (v[i] != '%') {
			if (!plain((unsigned char)v[i]))
				goto bad;
			*w++ = v[i];
			continue;
		}
		if (i + 2 >= len)
			goto bad;
		int h = hex(v[i + 1]), l = hex(v[i + 2]);

		if (h < 0 || l < 0 || (h == 0 && l == 0))
			goto bad;
		*w++ = (char)(h << 4 | l);
		i += 2;
	}
	*w = '\0';
	*ret = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

static int kind_of(const char *name, size_t len, enum np_step_kind *ret)
{
	for (size_t k = 0; k < NP_STEP_KIND_COUNT; k++)
		if (strlen(np_step_kind_names[k]) == len &&
		    !strncmp(np_step_kind_names[k], name, len)) {
			*ret = (enum np_step_kind)k;
			return 0;
		}
	return -EINVAL;
}

/* Sets the field key of s (or of the plan's header) to the decoded value. */
static int set_field(struct np_plan *plan, struct np_step *s, const char *key, size_t klen,
		     const char *v, size_t vlen)
{
	_np_free_ char *val = NULL;
	char **slot = NULL;
	int r;

	r = decode(v, vlen, &val);
	if (r < 0)
		return r;
#define IS(k) (klen == strlen(k) && !strncmp(key, k, klen))
	if (!s) {
		if (IS("network"))
			slot = &plan->net_name;
		else if (IS("bridge"))
			slot = &plan->bridge;
	} else if (IS("ifname")) {
		slot = &s->ifname;
	} else if (IS("path")) {
		slot = &s->path;
	} else if (IS("pidfile")) {
		slot = &s->pid_path;
	} else if (IS("op")) {
		slot = &s->key;
	} else if (IS("subop")) {
		slot = &s->value;
	} else if (IS("xml")) {
		slot = &s->data;
	} else if (IS("undo")) {
		slot = &s->undo_text;
	} else if (s->kind == NP_STEP_IPT_RULE && IS("table")) {
		slot = &s->key;
	} else if (s->kind == NP_STEP_IPT_RULE && IS("chain")) {
		slot = &s->value;
	} else if (s->kind == NP_STEP_IPT_RULE && IS("rule")) {
		slot = &s->text;
	} else if (IS("ifindex")) {
		char *end;
		long n = strtol(val, &end, 10);

		if (*end || end == val || n < 0 || n > 0x7fffffff)
			return -EINVAL;
		s->link.ifindex = (int)n;
		return 0;
	} else if (IS("state")) {
		if (strcmp(val, "1"))
			return -EINVAL;
		s->state = true;
		return 0;
	} else if (s->kind == NP_STEP_FDB_ADD && IS("dst")) {
		return np_addr_parse(val, 0, &s->addr) < 0 ? -EINVAL : 0;
	} else if (IS("mac")) {
		return np_mac_parse(val, s->link.mac) < 0 ? -EINVAL : 0;
	}
#undef IS
	if (!slot || *slot)
		return -EINVAL;
	*slot = np_steal(&val);
	return 0;
}

/* Parses the "key=value key=value" tail of a line. */
static int parse_fields(struct np_plan *plan, struct np_step *s, const char *p, const char *end)
{
	while (p < end) {
		const char *f, *eq;
		int r;

		if (*p++ != ' ')
			return -EINVAL;
		f = p;
		while (p < end && *p != ' ')
			p++;
		eq = memchr(f, '=', (size_t)(p - f));
		if (!eq || eq == f)
			return -EINVAL;
		r = set_field(plan, s, f, (size_t)(eq - f), eq + 1, (size_t)(p - eq - 1));
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_parsed_step(struct np_plan *plan, enum np_step_kind kind, struct np_step **ret)
{
	struct np_step *steps;

	if (plan->n_steps >= RECORD_MAX_STEPS)
		return -E2BIG;
	steps = realloc(plan->steps, (plan->n_steps + 1) * sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	plan->steps = steps;
	*ret = &steps[plan->n_steps++];
	memset(*ret, 0, sizeof(**ret));
	(*ret)->kind = kind;
	(*ret)->stp = -1;
	(*ret)->delay_cs = -1;
	return 0;
}

int np_record_parse(const char *text, const char *path, struct np_plan **ret,
		    struct np_err *err)
{
	_np_plan_free_ struct np_plan *plan = calloc(1, sizeof(*plan));
	const char *p = text;
	unsigned line = 0;
	int r = 0;

	if (!plan)
		return -ENOMEM;
	while (*p) {
		const char *end = strchr(p, '\n');
		enum np_step_kind kind;
		struct np_step *s;
		const char *k;

		line++;
		if (!end)
			goto bad;
		if (line == 1) {
			if ((size_t)(end - p) != strlen(MAGIC) || strncmp(p, MAGIC, strlen(MAGIC)))
				goto bad;
		} else if (line == 2) {
			r = parse_fields(plan, NULL, p, end);
			if (r < 0 || !plan->net_name || !plan->bridge)
				goto bad;
		} else {
			if (strncmp(p, "step ", 5))
				goto bad;
			k = p + 5;
			p = k;
			while (p < end && *p != ' ')
				p++;
			if (kind_of(k, (size_t)(p - k), &kind) < 0)
				goto bad;
			r = add_parsed_step(plan, kind, &s);
			if (r == -ENOMEM)
				return r;
			if (r < 0 || parse_fields(plan, s, p, end) < 0)
				goto bad;
		}
		p = end + 1;
	}
	if (line < 2)
		goto bad;
	*ret = np_steal(&plan);
	return 0;
bad:
	return np_err_set(err, -EINVAL, "%s:%u: not a record netplumb wrote", path, line);
}
