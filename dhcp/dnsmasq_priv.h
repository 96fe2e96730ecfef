/* Process-identity helpers of dnsmasq_sys.c, shared with
 * dnsmasq_reload_sys.c only (no other module uses them). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The pid in pidfile: -ENOENT when there is no file, -EINVAL when it holds
 * no plausible pid. */
int np_dnsmasq_pidfile_read(const char *pidfile, pid_t *ret);
/* True when /proc/PID/cmdline shows a dnsmasq started with --conf-file=conf. */
bool np_dnsmasq_is_ours(pid_t pid, const char *conf);
/* A pidfd pinning the dnsmasq pidfile names, once /proc/PID/cmdline shows it
 * runs conf and it has not exited meanwhile (so the pid was not recycled
 * under us); *ret_pid is its pid. -ESRCH with err set when no such dnsmasq
 * runs. */
struct np_err;
int np_dnsmasq_pin(const char *pidfile, const char *conf, pid_t *ret_pid, struct np_err *err);
