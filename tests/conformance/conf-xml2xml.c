/* libvirt's networkxml2xmltest against netplumb: every xml2xml case of
 * ../shared/conformance/libvirt/CASES.tsv is parsed; 'match' cases are
 * formatted and compared byte for byte, 'parse-error' cases must fail.
 * Then networkxml2xmlupdatetest: every xml2xmlupdate case applies its
 * snippet with net-update's rules; 'match' cases are compared the same way,
 * 'update-error' cases must be refused. */
#include "xml/net.h"
#include "xml/update.h"
#include "xml/xml.h"

#include "common/err.h"
#include "common/fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE (1024 * 1024)

static const char *base_dir(void)
{
	static char dir[4096];

	snprintf(dir, sizeof(dir), "%s/conformance/libvirt", NP_SHARED_DIR);
	return dir;
}

/* Prints where two texts first differ, one line each side. */
static void diff_hint(const char *want, const char *got)
{
	size_t i = 0, line = 1, bol = 0;

	while (want[i] && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			bol = i + 1;
		}
		i++;
	}
	printf("    first difference at line %zu\n", line);
	printf("    want: %.*s\n", (int)strcspn(want + bol, "\n"), want + bol);
	printf("    got:  %.*s\n", (int)strcspn(got + bol, "\n"), got + bol);
}

/* Some files of the data set are symlinks stored as plain text holding the
 * relative target (e.g. "../networkxml2confdata/leasetime-hours.xml"):
 * follow those, relative to the directory of the file. */
static int read_data(const char *rel, char **ret, size_t *ret_len)
{
	char *path = NULL, *data = NULL;
	size_t len;
	int r = -ELOOP;

	if (asprintf(&path, "%s/%s", base_dir(), rel) < 0)
		return -ENOMEM;
	for (int hops = 0; hops < 4; hops++) {
		char *slash, *next = NULL;

		if ((r = np_file_read(path, MAX_FILE, &data, &len)) < 0)
			break;
		if (len == 0 || len > 1024 || strchr(data, '<') || strchr(data, '\n') ||
		    strncmp(data, "../", 3)) {
			*ret = data;
			if (ret_len)
				*ret_len = len;
			free(path);
			return 0;
		}
		slash = strrchr(path, '/');
		if (slash)
			*slash = '\0';
		r = asprintf(&next, "%s/%s", path, data);
		free(data);
		free(path);
		path = next;
		if (r < 0) {
			path = NULL;
			r = -ENOMEM;
			break;
		}
		r = -ELOOP;
	}
	free(path);
	return r;
}

static bool run_case(const char *name, const char *in, const char *out, const char *expect,
		     const char *extra)
{
	char *data = NULL, *want = NULL, *got = NULL;
	struct np_net *net = NULL;
	struct np_err err = { 0 };
	unsigned flags = strstr(extra, "format-flags=INACTIVE") ? NP_XML_FORMAT_INACTIVE : 0;
	bool ok = false;
	size_t len;
	int r;

	if (read_data(in, &data, &len) < 0) {
		printf("FAIL %s: cannot read %s\n", name, in);
		return false;
	}
	r = np_xml_net_parse(data, len, in, &net, &err);
	if (!strcmp(expect, "parse-error")) {
		ok = r < 0;
		if (ok)
			printf("ok   %s (rejected: %s)\n", name, err.msg);
		else
			printf("FAIL %s: expected a parse error, parse succeeded\n", name);
		goto out;
	}
	if (r < 0) {
		printf("FAIL %s: parse failed: %s\n", name, err.msg);
		goto out;
	}
	if (read_data(out, &want, NULL) < 0) {
		printf("FAIL %s: cannot read %s\n", name, out);
		goto out;
	}
	if (np_xml_net_format(net, flags, &got) < 0) {
		printf("FAIL %s: format failed\n", name);
		goto out;
	}
	ok = !strcmp(want, got);
	if (ok) {
		printf("ok   %s\n", name);
	} else {
		printf("FAIL %s: output differs from %s\n", name, out);
		diff_hint(want, got);
	}
out:
	np_net_free(net);
	free(data);
	free(want);
	free(got);
	return ok;
}

static int run_xml2xml(const char *tsv, int *passed, int *failed)
{
	char *save = NULL, *line;

	for (line = strtok_r((char *)tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 }, *p = line;
		int n = 0;

		if (line[0] == '#')
			continue;
		while (n < 7) {
			f[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 7 || strcmp(f[0], "xml2xml"))
			continue;
		if (run_case(f[1], f[2], f[4], f[5], f[6]))
			(*passed)++;
		else
			(*failed)++;
	}
	return 0;
}

/* "key=value;key=value" -> the value of key, copied into out. */
static bool extra_get(const char *extra, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = extra; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(out, len, "%.*s", (int)strcspn(p + klen + 1, ";"), p + klen + 1);
			return true;
		}
	}
	return false;
}

