#include "engine/lease_wait.h"

#include "common/err.h"
#include "common/util.h"
#include "dhcp/leases.h"
#include "engine/lifecycle.h"
#include "engine/query.h"
#include "engine/store.h"
#include "engine/timing.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

/* 1: found (*ret filled), 0: not yet, -errno. */
static int find(struct np_engine *eng, const char *name, const char *mac,
		struct np_dhcp_lease *ret, struct np_err *err)
{
	_np_free_ struct np_dhcp_lease *leases = NULL;
	size_t n = 0;
	int r;

	r = np_engine_leases(eng, name, time(NULL), &leases, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(leases[i].mac, mac)) {
			*ret = leases[i];
			return 1;
		}
	return 0;
}

/* Whether the inotify events in buf name the lease file. */
static bool touches(const char *buf, ssize_t len, const char *file)
{
	for (ssize_t off = 0; off < len;) {
		const struct inotify_event *ev = (const void *)(buf + off);

		if (ev->len && !strcmp(ev->name, file))
			return true;
		if (ev->mask & IN_Q_OVERFLOW)
			return true;
		off += (ssize_t)sizeof(*ev) + ev->len;
	}
	return false;
}

int np_engine_lease_wait(struct np_engine *eng, const char *name, const char *mac,
			 int timeout_s, struct np_dhcp_lease *ret, struct np_err *err)
{
	_np_free_ char *file = NULL;
	const char *dir = np_store_state_dir(eng->store);
	long long deadline = np_time_ns() + (long long)timeout_s * 1000000000LL;
	int fd, r;

	if (asprintf(&file, "%s.leases", name) < 0) {
		file = NULL;
		return -ENOMEM;
	}
	/* The watch exists before the first look, so no change between the
	 * two is missed. dnsmasq rewrites the file in place (IN_MODIFY) and
	 * creates it on its first lease (IN_CREATE); the directory is watched
	 * because the file may not exist yet. */
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return np_err_set(err, -errno, "inotify: %s", strerror(errno));
	if (inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		r = np_err_set(err, -errno, "cannot watch %s: %s", dir, strerror(errno));
		goto out;
	}
	for (;;) {
		char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		long long left = deadline - np_time_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t len;

		r = find(eng, name, mac, ret, err);
		if (r != 0)
			break;
		/* Sleep until dnsmasq touches this network's lease file. */
		do {
			left = deadline - np_time_ns();
			if (left <= 0) {
				r = np_err_set(err, -ETIMEDOUT,
					       "no DHCP lease for %s on network '%s' within %d s", mac,
					       name, timeout_s);
				goto out;
			}
			r = poll(&p, 1, (int)((left + 999999) / 1000000));
			if (r < 0 && errno != EINTR) {
				r = np_err_set(err, -errno, "poll: %s", strerror(errno));
				goto out;
			}
			len = r > 0 ? read(fd, buf, sizeof(buf)) : 0;
		} while (len <= 0 || !touches(buf, len, file));
	}
	r = r < 0 ? r : 0;
out:
	close(fd);
	return r;
}
