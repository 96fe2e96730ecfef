#include "cli/attach.h"

#include "common/buf.h"

const char *const np_attach_names[NP_ATTACH_N] = {
	[NP_ATTACH_QEMU] = "qemu",
	[NP_ATTACH_CLOUD_HYPERVISOR] = "cloud-hypervisor",
	[NP_ATTACH_FIRECRACKER] = "firecracker",
};

void np_attach_render(enum np_attach_kind k, const char *tap, const char *mac, struct np_buf *b)
{
	switch (k) {
	case NP_ATTACH_QEMU:
		/* script=no: the tap is already on the bridge, qemu must not
		 * run /etc/qemu-ifup (it needs root and would re-plug it). */
		np_buf_addf(b,
			    "-netdev tap,id=net0,ifname=%s,script=no,downscript=no "
			    "-device virtio-net-pci,netdev=net0,mac=%s",
			    tap, mac);
		return;
	case NP_ATTACH_CLOUD_HYPERVISOR:
		np_buf_addf(b, "--net tap=%s,mac=%s", tap, mac);
		return;
	case NP_ATTACH_FIRECRACKER:
		np_buf_addf(b,
			    "{\"iface_id\": \"net1\", \"guest_mac\": \"%s\", "
			    "\"host_dev_name\": \"%s\"}",
			    mac, tap);
		return;
	case NP_ATTACH_N:
		break;
	}
}
