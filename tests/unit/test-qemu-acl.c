/* <netplumb:qemu bridgeHelper> (issue 17): byte-for-byte round trip (allow,
 * deny, another prefix), one-line errors, and the ACL text netplumb keeps:
 * only its own line added or removed, other networks' lines and foreign
 * lines kept, and bridge.conf's include found as qemu-bridge-helper reads
 * it. */
#include "common/err.h"
#include "common/fileio.h"
#include "common/util.h"
#include "engine/qemu_acl.h"
#include "xml/net.h"
#include "xml/xml.h"

#include "check.h"
#include "net-load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void round_trip(const char *in, const char *want)
{
	_np_free_ char *out = NULL;
	struct np_err err;
	struct np_net *net = test_net_load(in, &err);

	CHECK(net);
	if (!net) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(np_xml_net_format(net, NP_XML_FORMAT_INACTIVE, &out) == 0);
	CHECK_STR(out ? out : "", want);
	np_net_free(net);
}

static void test_xml(void)
{
	char path[512];
	_np_free_ char *golden = NULL, *deny = NULL, *prefixed = NULL, *none = NULL;
	struct np_err err;
	struct np_net *net;
	char *p;

	snprintf(path, sizeof(path), "%s/xml/qemu.xml", NP_TEST_DATA);
	CHECK(np_file_read(path, 1 << 20, &golden, NULL) == 0 && golden);
	if (!golden)
		return;
	round_trip(golden, golden);
	net = test_net_load(golden, &err);
	CHECK(net && net->qemu_bridge_helper == NP_TRI_YES);
	np_net_free(net);

	/* 'deny' is kept as written */
	deny = strdup(golden);
	p = deny ? strstr(deny, "'allow'") : NULL;
	CHECK(p);
	if (p) {
		memcpy(p, "'deny' ", 7);
		memmove(p + 6, p + 7, strlen(p + 7) + 1);
		round_trip(deny, deny);
	}
	/* found by namespace URI, whatever the prefix; formatted as netplumb: */
	CHECK(asprintf(&prefixed,
		       "<network xmlns:np='http://netplumb.org/schemas/network/1.0'>"
		       "<name>q</name><uuid>d0a5d41e-0000-4000-8000-000000000017</uuid>"
		       "<bridge name='virbr3' stp='on' delay='0'/><np:qemu bridgeHelper='allow'/>"
		       "</network>") > 0);
	round_trip(prefixed, "<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>\n"
			     "  <name>q</name>\n"
			     "  <uuid>d0a5d41e-0000-4000-8000-000000000017</uuid>\n"
			     "  <bridge name='virbr3' stp='on' delay='0'/>\n"
			     "  <netplumb:qemu bridgeHelper='allow'/>\n"
			     "</network>\n");
	/* an element of another namespace is not ours */
	CHECK(asprintf(&none, "<network xmlns:x='urn:other'><name>q</name><bridge name='virbr3'/>"
			      "<x:qemu bridgeHelper='maybe'/></network>") > 0);
	net = test_net_load(none, &err);
	CHECK(net && net->qemu_bridge_helper == NP_TRI_ABSENT);
	np_net_free(net);

	/* refused with one line naming the element */
	net = test_net_load("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		   "<name>q</name><bridge name='virbr3'/>"
		   "<netplumb:qemu bridgeHelper='Allow'/></network>",
		   &err);
	CHECK(!net && strstr(err.msg, "<netplumb:qemu bridgeHelper='Allow'>: expected 'allow' "
				      "or 'deny'") &&
	      !strchr(err.msg, '\n'));
	np_net_free(net);
	net = test_net_load("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		   "<name>q</name><forward mode='bridge'/><bridge name='br0'/>"
		   "<netplumb:qemu bridgeHelper='allow'/></network>",
		   &err);
	CHECK(!net && strstr(err.msg, "needs a bridge netplumb creates"));
	np_net_free(net);
	/* 'deny' asks for nothing, on any mode */
	net = test_net_load("<network xmlns:netplumb='http://netplumb.org/schemas/network/1.0'>"
		   "<name>q</name><forward mode='bridge'/><bridge name='br0'/>"
		   "<netplumb:qemu bridgeHelper='deny'/></network>",
		   &err);
	CHECK(net && net->qemu_bridge_helper == NP_TRI_NO);
	np_net_free(net);
}

static void edit(const char *old, const char *line, bool add, int want_r, const char *want)
{
	char *out = NULL;
	int r = np_qemu_acl_edit(old, line, add, &out);

	CHECK(r == want_r);
	if (r != want_r)
		fprintf(stderr, "edit(%s, %s, %d) = %d\n", old ? old : "NULL", line, add, r);
	if (want_r == 1)
		CHECK_STR(out ? out : "(null)", want);
	free(out);
}

static void test_edit(void)
{
	edit(NULL, "allow virbr0", true, 1, "allow virbr0\n");
	edit("", "allow virbr0", true, 1, "allow virbr0\n");
	edit("allow virbr1\n", "allow virbr0", true, 1, "allow virbr1\nallow virbr0\n");
	/* a last line without its newline gets one */
	edit("allow virbr1", "allow virbr0", true, 1, "allow virbr1\nallow virbr0\n");
	edit("allow virbr1\nallow virbr0\n", "allow virbr0", true, 0, NULL);
	/* a prefix of another network's line is another line */
	edit("allow virbr00\n", "allow virbr0", true, 1, "allow virbr00\nallow virbr0\n");
	edit("allow virbr00\n", "allow virbr0", false, 0, NULL);
	edit("# admin's\nallow virbr1\nallow virbr0\nallow virbr2\n", "allow virbr0", false, 1,
	     "# admin's\nallow virbr1\nallow virbr2\n");
	/* every copy goes; the last line makes the text empty (file removed) */
	edit("allow virbr0\nallow virbr0\n", "allow virbr0", false, 1, "");
	edit(NULL, "allow virbr0", false, 0, NULL);
}

static void test_includes(void)
{
	const char *p = NP_QEMU_ACL_PATH;

	CHECK(!strcmp(p, "/etc/qemu/netplumb.conf"));
	CHECK(np_qemu_acl_includes("include /etc/qemu/netplumb.conf\n", p));
	CHECK(np_qemu_acl_includes("allow br0\n  include\t/etc/qemu/netplumb.conf  \n", p));
	CHECK(np_qemu_acl_includes("include /etc/qemu/netplumb.conf", p));
	CHECK(!np_qemu_acl_includes("#include /etc/qemu/netplumb.conf\n", p));
	CHECK(!np_qemu_acl_includes("include /etc/qemu/netplumb.conf.d\n", p));
	CHECK(!np_qemu_acl_includes("includes /etc/qemu/netplumb.conf\n", p));
	CHECK(!np_qemu_acl_includes("include\n", p));
	CHECK(!np_qemu_acl_includes("", p));
	CHECK(!np_qemu_acl_includes(NULL, p));
}

int main(void)
{
	test_xml();
	test_edit();
	test_includes();
	return check_result("test-qemu-acl");
}
