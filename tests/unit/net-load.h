/* Test input: a network from XML text, parsed and validated as a
 * definition file "t.xml" is. */
#pragma once

struct np_err;
struct np_net;

/* The network, or NULL with err set (cleared first). */
struct np_net *test_net_load(const char *xml, struct np_err *err);
