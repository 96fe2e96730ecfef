/* The helper programs a plan may run besides dnsmasq and the hook: the
 * firewalld and systemd-resolved command-line clients, nothing else. */
#pragma once

#include <stddef.h>

struct np_err;

/* Runs the program named by the first of argv_lines (one word a line,
 * "firewall-cmd" or "resolvectl"), found in a fixed PATH, and waits for it.
 * -ENOENT: not installed; -EHOSTDOWN: firewalld is not running; -EIO: it
 * failed (err holds the first line it printed). */
int np_tool_run(const char *argv_lines, struct np_err *err);

/* The tools' environment: PATH, and the system bus netplumb was given
 * (bus_addr: DBUS_SYSTEM_BUS_ADDRESS, NULL when unset) so that
 * firewall-cmd reaches the same firewalld as the caller; an address that
 * is empty, too long or has a control character is left out. Fills envp
 * (NULL-terminated, pointing into buf); returns the number of variables. */
int np_tool_env(const char *bus_addr, char *buf, size_t len, char *envp[3]);
