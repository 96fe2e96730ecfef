/* The hostile-input set (tests/hostile/, listed in expect.tsv) through the
 * parser and validator, without root: every file must be refused, quickly,
 * with a one-line message free of control characters that names the file and
 * matches the listed pattern. tests/e2e/test-hostile.sh runs the same set
 * through the CLI and checks that nothing changes; this one runs under the
 * sanitizers in CI. */
#include "xml/net.h"
#include "xml/xml.h"

#include "common/err.h"
#include "check.h"

#include <dirent.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HOSTILE_DIR NP_TEST_DATA "/../../hostile"
#define MAX_CASES 512
#define SLOW_SECS 2 /* CPU seconds; a refusal taking longer is a failure */

static char gen_dir[] = "/tmp/np-hostile-XXXXXX";

/* A control character anywhere, or a C1 control (U+0080..U+009F) in UTF-8. */
static bool has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return true;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return true;
	}
	return false;
}

static bool gen_write(const char *path, const char *name)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return false;
	if (!strcmp(name, "gen-size-3mb.xml")) {
		fputs("<network>\n  <name>hostile</name>\n  <!-- ", f);
		for (i = 0; i < 3000000; i++)
			fputc('x', f);
		fputs(" -->\n</network>\n", f);
	} else if (!strcmp(name, "gen-hosts-5000.xml")) {
		fputs("<network>\n  <name>hostile</name>\n  <bridge name='nphostile0'/>\n"
		      "  <ip address='10.200.0.1' prefix='16'>\n    <dhcp>\n",
		      f);
		for (i = 1; i <= 5000; i++)
			fprintf(f, "      <host mac='52:54:00:00:%02x:%02x' ip='10.200.%d.%d'/>\n",
				i / 256, i % 256, i / 200 + 1, i % 200 + 1);
		fputs("    </dhcp>\n  </ip>\n</network>\n", f);
	} else if (!strcmp(name, "gen-nodes-70000.xml")) {
		fputs("<network>\n  <name>hostile</name>\n  <metadata>\n", f);
		for (i = 0; i < 70000; i++)
			fputs(i % 100 == 99 ? "<a/>\n" : "<a/>", f);
		fputs("  </metadata>\n</network>\n", f);
	} else if (!strcmp(name, "gen-txt-1100.xml")) {
		fputs("<network>\n  <name>hostile</name>\n  <bridge name='nphostile0'/>\n  <dns>\n",
		      f);
		for (i = 1; i <= 1100; i++)
			fprintf(f, "    <txt name='t%d' value='v'/>\n", i);
		fputs("  </dns>\n</network>\n", f);
	} else {
		fclose(f);
		return false;
	}
	return fclose(f) == 0;
}

/* One case: FILE must be refused with a message matching ERE. */
static void refused(const char *path, const char *ere)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct np_err err = { { 0 } };
	struct np_net *net = NULL;
	clock_t t0 = clock();
	bool ok_re = false;
	regex_t re;
	int r;

	r = np_xml_net_parse_file(path, &net, &err);
	if (r >= 0)
		r = np_net_validate(net, path, &err);
	np_net_free(net);
	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0) {
		ok_re = regexec(&re, err.msg, 0, NULL, 0) == 0;
		regfree(&re);
	}
	if (r >= 0 || !err.msg[0] || has_control(err.msg) || !strstr(err.msg, base) || !ok_re)
		fprintf(stderr, "  %s: r=%d msg='%s' (want /%s/)\n", base, r, err.msg, ere);
	CHECK(r < 0);
	CHECK(err.msg[0] != '\0');
	CHECK(!has_control(err.msg));
	CHECK(strstr(err.msg, base) != NULL);
	CHECK(ok_re);
	CHECK((clock() - t0) / CLOCKS_PER_SEC < SLOW_SECS);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char *listed[MAX_CASES], *present[MAX_CASES];
	size_t n_listed = 0, n_present = 0, n_cases = 0;
	char line[4096], path[8192];
	struct dirent *de;
	FILE *f;
	DIR *d;

	if (!mkdtemp(gen_dir)) {
		perror("mkdtemp");
		return 1;
	}
	f = fopen(HOSTILE_DIR "/expect.tsv", "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		char *file = line, *ere, *tab;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		CHECK(tab != NULL);
		if (!tab)
			continue;
		*tab = '\0';
		ere = tab + 1;
		tab = strchr(ere, '\t');
		if (tab)
			*tab = '\0';
		n_cases++;
		if (file[0] == '!') {
			snprintf(path, sizeof(path), "%s/%s", gen_dir, file + 1);
			CHECK(gen_write(path, file + 1));
			refused(path, ere);
			unlink(path);
			continue;
		}
		if (n_listed < MAX_CASES)
			listed[n_listed++] = strdup(file);
		snprintf(path, sizeof(path), "%s/%s", HOSTILE_DIR, file);
		refused(path, ere);
	}
	if (f)
		fclose(f);
	rmdir(gen_dir);

	/* The listing and the directory agree, and there are at least 40. */
	d = opendir(HOSTILE_DIR);
	CHECK(d != NULL);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 4 && !strcmp(de->d_name + len - 4, ".xml") && n_present < MAX_CASES)
			present[n_present++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(listed, n_listed, sizeof(*listed), cmp_str);
	qsort(present, n_present, sizeof(*present), cmp_str);
	CHECK(n_listed == n_present);
	for (size_t i = 0; i < n_listed && i < n_present; i++) {
		if (strcmp(listed[i], present[i]))
			fprintf(stderr, "  expect.tsv and tests/hostile differ at %s / %s\n", listed[i],
				present[i]);
		CHECK_STR(listed[i], present[i]);
	}
	CHECK(n_present >= 40);
	printf("%zu hostile inputs (%zu files)\n", n_cases, n_present);
	for (size_t i = 0; i < n_listed; i++)
		free(listed[i]);
	for (size_t i = 0; i < n_present; i++)
		free(present[i]);
	return check_result("test-hostile-files");
}
