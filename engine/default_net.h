/* The built-in 'default' network, as libvirt installs it
 * (src/network/default.xml.in). */
#pragma once

extern const char np_default_net_xml[];
