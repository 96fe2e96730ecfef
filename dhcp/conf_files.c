/* What a dnsmasq config tells about the files dnsmasq will use (pure: the
 * text is read by dnsmasq_files_sys.c). */
#include "dhcp/dnsmasq_priv.h"

#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const unprivileged_keys[] = {
	"dhcp-hostsfile", "dhcp-optsfile", "addn-hosts", "servers-file", "resolv-file",
};

void np_dnsmasq_files_clear(struct np_dnsmasq_files *f)
{
	free(f->pidfile);
	free(f->leasefile);
	free(f->user);
	free(f->group);
	for (size_t i = 0; i < f->n_unprivileged; i++)
		free(f->unprivileged[i]);
	free(f->unprivileged);
	*f = (struct np_dnsmasq_files){ 0 };
}

/* value of "key=value" when line is one, else NULL. */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(line, key, n) && line[n] == '=' ? line + n + 1 : NULL;
}

static int set_last(char **slot, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	free(*slot);
	*slot = v;
	return 0;
}

static int add_unprivileged(struct np_dnsmasq_files *f, const char *value)
{
	char **grown = realloc(f->unprivileged, (f->n_unprivileged + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	f->unprivileged = grown;
	f->unprivileged[f->n_unprivileged] = strdup(value);
	if (!f->unprivileged[f->n_unprivileged])
		return -ENOMEM;
	f->n_unprivileged++;
	return 0;
}

static int parse_line(struct np_dnsmasq_files *f, const char *line)
{
	const char *v;

	if ((v = value_of(line, "pid-file")))
		return set_last(&f->pidfile, v);
	if ((v = value_of(line, "dhcp-leasefile")))
		return set_last(&f->leasefile, v);
	if ((v = value_of(line, "user")))
		return set_last(&f->user, v);
	if ((v = value_of(line, "group")))
		return set_last(&f->group, v);
	for (size_t i = 0; i < NP_ARRAY_SIZE(unprivileged_keys); i++)
		if ((v = value_of(line, unprivileged_keys[i])) && *v)
			return add_unprivileged(f, v);
	return 0;
}

int np_dnsmasq_files_parse_text(char *text, struct np_dnsmasq_files *ret)
{
	struct np_dnsmasq_files f = { 0 };
	int r = 0;

	for (char *line = text; line && *line && r >= 0;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		r = parse_line(&f, line);
		line = nl ? nl + 1 : NULL;
	}
	if (r < 0) {
		np_dnsmasq_files_clear(&f);
		return r;
	}
	*ret = f;
	return 0;
}
