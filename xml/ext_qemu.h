/* <netplumb:qemu bridgeHelper='allow|deny'/> (issue 17) inside xml/: the
 * hooks parse.c, format.c and validate.c call. */
#pragma once

#include <libxml/tree.h>

struct np_buf;
struct np_err;
struct np_net;
struct np_xml_pctx;

/* The one netplumb:qemu child of root into net->qemu_bridge_helper. */
int np_xml_qemu_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net);
void np_xml_qemu_format(struct np_buf *b, int indent, const struct np_net *net);
/* 'allow' needs a bridge netplumb creates, and a name the helper's ACL
 * cannot read as a keyword. */
int np_xml_qemu_validate(const struct np_net *net, const char *file, struct np_err *err);
