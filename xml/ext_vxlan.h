/* <netplumb:vxlan> (issue 18) inside xml/: the hooks parse.c, format.c,
 * validate.c, net.c and update.c call. */
#pragma once

#include <libxml/tree.h>
#include <stdbool.h>

struct np_addr;
struct np_buf;
struct np_err;
struct np_net;
struct np_vxlan;
struct np_xml_pctx;

/* root holds a netplumb:vxlan (read before the element is parsed: a nat
 * network stretched over hosts has no <ip> on all but one of them). */
bool np_xml_vx_in(const xmlNode *root);
/* The one netplumb:vxlan child of root into net->vxlan. */
int np_xml_vx_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net);
/* One <netplumb:remote address=.../> (a net-update snippet). */
int np_xml_vx_remote_parse(struct np_xml_pctx *c, xmlNode *n, struct np_addr *ret);
void np_xml_vx_free(struct np_vxlan *vx);
void np_xml_vx_format(struct np_buf *b, int indent, const struct np_net *net);
/* Mode, VNI, dev name, peers: families, duplicates, the local address,
 * none with control='evpn'. */
int np_xml_vx_validate(const struct np_net *net, const char *file, struct np_err *err);
