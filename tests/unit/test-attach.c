/* port-add's attach lines: the exact syntax each hypervisor parses. */
#include "check.h"

#include "cli/attach.h"
#include "common/buf.h"

#include <string.h>

static void expect(enum np_attach_kind k, const char *want)
{
	struct np_buf b = { 0 };

	np_attach_render(k, "tap0", "52:54:00:12:34:56", &b);
	CHECK_STR(np_buf_str(&b), want);
	np_buf_free(&b);
}

int main(void)
{
	expect(NP_ATTACH_QEMU, "-netdev tap,id=net0,ifname=tap0,script=no,downscript=no "
			       "-device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56");
	expect(NP_ATTACH_CLOUD_HYPERVISOR, "--net tap=tap0,mac=52:54:00:12:34:56");
	expect(NP_ATTACH_FIRECRACKER, "{\"iface_id\": \"net1\", \"guest_mac\": "
				      "\"52:54:00:12:34:56\", \"host_dev_name\": \"tap0\"}");
	CHECK(!strcmp(np_attach_names[NP_ATTACH_QEMU], "qemu"));
	CHECK(!strcmp(np_attach_names[NP_ATTACH_CLOUD_HYPERVISOR], "cloud-hypervisor"));
	CHECK(!strcmp(np_attach_names[NP_ATTACH_FIRECRACKER], "firecracker"));
	return check_result("test-attach");
}
