#include "engine/reaper.h"

#include <errno.h>
#include <stdlib.h>

long np_reap_ms_parse(const char *s, long def)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > NP_REAP_MS_LIMIT)
		return def;
	return v;
}

void np_reap_window_start(struct np_reap_window *w, long idle_ms, long max_ms, long long now)
{
	w->idle_ns = idle_ms * 1000000LL;
	w->deadline = now + max_ms * 1000000LL;
	w->idle_since = -1;
}

enum np_reap_act np_reap_window_step(struct np_reap_window *w, bool got, long long now)
{
	if (!got) {
		w->idle_since = -1;
		return w->idle_ns == 0 || now >= w->deadline ? NP_REAP_BLOCK : NP_REAP_WAIT;
	}
	if (w->idle_since < 0)
		w->idle_since = now;
	if (now - w->idle_since >= w->idle_ns || now >= w->deadline)
		return NP_REAP_KEEP;
	return NP_REAP_RELEASE;
}

void np_reap_window_busy(struct np_reap_window *w)
{
	w->idle_since = -1;
}
