/* How a hypervisor's guest attaches to a netplumb tap: the lines port-add
 * prints, one per hypervisor. Tap names are checked by np_port_name_valid,
 * so they need no quoting in any of these syntaxes. */
#pragma once

struct np_buf;

enum np_attach_kind {
	NP_ATTACH_QEMU,		    /* qemu-system-*: -netdev tap + -device virtio-net-pci */
	NP_ATTACH_CLOUD_HYPERVISOR, /* cloud-hypervisor: --net tap=,mac= */
	NP_ATTACH_FIRECRACKER,	    /* one element of the config's "network-interfaces" */
	NP_ATTACH_N,
};

/* "qemu", "cloud-hypervisor", "firecracker": the labels and JSON keys. */
extern const char *const np_attach_names[NP_ATTACH_N];

/* Appends the attach text of kind k for tap and mac (aa:bb:...) to b. */
void np_attach_render(enum np_attach_kind k, const char *tap, const char *mac, struct np_buf *b);
