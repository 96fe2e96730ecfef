/* Processes seen through /proc/PID/fd: who holds a socket, how many inotify
 * instances a user's processes hold. Reads only. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "engine/proc_text.h"

/* For each of inodes[n] (socket inodes of /proc/net/udp and the like), the
 * pid of a process holding it, 0 when none is seen. 0 or -errno. */
int np_proc_socket_owners(const unsigned long *inodes, size_t n, pid_t *ret_pids);
/* The inotify instances (anon_inode:inotify descriptors) held by processes
 * whose effective uid is uid. 0 or -errno. */
int np_proc_inotify_count(uid_t uid, unsigned *ret);
/* pid's command name and systemd unit ("" when unknown). */
void np_proc_describe(pid_t pid, char comm[16], char *unit, size_t unit_len);
/* Whether kernel module name is loaded, built in, loadable or absent,
 * from /sys/module, /proc/modules and /lib/modules/RELEASE. */
enum np_kmod_state np_proc_kmod(const char *name);
