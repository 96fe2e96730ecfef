/* np_fw_table_prune() against the kernel, inside a private network
 * namespace: an empty table inet netplumb is deleted; one that holds a
 * chain, a base chain or a set is kept as it is; an absent table is fine;
 * tables of other names or families are never touched. Needs root; exits
 * 77 otherwise. */
#include "check.h"
#include "fw-net.h"

#include "common/err.h"
#include "common/util.h"
#include "firewall/fw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct np_fw *fw;

static int apply(const char *script)
{
	struct np_err err = { { 0 } };
	int r = np_fw_apply(fw, script, &err);

	if (r < 0)
		fprintf(stderr, "apply '%s' failed (%d): %s\n", script, r, err.msg);
	return r;
}

static int prune(void)
{
	struct np_err err = { { 0 } };
	int r = np_fw_table_prune(fw, &err);

	if (r < 0)
		fprintf(stderr, "prune failed (%d): %s\n", r, err.msg);
	return r;
}

/* `list table inet netplumb`, or NULL when the table is absent. */
static char *list(void)
{
	struct np_err err = { { 0 } };
	char *s = NULL;

	return np_fw_list(fw, &s, &err) == 0 ? s : NULL;
}

static bool table_exists(void)
{
	_np_free_ char *s = list();

	return s != NULL;
}

static bool listed(const char *cmd)
{
	struct np_err err = { { 0 } };

	return np_fw_apply(fw, cmd, &err) == 0;
}

static void test_absent(void)
{
	CHECK(!table_exists());
	CHECK(prune() == 0);
	CHECK(!table_exists());
	/* twice in a row, as two destroys would */
	CHECK(prune() == 0);
}

static void test_empty_deleted(void)
{
	CHECK(apply("add table inet " NP_FW_TABLE) == 0);
	CHECK(table_exists());
	CHECK(prune() == 0);
	CHECK(!table_exists());
}

static void test_chain_kept(void)
{
	_np_free_ char *before = NULL, *after = NULL;

	CHECK(apply("add table inet " NP_FW_TABLE "\n"
		    "add chain inet " NP_FW_TABLE " fwd-npbr0 { type filter hook forward "
		    "priority 0; policy accept; }\n"
		    "add rule inet " NP_FW_TABLE " fwd-npbr0 iifname \"npbr0\" counter accept\n") ==
	      0);
	before = list();
	CHECK(prune() == 0);
	after = list();
	CHECK(before && after);
	CHECK_STR(after, before);
	/* a regular (non-base) chain counts too */
	CHECK(apply("delete chain inet " NP_FW_TABLE " fwd-npbr0\n"
		    "add chain inet " NP_FW_TABLE " plain") == 0);
	CHECK(prune() == 0);
	CHECK(listed("list chain inet " NP_FW_TABLE " plain"));
	/* once the last chain is gone, the table goes */
	CHECK(apply("delete chain inet " NP_FW_TABLE " plain") == 0);
	CHECK(prune() == 0);
	CHECK(!table_exists());
}

static void test_set_kept(void)
{
	CHECK(apply("add table inet " NP_FW_TABLE "\n"
		    "add set inet " NP_FW_TABLE " hosts { type ipv4_addr; }\n"
		    "add map inet " NP_FW_TABLE " ports { type inet_service : ipv4_addr; }") == 0);
	CHECK(prune() == 0);
	CHECK(listed("list set inet " NP_FW_TABLE " hosts"));
	CHECK(apply("delete set inet " NP_FW_TABLE " hosts") == 0);
	CHECK(prune() == 0);
	CHECK(listed("list map inet " NP_FW_TABLE " ports"));
	CHECK(apply("delete map inet " NP_FW_TABLE " ports") == 0);
	CHECK(prune() == 0);
	CHECK(!table_exists());
}

/* Only inet netplumb is ours: the same name in another family and another
 * name in inet stay, empty or not. */
static void test_others_untouched(void)
{
	CHECK(apply("add table ip " NP_FW_TABLE "\n"
		    "add table inet np-foreign\n"
		    "add table inet " NP_FW_TABLE) == 0);
	CHECK(prune() == 0);
	CHECK(!table_exists());
	CHECK(listed("list table ip " NP_FW_TABLE));
	CHECK(listed("list table inet np-foreign"));
	CHECK(apply("delete table ip " NP_FW_TABLE "\n"
		    "delete table inet np-foreign") == 0);
}

int main(void)
{
	int skip = fw_net_private();

	if (skip)
		return skip;
	if (np_fw_open(&fw) < 0) {
		fprintf(stderr, "np_fw_open failed\n");
		return 1;
	}
	test_absent();
	test_empty_deleted();
	test_chain_kept();
	test_set_kept();
	test_others_untouched();
	test_absent();
	np_fw_close(fw);
	return check_result("test-fw-prune");
}
