/* Asking FRR whether it knows a VNI (issue 18): netplumb reads FRR's state
 * through vtysh, and never writes FRR's configuration. */
#pragma once

#include <stddef.h>

/* Runs `vtysh [--vty_socket DIR] -c 'show evpn vni VNI json'` (DIR from
 * NETPLUMB_FRR_VTY_SOCKET when set) and waits for it: 1 when zebra knows
 * the VNI, 0 when it does not, -ENOENT when vtysh is not installed, -EIO
 * when it failed (FRR not running); what it said goes to said. */
int np_frr_vni_known(unsigned vni, char *said, size_t len);