/* libvirt's networkxml2xmlupdatetest: parse the network, apply the snippet
 * with virNetworkDefUpdateSection, format, compare. Its DO_TEST_FULL macro
 * fills struct testInfo with flags and parentIndex swapped, so every case
 * really runs with parentIndex 0 and formats with the "index" as flags: 0 for
 * index 0, VIR_NETWORK_XML_INACTIVE for index 1 and for the "auto" cases
 * (-12435 and -12345 both have bit 0 set). The expected files were produced
 * that way (append-dhcp-range's range lands in the first <ip>), so this
 * runner does the same. The updated model is formatted directly, never
 * re-parsed: nat-network-forward-ifaces.xml is not parseable on its own. */
static bool run_update_case(const char *name, const char *in, const char *upd, const char *out,
			    const char *expect, const char *extra)
{
	char *data = NULL, *snippet = NULL, *want = NULL, *got = NULL;
	struct np_net *net = NULL;
	struct np_err err = { 0 };
	char sec_s[64] = "", cmd_s[64] = "", idx_s[64] = "";
	enum np_update_section section;
	enum np_update_cmd cmd;
	unsigned flags;
	bool ok = false;
	size_t len, slen;
	int r;

	if (!extra_get(extra, "section", sec_s, sizeof(sec_s)) ||
	    !extra_get(extra, "command", cmd_s, sizeof(cmd_s)) ||
	    !extra_get(extra, "parent-index", idx_s, sizeof(idx_s)) ||
	    np_update_section_parse(sec_s, &section, &err) < 0 ||
	    np_update_cmd_parse(cmd_s, &cmd, &err) < 0) {
		printf("FAIL %s: cannot read the case's extra column '%s' %s\n", name, extra, err.msg);
		return false;
	}
	flags = !strcmp(idx_s, "auto") || (atoi(idx_s) & 1) ? NP_XML_FORMAT_INACTIVE : 0;
	if (read_data(in, &data, &len) < 0 || read_data(upd, &snippet, &slen) < 0) {
		printf("FAIL %s: cannot read %s or %s\n", name, in, upd);
		goto out;
	}
	if (np_xml_net_parse(data, len, in, &net, &err) < 0) {
		printf("FAIL %s: the network does not parse: %s\n", name, err.msg);
		goto out;
	}
	r = np_xml_net_update(net, cmd, section, 0, snippet, slen, &err);
	if (!strcmp(expect, "update-error")) {
		ok = r < 0;
		if (ok)
			printf("ok   %s (refused: %s)\n", name, err.msg);
		else
			printf("FAIL %s: expected the update to be refused, it was applied\n", name);
		goto out;
	}
	if (r < 0) {
		printf("FAIL %s: update refused: %s\n", name, err.msg);
		goto out;
	}
	if (read_data(out, &want, NULL) < 0) {
		printf("FAIL %s: cannot read %s\n", name, out);
		goto out;
	}
	if (np_xml_net_format(net, flags, &got) < 0) {
		printf("FAIL %s: format failed\n", name);
		goto out;
	}
	ok = !strcmp(want, got);
	if (ok) {
		printf("ok   %s\n", name);
	} else {
		printf("FAIL %s: output differs from %s\n", name, out);
		diff_hint(want, got);
	}
out:
	np_net_free(net);
	free(data);
	free(snippet);
	free(want);
	free(got);
	return ok;
}

static void run_xml2xmlupdate(char *tsv, int *passed, int *failed)
{
	char *save = NULL, *line;

	for (line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 }, *p = line;
		int n = 0;

		if (line[0] == '#')
			continue;
		while (n < 7) {
			f[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 7 || strcmp(f[0], "xml2xmlupdate"))
			continue;
		if (run_update_case(f[1], f[2], f[3], f[4], f[5], f[6]))
			(*passed)++;
		else
			(*failed)++;
	}
}

int main(void)
{
	char path[4096];
	char *tsv = NULL, *tsv2 = NULL;
	struct stat st;
	int passed = 0, failed = 0, upassed = 0, ufailed = 0;

	if (stat(NP_SHARED_DIR, &st) < 0 || stat(base_dir(), &st) < 0) {
		printf("skipped: %s not found (libvirt conformance data absent)\n", base_dir());
		return 77;
	}
	if (snprintf(path, sizeof(path), "%s/CASES.tsv", base_dir()) >= (int)sizeof(path) ||
	    np_file_read(path, MAX_FILE, &tsv, NULL) < 0) {
		printf("cannot read %s\n", path);
		return 1;
	}
	tsv2 = strdup(tsv); /* strtok_r cuts the text up */
	if (!tsv2)
		return 1;
	run_xml2xml(tsv, &passed, &failed);
	free(tsv);
	printf("%d passed, %d failed\n", passed, failed);
	run_xml2xmlupdate(tsv2, &upassed, &ufailed);
	free(tsv2);
	printf("xml2xml: %d passed, %d failed\n", passed, failed);
	printf("xml2xmlupdate: %d passed, %d failed\n", upassed, ufailed);
	return failed || ufailed || !passed || !upassed ? 1 : 0;
}
