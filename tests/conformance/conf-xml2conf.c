/* libvirt's networkxml2conftest against netplumb: every xml2conf case of
 * CASES.tsv is parsed, rendered to a dnsmasq config and hosts file, and
 * compared with libvirt's expected files. Two differences are allowed by
 * design: the leading '##' comment header (netplumb writes its own), and the
 * directory of dhcp-hostsfile= / addn-hosts= (the file name must match). */
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/dhcp.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define LIBVIRT_DIR NP_SHARED_DIR "/conformance/libvirt"
/* Deliberately not libvirt's /var/lib/libvirt/dnsmasq: only the file name
 * has to agree. */
#define STATE_DIR "/var/lib/netplumb/dnsmasq"
#define MAX_FILE (1024 * 1024)

/* Skips the leading '##' header lines. */
static const char *body(const char *text)
{
	while (!strncmp(text, "##", 2)) {
		const char *nl = strchr(text, '\n');

		if (!nl)
			return text + strlen(text);
		text = nl + 1;
	}
	return text;
}

/* The next line of *p into out (without '\n'), the directory dropped from
 * the two path options; false at the end. */
static bool next_line(const char **p, char *out, size_t size)
{
	static const char *const path_keys[] = { "dhcp-hostsfile=", "addn-hosts=" };
	size_t n;

	if (!**p)
		return false;
	n = strcspn(*p, "\n");
	snprintf(out, size, "%.*s", (int)n, *p);
	*p += n + ((*p)[n] == '\n');
	for (size_t i = 0; i < NP_ARRAY_SIZE(path_keys); i++) {
		size_t k = strlen(path_keys[i]);
		char *slash;

		if (strncmp(out, path_keys[i], k) || !(slash = strrchr(out + k, '/')))
			continue;
		memmove(out + k, slash + 1, strlen(slash + 1) + 1);
	}
	return true;
}

/* 0 when equal; else prints the first differing line. */
static int compare(const char *name, const char *what, const char *got, const char *want)
{
	char g[4096], w[4096];
	unsigned line = 0;

	for (;;) {
		bool hg = next_line(&got, g, sizeof(g)), hw = next_line(&want, w, sizeof(w));

		line++;
		if (!hg && !hw)
			return 0;
		if (hg != hw || strcmp(g, w)) {
			printf("FAIL %s: %s differs at line %u (after the ## header):\n"
			       "  got:  %s\n  want: %s\n",
			       name, what, line, hg ? g : "(end of file)", hw ? w : "(end of file)");
			return -1;
		}
	}
}

static int run_case(const char *name, const char *input, const char *expected, const char *extra)
{
	_np_net_free_ struct np_net *net = NULL;
	_np_free_ char *in = NULL, *want_path = NULL, *want = NULL, *conf = NULL, *hosts = NULL,
		       *hosts_path = NULL, *addn_path = NULL, *want_hosts = NULL,
		       *want_hosts_path = NULL;
	const char *hf = strstr(extra, "hostsfile=");
	struct np_err err = { "" };
	struct np_dhcp_paths paths = { 0 };
	int r;

	if (asprintf(&in, "%s/%s", LIBVIRT_DIR, input) < 0 ||
	    asprintf(&want_path, "%s/%s", LIBVIRT_DIR, expected) < 0)
		return -1;
	r = np_xml_net_parse_file(in, &net, &err);
	if (r < 0) {
		printf("FAIL %s: parse: %s\n", name, err.msg);
		return -1;
	}
	if (np_dhcp_path_build(STATE_DIR, net->name, "hostsfile", &hosts_path) < 0 ||
	    np_dhcp_path_build(STATE_DIR, net->name, "addnhosts", &addn_path) < 0)
		return -1;
	paths.hostsfile = hosts_path;
	paths.addnhosts = addn_path;
	r = np_dhcp_conf_render(net, &paths, &conf, &err);
	if (r >= 0)
		r = np_dhcp_hosts_render(net, &hosts, &err);
	if (r < 0) {
		printf("FAIL %s: render: %s\n", name, err.msg);
		return -1;
	}
	if (np_file_read(want_path, MAX_FILE, &want, NULL) < 0) {
		printf("FAIL %s: cannot read %s\n", name, want_path);
		return -1;
	}
	if (compare(name, "conf", body(conf), body(want)) < 0)
		return -1;

	if (!hf) {
		printf("FAIL %s: CASES.tsv names no hostsfile\n", name);
		return -1;
	}
	hf += strlen("hostsfile=");
	if (!strncmp(hf, "none-expected", strlen("none-expected"))) {
		if (*hosts) {
			printf("FAIL %s: hostsfile should be empty, got:\n%s", name, hosts);
			return -1;
		}
		return 0;
	}
	if (asprintf(&want_hosts_path, "%s/%.*s", LIBVIRT_DIR, (int)strcspn(hf, ";"), hf) < 0)
		return -1;
	if (np_file_read(want_hosts_path, MAX_FILE, &want_hosts, NULL) < 0) {
		printf("FAIL %s: cannot read %s\n", name, want_hosts_path);
		return -1;
	}
	return compare(name, "hostsfile", hosts, want_hosts);
}

int main(void)
{
	_np_free_ char *tsv = NULL;
	struct stat st;
	unsigned passed = 0, failed = 0;
	char *save = NULL;

	if (stat(LIBVIRT_DIR "/CASES.tsv", &st) < 0) {
		printf("SKIP: %s/CASES.tsv not found (../shared is absent)\n", LIBVIRT_DIR);
		return 77;
	}
	if (np_file_read(LIBVIRT_DIR "/CASES.tsv", MAX_FILE, &tsv, NULL) < 0) {
		printf("cannot read %s/CASES.tsv\n", LIBVIRT_DIR);
		return 1;
	}
	for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7], *fs = NULL;
		size_t n = 0;

		if (line[0] == '#')
			continue;
		for (char *t = strtok_r(line, "\t", &fs); t && n < 7; t = strtok_r(NULL, "\t", &fs))
			f[n++] = t;
		if (n < 7 || strcmp(f[0], "xml2conf"))
			continue;
		if (strcmp(f[5], "match")) {
			printf("FAIL %s: unexpected result kind '%s'\n", f[1], f[5]);
			failed++;
			continue;
		}
		if (run_case(f[1], f[2], f[4], f[6]) == 0) {
			printf("PASS %s\n", f[1]);
			passed++;
		} else {
			failed++;
		}
	}
	printf("xml2conf: %u passed, %u failed\n", passed, failed);
	return failed || !passed ? 1 : 0;
}
