/* dnsmasq lease file parsing (np_dhcp_leases_parse). */
#include "common/fileio.h"
#include "common/util.h"
#include "dhcp/leases.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); \
			failures++;                                                    \
		}                                                                      \
	} while (0)

#define NOW 1500000000

static void test_sample(void)
{
	_np_free_ char *text = NULL;
	_np_free_ struct np_dhcp_lease *l = NULL;
	size_t n = 0;

	CHECK(np_file_read(NP_TEST_DATA "/dhcp/dnsmasq.leases", 65536, &text, NULL) == 0);
	if (!text)
		return;
	CHECK(np_dhcp_leases_parse(text, NOW, &l, &n) == 0);
	CHECK(n == 5);
	if (n != 5)
		return;
	CHECK(l[0].expiry == 2000000000 && l[0].family == AF_INET);
	CHECK(!strcmp(l[0].mac, "52:54:00:12:34:56") && !strcmp(l[0].ip, "192.168.122.50"));
	CHECK(!strcmp(l[0].hostname, "guest1") && !strcmp(l[0].clientid, "01:52:54:00:12:34:56"));
	/* infinite lease, no hostname, no client id */
	CHECK(l[1].expiry == 0 && !strcmp(l[1].mac, "52:54:00:ab:cd:ef"));
	CHECK(l[1].hostname[0] == '\0' && l[1].clientid[0] == '\0');
	/* the expired .52 is gone; InfiniBand's typed hwaddr is not a MAC */
	CHECK(!strcmp(l[2].ip, "192.168.122.53") && l[2].mac[0] == '\0');
	CHECK(!strcmp(l[2].hostname, "ib-host"));
	CHECK(l[3].family == AF_INET6 && !strcmp(l[3].ip, "2001:db8:ac10:fd01::1:20"));
	CHECK(!strcmp(l[3].iaid, "1234567") && l[3].mac[0] == '\0');
	CHECK(!strcmp(l[3].clientid, "00:03:00:01:00:16:3e:11:22:33"));
	CHECK(!strcmp(l[3].hostname, "peter"));
	CHECK(l[4].expiry == 0 && !strcmp(l[4].iaid, "T42") && l[4].hostname[0] == '\0');
}

static void test_edges(void)
{
	struct np_dhcp_lease *l = (void *)1;
	size_t n = 99;
	_np_free_ char *big = NULL;
	char name[300];

	/* empty file: no rows, NULL array */
	CHECK(np_dhcp_leases_parse("", NOW, &l, &n) == 0 && n == 0 && l == NULL);
	/* expiry exactly now is still valid; one second before is not */
	CHECK(np_dhcp_leases_parse("1500000000 52:54:00:00:00:01 10.0.0.2 a *\n"
				   "1499999999 52:54:00:00:00:02 10.0.0.3 b *\n",
				   NOW, &l, &n) == 0);
	CHECK(n == 1 && !strcmp(l[0].ip, "10.0.0.2"));
	free(l);
	/* malformed: negative/garbage expiry, bad ip, 4 or 6 fields, bad iaid */
	CHECK(np_dhcp_leases_parse("-5 52:54:00:00:00:01 10.0.0.2 a *\n"
				   "12x 52:54:00:00:00:01 10.0.0.2 a *\n"
				   "0 52:54:00:00:00:01 10.0.0.300 a *\n"
				   "0 52:54:00:00:00:01 10.0.0.2 a\n"
				   "0 52:54:00:00:00:01 10.0.0.2 a * extra\n"
				   "0 x1 fd00::2 a *\n",
				   NOW, &l, &n) == 0);
	CHECK(n == 0);
	free(l);
	/* an over-long hostname is dropped, not cut */
	memset(name, 'h', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK(asprintf(&big, "0 52:54:00:00:00:01 10.0.0.2 %s *\n", name) > 0);
	CHECK(np_dhcp_leases_parse(big, NOW, &l, &n) == 0 && n == 1 && l[0].hostname[0] == '\0');
	free(l);
}

static void test_limit(void)
{
	size_t lines = NP_DHCP_MAX_LEASES + 1, len = 0;
	char *text = malloc(lines * 48 + 1);
	struct np_dhcp_lease *l = NULL;
	size_t n = 0;

	if (!text)
		abort();
	for (size_t i = 0; i < lines; i++)
		len += (size_t)sprintf(text + len, "0 52:54:00:00:%02zx:%02zx 10.%zu.%zu.1 * *\n",
				       (i >> 8) & 0xff, i & 0xff, (i >> 8) & 0xff, i & 0xff);
	CHECK(np_dhcp_leases_parse(text, NOW, &l, &n) == -EFBIG);
	free(text);
}

int main(void)
{
	test_sample();
	test_edges();
	test_limit();
	if (failures) {
		fprintf(stderr, "test-dhcp-leases: %d failure(s)\n", failures);
		return 1;
	}
	printf("test-dhcp-leases: ok\n");
	return 0;
}
