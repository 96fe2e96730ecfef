/* test_net_load (net-load.h). */
#include "net-load.h"

#include "common/err.h"
#include "xml/net.h"
#include "xml/xml.h"

#include <string.h>

struct np_net *test_net_load(const char *xml, struct np_err *err)
{
	struct np_net *net = NULL;

	memset(err, 0, sizeof(*err));
	if (np_xml_net_parse(xml, strlen(xml), "t.xml", &net, err) < 0)
		return NULL;
	if (np_net_validate(net, "t.xml", err) < 0) {
		np_net_free(net);
		return NULL;
	}
	return net;
}
