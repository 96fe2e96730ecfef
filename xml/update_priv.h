/* Private to xml/update*.c: what every section function of net-update gets,
 * and the helpers they share. */
#pragma once

#include "xml/update.h"
#include "xml/xml_priv.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

struct np_addr;

/* What every section function gets. */
struct upd {
	struct np_xml_pctx c; /* c.file is the section name, for error lines */
	struct np_net *net;
	enum np_update_cmd cmd;
	int parent_index;
	xmlNode *node; /* the snippet's root element */
	const char *section;
};

int np_upd_err(const struct upd *u, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool np_upd_is_add(const struct upd *u);
/* The snippet's root must be <name>, as virNetworkDefUpdateCheckElementName. */
int np_upd_check_element(struct upd *u, const char *name);
/* Grows *arrp (n elements of size) by elem at index at. */
int np_upd_insert(void *arrp, size_t *n, size_t size, size_t at, const void *elem);
void np_upd_remove(void *arr, size_t *n, size_t size, size_t at);
/* Where add-first and add-last put a new element of a list of n. */
size_t np_upd_add_pos(const struct upd *u, size_t n);
/* key is set and equal to have (virSocketAddrEqual of a given address). */
bool np_upd_ip_eq(const struct np_addr *key, const struct np_addr *have);
/* Appends " name='value'" to buf when value is set (messages only). */
void np_upd_attr(char *buf, size_t len, const char *name, const char *value);

/* The sections, in update_ip.c and update_dns.c. */
int np_upd_dhcp_host(struct upd *u);
int np_upd_dhcp_range(struct upd *u);
int np_upd_forward_if(struct upd *u);
int np_upd_portgroup(struct upd *u);
int np_upd_dns_host(struct upd *u);
int np_upd_dns_txt(struct upd *u);
int np_upd_dns_srv(struct upd *u);
/* update_portfwd.c: netplumb's port-forward section */
int np_upd_portfwd(struct upd *u);
/* update_vxlan.c: a static VXLAN peer (issue 18) */
int np_upd_vxlan_remote(struct upd *u);
