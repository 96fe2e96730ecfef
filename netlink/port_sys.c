/* Guest ports: a persistent tap for qemu, or a veth whose peer goes into a
 * guest namespace; either is then enslaved to the bridge and brought up. */
#include "netlink/internal.h"
#include "netlink/ifname.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int np_nl_veth_add(struct np_nl *nl, const struct np_veth_spec *spec)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_msg_veth_add(spec, &m);

	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

int np_nl_link_enslave(struct np_nl *nl, const char *ifname, const char *master,
		       const uint8_t *mac)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_ifindex(nl, master);

	if (r < 0)
		return r;
	r = np_nl_msg_link_enslave(ifname, r, mac, &m);
	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}

/* Tap devices are made through /dev/net/tun, not rtnetlink; persistent, so
 * the device outlives this process until qemu opens it by name. */
int np_tap_add(const char *ifname, long owner)
{
	_np_close_ int fd = -1;
	struct ifreq ifr = { 0 };

	if (!np_ifname_valid(ifname))
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* IFF_TUN_EXCL: an existing tap of that name is someone else's; without
	 * it the kernel would attach to it. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL;
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return errno == EBUSY ? -EEXIST : -errno;
	if (owner >= 0 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0)
		return -errno;
	if (ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		return -errno;
	return 0;
}

int np_nl_port_isolate(struct np_nl *nl, const char *ifname, bool on)
{
	_np_nlmsg_free_ struct nl_msg *m = NULL;
	int r = np_nl_msg_port_isolate(ifname, on, &m);

	return r < 0 ? r : np_nl_transact(nl, m, NULL, NULL);
}
