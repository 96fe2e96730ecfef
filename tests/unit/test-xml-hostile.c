/* Hostile XML: DTDs and entities, size, depth and count limits, wrong roots,
 * broken documents. Each must be refused with a one-line message that names
 * the file, and nothing may be expanded or loaded. */
#include "xml/net.h"
#include "xml/xml.h"

#include "common/err.h"
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NET_HEAD "<network>\n  <name>t</name>\n"
#define NET_TAIL "</network>\n"

/* Parses s; returns the result code and leaves the message in err. */
static int parse(const char *s, struct np_err *err)
{
	struct np_net *net = NULL;
	int r;

	memset(err, 0, sizeof(*err));
	r = np_xml_net_parse(s, strlen(s), "net.xml", &net, err);
	np_net_free(net);
	return r;
}

static bool one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

static void refused(const char *doc, const char *needle, int line)
{
	struct np_err err;
	int r = parse(doc, &err);

	if (r >= 0 || !strstr(err.msg, needle) || strncmp(err.msg, "net.xml", 7) ||
	    !one_line(err.msg))
		fprintf(stderr, "  (case at line %d: r=%d msg='%s', want '%s')\n", line, r,
			err.msg, needle);
	CHECK(r < 0);
	CHECK(strstr(err.msg, needle) != NULL);
	CHECK(!strncmp(err.msg, "net.xml", 7));
	CHECK(one_line(err.msg));
}
#define REFUSED(doc, needle) refused(doc, needle, __LINE__)

static void test_dtd(void)
{
	/* billion laughs: must be refused, and quickly (nothing expanded) */
	const char *laughs =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE network [\n"
		" <!ENTITY a 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>\n"
		" <!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\n"
		" <!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>\n"
		" <!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>\n"
		" <!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>\n"
		" <!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>\n"
		" <!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'>\n"
		"]>\n"
		"<network><name>&g;</name></network>\n";
	clock_t t0 = clock();

	REFUSED(laughs, "DTD");
	CHECK((clock() - t0) / CLOCKS_PER_SEC < 2);

	/* external entity: a file read would show up as the network name */
	REFUSED("<?xml version='1.0'?>\n"
		"<!DOCTYPE network [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
		"<network><name>&x;</name></network>\n",
		"DTD");
	/* an external DTD, even one that is never loaded */
	REFUSED("<!DOCTYPE network SYSTEM 'http://example.invalid/network.dtd'>\n"
		"<network><name>t</name></network>\n",
		"DTD");
	REFUSED("<!DOCTYPE network>\n<network><name>t</name></network>\n", "DTD");
	/* parameter entities */
	REFUSED("<!DOCTYPE network [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>\n"
		"<network><name>t</name></network>\n",
		"DTD");
	/* an undeclared entity reference is a well-formedness error */
	REFUSED("<network><name>&undeclared;</name></network>\n", "net.xml:1:");
}

static void test_size(void)
{
	size_t n = NP_MAX_XML_SIZE + 1;
	char *big = malloc(n + 1);
	struct np_net *net = NULL;
	struct np_err err = { 0 };
	char path[] = "/tmp/np-test-xml-XXXXXX";
	int fd, r;

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, ' ', n);
	memcpy(big, "<network><name>t</name>", 23);
	memcpy(big + n - 11, "</network>\n", 11);
	big[n] = '\0';
	r = np_xml_net_parse(big, n, "big.xml", &net, &err);
	CHECK(r == -EFBIG);
	CHECK(strstr(err.msg, "big.xml") != NULL);
	CHECK(net == NULL);

	/* the same through the file reader, which must not read it all */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, big, n) == (ssize_t)n);
		close(fd);
		memset(&err, 0, sizeof(err));
		r = np_xml_net_parse_file(path, &net, &err);
		CHECK(r == -EFBIG);
		CHECK(strstr(err.msg, path) != NULL);
		unlink(path);
	}
	free(big);

	/* a missing file is an error with the path, not a crash */
	memset(&err, 0, sizeof(err));
	r = np_xml_net_parse_file("/nonexistent/np.xml", &net, &err);
	CHECK(r == -ENOENT);
	CHECK(strstr(err.msg, "/nonexistent/np.xml") != NULL);
}

static void test_depth_and_count(void)
{
	char doc[8192];
	size_t len;
	char *many;
	int depth = NP_MAX_XML_DEPTH + 5;

	/* deep nesting inside <metadata>, which keeps arbitrary content */
	len = (size_t)snprintf(doc, sizeof(doc), NET_HEAD "<metadata>");
	for (int i = 0; i < depth; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<x:a xmlns:x='urn:x'>");
	for (int i = 0; i < depth; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</x:a>");
	snprintf(doc + len, sizeof(doc) - len, "</metadata>" NET_TAIL);
	REFUSED(doc, "nested deeper");

	/* a moderately nested metadata is fine */
	{
		struct np_err err;

		len = (size_t)snprintf(doc, sizeof(doc), NET_HEAD "<metadata>");
		for (int i = 0; i < 10; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
						"<x:a xmlns:x='urn:x'>");
		for (int i = 0; i < 10; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</x:a>");
		snprintf(doc + len, sizeof(doc) - len, "</metadata>" NET_TAIL);
		CHECK(parse(doc, &err) == 0);
	}

	/* more nodes than the limit, each tiny, under the size limit */
	len = (size_t)(NP_MAX_XML_NODES + 10) * 4 + 200;
	many = malloc(len);
	CHECK(many != NULL);
	if (many) {
		size_t off = (size_t)sprintf(many, NET_HEAD);

		for (int i = 0; i < NP_MAX_XML_NODES + 10; i++)
			off += (size_t)sprintf(many + off, "<a/>");
		sprintf(many + off, NET_TAIL);
		REFUSED(many, "more than");
		free(many);
	}

	/* per-element limits */
	len = (size_t)snprintf(doc, sizeof(doc), NET_HEAD);
	for (int i = 0; i < NP_MAX_IPS + 1; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len,
					"<ip address='10.0.%d.1' prefix='24'/>", i);
	snprintf(doc + len, sizeof(doc) - len, NET_TAIL);
	REFUSED(doc, "more than 16 <ip>");
}

static void test_broken(void)
{
	REFUSED("<domain><name>t</name></domain>\n", "<domain>: expected a <network> root");
	REFUSED("<x:network xmlns:x='urn:x'><name>t</name></x:network>\n", "expected a <network>");
	REFUSED("<network>\n<name>t</name>\n<ip address='1.2.3.4'>\n</network>\n", "net.xml:4:");
	REFUSED("", "net.xml");
	REFUSED("\x01\x02\x03", "net.xml");
	REFUSED("<network><name>t</name></network><network/>", "net.xml:1:");
	REFUSED("<network/>", "missing network <name>");
	REFUSED("<network><name></name></network>", "missing network <name>");
	/* NUL byte inside the buffer */
	{
		static const char nul[] = "<network><name>a\0b</name></network>";
		struct np_net *net = NULL;
		struct np_err err = { 0 };

		CHECK(np_xml_net_parse(nul, sizeof(nul) - 1, "net.xml", &net, &err) < 0);
		CHECK(net == NULL);
	}
}

int main(void)
{
	test_dtd();
	test_size();
	test_depth_and_count();
	test_broken();
	return check_result("test-xml-hostile");
}
