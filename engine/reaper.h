/* The pure parts of the deferred deleter of retired links (reaper_sys.c):
 * its settings and the idle-window clock that decides when to take the
 * store lock. */
#pragma once

#include <stdbool.h>

#define NP_REAP_IDLE_MS_DEFAULT 150
#define NP_REAP_MAX_MS_DEFAULT 5000
/* Longest setting accepted; anything above, or not a number, is the default. */
#define NP_REAP_MS_LIMIT 3600000L

/* A millisecond setting (NETPLUMB_REAP_IDLE_MS, NETPLUMB_REAP_MAX_MS):
 * decimal 0..NP_REAP_MS_LIMIT; NULL, empty or anything else gives def. */
long np_reap_ms_parse(const char *s, long def);

/* The store lock must have been seen free, polled with LOCK_NB, for idle_ns
 * in a row before the reaper keeps it; past the deadline (max_ns after
 * start) it takes the lock whatever happens. Times are CLOCK_MONOTONIC ns. */
struct np_reap_window {
	long long idle_ns;
	long long deadline;
	long long idle_since; /* -1: the lock was last seen busy */
};

enum np_reap_act {
	NP_REAP_KEEP,    /* the attempt succeeded: keep the lock */
	NP_REAP_RELEASE, /* it succeeded, too early: release it and poll again */
	NP_REAP_WAIT,    /* it failed: poll again */
	NP_REAP_BLOCK,   /* it failed and waiting is over: take it blocking */
};

void np_reap_window_start(struct np_reap_window *w, long idle_ms, long max_ms, long long now);
/* After one LOCK_NB attempt at now; got: it succeeded. An idle window of 0
 * takes the lock as soon as it is free (BLOCK when it is not). */
enum np_reap_act np_reap_window_step(struct np_reap_window *w, bool got, long long now);
/* The reaper let a command have the lock: the idle window starts over. */
void np_reap_window_busy(struct np_reap_window *w);
