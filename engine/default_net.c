#include "engine/default_net.h"

/* Kept byte for byte as libvirt ships it. */
const char np_default_net_xml[] = "<network>\n"
				  "  <name>default</name>\n"
				  "  <bridge name='virbr0'/>\n"
				  "  <forward/>\n"
				  "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
				  "    <dhcp>\n"
				  "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
				  "    </dhcp>\n"
				  "  </ip>\n"
				  "</network>\n";
