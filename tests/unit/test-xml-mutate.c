/* Deterministic mutation run over libvirt's xml2xml inputs: every mutant
 * either fails with a one-line message or parses, and then its formatted
 * output must parse again and format to the very same text (the formatter
 * never emits what the parser refuses, and the round trip is stable).
 * NP_MUTATE_ROUNDS raises the number of mutants per input, NP_MUTATE_SEED
 * picks another sequence. */
#include "xml/net.h"
#include "xml/xml.h"

#include "common/err.h"
#include "common/fileio.h"
#include "check.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static const char *const tokens[] = {
	"<",	  ">",	    "/>",     "'",	"\"",	     "&amp;",	 "&#10;",   "0",
	"-1",	  "99999999999999999999", "::",	"255.255.255.255", "yes", "no",
	"nat",	  "route",  "open",   "bridge", "hostdev",   "passthrough", " ",    ",",
	"<ip address='10.0.0.1'/>", "<dhcp><range start='10.0.0.2' end='10.0.0.1'/></dhcp>",
	"<forward mode='nat'><nat><port start='1' end='0'/></nat></forward>",
	"<dns enable='no'><txt name='a' value='b'/></dns>", "<vlan><tag id='5000'/></vlan>",
	"<metadata><a:x xmlns:a='urn:a'><a:y/></a:x></metadata>", "]]>", "<![CDATA[x]]>",
};

static char *mutate(const char *in, size_t len, size_t *out_len)
{
	size_t cap = len + 512, n = len;
	char *s = malloc(cap + 1);
	int edits = 1 + (int)(next() % 4);

	if (!s)
		return NULL;
	memcpy(s, in, len);
	for (int e = 0; e < edits && n; e++) {
		size_t pos = next() % n;

		switch (next() % 4) {
		case 0: /* flip a byte */
			s[pos] = (char)(next() & 0x7f);
			break;
		case 1: /* delete a run */
		{
			size_t k = 1 + next() % 16;

			if (pos + k > n)
				k = n - pos;
			memmove(s + pos, s + pos + k, n - pos - k);
			n -= k;
			break;
		}
		default: /* insert a token */
		{
			const char *t = tokens[next() % (sizeof(tokens) / sizeof(tokens[0]))];
			size_t k = strlen(t);

			if (n + k > cap)
				break;
			memmove(s + pos + k, s + pos, n - pos);
			memcpy(s + pos, t, k);
			n += k;
			break;
		}
		}
	}
	s[n] = '\0';
	*out_len = n;
	return s;
}

static void one(const char *data, size_t len, int *parsed)
{
	struct np_net *net = NULL, *again = NULL;
	struct np_err err = { 0 };
	char *out = NULL, *out2 = NULL;

	if (np_xml_net_parse(data, len, "m.xml", &net, &err) < 0) {
		CHECK(err.msg[0] && !strchr(err.msg, '\n') && !strncmp(err.msg, "m.xml", 5));
		return;
	}
	(*parsed)++;
	memset(&err, 0, sizeof(err));
	if (np_net_validate(net, "m.xml", &err) < 0)
		CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	CHECK(np_xml_net_format(net, 0, &out) == 0);
	if (out) {
		memset(&err, 0, sizeof(err));
		CHECK(np_xml_net_parse(out, strlen(out), "m2.xml", &again, &err) == 0);
		if (!again)
			fprintf(stderr, "  formatted output refused: %s\n%s\n", err.msg, out);
		if (again) {
			/* a generated uuid is carried over by the formatted text */
			CHECK(np_xml_net_format(again, 0, &out2) == 0);
			CHECK(out2 && !strcmp(out, out2));
			if (out2 && strcmp(out, out2))
				fprintf(stderr, "  unstable round trip:\n%s---\n%s\n", out, out2);
		}
	}
	free(out);
	free(out2);
	np_net_free(net);
	np_net_free(again);
}

int main(void)
{
	char dir[4096];
	const char *env = getenv("NP_MUTATE_ROUNDS");
	int rounds = env ? atoi(env) : 200, files = 0, parsed = 0;
	DIR *d;
	struct dirent *e;

	if (getenv("NP_MUTATE_SEED"))
		rng ^= strtoull(getenv("NP_MUTATE_SEED"), NULL, 0) * 0x2545f4914f6cdd1dULL;

	snprintf(dir, sizeof(dir), "%s/conformance/libvirt/networkxml2xmlout", NP_SHARED_DIR);
	d = opendir(dir);
	if (!d) {
		printf("skipped: %s absent\n", dir);
		return 77;
	}
	while ((e = readdir(d))) {
		char path[8192], *data = NULL;
		size_t len;

		if (!strstr(e->d_name, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (np_file_read(path, 1 << 20, &data, &len) < 0 || !strchr(data, '<')) {
			free(data);
			continue;
		}
		files++;
		one(data, len, &parsed);
		for (int i = 0; i < rounds; i++) {
			size_t mlen;
			char *m = mutate(data, len, &mlen);

			if (m)
				one(m, mlen, &parsed);
			free(m);
		}
		free(data);
	}
	closedir(d);
	CHECK(files >= 30);
	printf("mutants parsed: %d\n", parsed);
	return check_result("test-xml-mutate");
}
