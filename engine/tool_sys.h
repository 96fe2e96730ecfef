/* The helper programs a plan may run besides dnsmasq and the hook: the
 * firewalld and systemd-resolved command-line clients, nothing else. */
#pragma once

struct np_err;

/* Runs the program named by the first of argv_lines (one word a line,
 * "firewall-cmd" or "resolvectl"), found in a fixed PATH, and waits for it.
 * -ENOENT: not installed; -EHOSTDOWN: firewalld is not running; -EIO: it
 * failed (err holds the first line it printed). */
int np_tool_run(const char *argv_lines, struct np_err *err);
