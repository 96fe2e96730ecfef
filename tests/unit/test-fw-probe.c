/* np_fw_probe() against the kernel, inside a private network namespace:
 * what the kernel accepts answers 1, what it refuses 0 with nft's reason,
 * and neither leaves anything behind. Needs root; exits 77 otherwise. */
#include "check.h"
#include "fw-net.h"

#include "common/err.h"
#include "common/util.h"
#include "firewall/fw.h"
#include "firewall/probe_sys.h"

static bool no_tables(void)
{
	struct np_fw *fw = NULL;
	struct np_err err = { { 0 } };
	bool none;

	if (np_fw_open(&fw) < 0)
		return false;
	/* nothing to list: the table is absent */
	none = np_fw_apply(fw, "list table inet netplumb-probe", &err) < 0;
	np_fw_close(fw);
	return none;
}

int main(void)
{
	char msg[256];
	int skip = fw_net_private();

	if (skip)
		return skip;
	CHECK(np_fw_probe("add table inet netplumb-probe\n"
			  "add chain inet netplumb-probe nat { type nat hook postrouting priority "
			  "100; }\nadd rule inet netplumb-probe nat masquerade\n",
			  msg, sizeof(msg)) == 1);
	CHECK(msg[0] == '\0' && no_tables());
	/* the kernel, not nft, refuses a nat chain on the forward hook */
	CHECK(np_fw_probe("add table inet netplumb-probe\n"
			  "add chain inet netplumb-probe c { type nat hook forward priority 0; }\n",
			  msg, sizeof(msg)) == 0);
	CHECK(strstr(msg, "Operation not supported") != NULL);
	CHECK(no_tables());
	return check_result("test-fw-probe");
}
