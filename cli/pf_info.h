/* net-info's port forward lines and JSON member (issue 16). */
#pragma once

#include <stdio.h>

struct np_buf;
struct np_net;

/* "Port forward:   tcp 8080 -> 192.168.122.10:80" lines, one per element. */
void np_cli_pf_print(FILE *out, const struct np_net *net);
/* `, "port_forwards": [...]` for net-info --json. */
void np_cli_pf_json(struct np_buf *b, const struct np_net *net);
