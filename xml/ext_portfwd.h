/* <netplumb:portForward> (issue 16) inside xml/: the hooks parse.c,
 * format.c, validate.c, net.c and update.c call. */
#pragma once

#include <libxml/tree.h>
#include <stdbool.h>

#define NP_XML_NS "http://netplumb.org/schemas/network/1.0"

struct np_buf;
struct np_err;
struct np_net;
struct np_portfwd;
struct np_xml_pctx;

/* n is the element netplumb:LOCAL (by namespace URI, or with an undeclared
 * "netplumb:" prefix as in a net-update snippet). */
bool np_xml_pf_is(const xmlNode *n, const char *local);
/* Every netplumb:portForward child of root into net->portfwds. */
int np_xml_pf_parse(struct np_xml_pctx *c, xmlNode *root, struct np_net *net);
/* One element into *pf (zeroed by the caller; np_xml_pf_clear on failure). */
int np_xml_pf_parse_one(struct np_xml_pctx *c, xmlNode *n, struct np_portfwd *pf);
void np_xml_pf_clear(struct np_portfwd *pf);
void np_xml_pf_free(struct np_net *net);
void np_xml_pf_format_one(struct np_buf *b, int indent, const struct np_portfwd *pf);
void np_xml_pf_format(struct np_buf *b, int indent, const struct np_net *net);
/* Mode, guest inside a subnet, families, dev name, port numbers, overlaps. */
int np_xml_pf_validate(const struct np_net *net, const char *file, struct np_err *err);
