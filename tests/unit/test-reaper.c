/* The reaper's pure parts (engine/reaper.c): its millisecond settings and
 * the idle-window clock that decides when it takes the store lock. */
#include "engine/reaper.h"

#include "check.h"

#define MS 1000000LL

static void test_ms_parse(void)
{
	CHECK(np_reap_ms_parse(NULL, 150) == 150);
	CHECK(np_reap_ms_parse("", 150) == 150);
	CHECK(np_reap_ms_parse("0", 150) == 0);
	CHECK(np_reap_ms_parse("42", 150) == 42);
	CHECK(np_reap_ms_parse("3600000", 150) == 3600000);
	CHECK(np_reap_ms_parse("3600001", 150) == 150);
	CHECK(np_reap_ms_parse("-1", 150) == 150);
	CHECK(np_reap_ms_parse("+5", 150) == 150);
	CHECK(np_reap_ms_parse(" 5", 150) == 150);
	CHECK(np_reap_ms_parse("5ms", 150) == 150);
	CHECK(np_reap_ms_parse("99999999999999999999", 150) == 150);
}

static void test_window(void)
{
	struct np_reap_window w;
	long long t = 1000 * MS;

	/* Busy at first (the command that started us), then free: kept
	 * only once it has been free for the whole window. */
	np_reap_window_start(&w, 150, 5000, t);
	CHECK(np_reap_window_step(&w, false, t) == NP_REAP_WAIT);
	CHECK(np_reap_window_step(&w, true, t + 5 * MS) == NP_REAP_RELEASE);
	CHECK(np_reap_window_step(&w, true, t + 100 * MS) == NP_REAP_RELEASE);
	/* Busy once: the window starts over. */
	CHECK(np_reap_window_step(&w, false, t + 110 * MS) == NP_REAP_WAIT);
	CHECK(np_reap_window_step(&w, true, t + 115 * MS) == NP_REAP_RELEASE);
	CHECK(np_reap_window_step(&w, true, t + 260 * MS) == NP_REAP_RELEASE);
	CHECK(np_reap_window_step(&w, true, t + 265 * MS) == NP_REAP_KEEP);

	/* Yielded to a command: the next free attempt starts a new window. */
	np_reap_window_busy(&w);
	CHECK(np_reap_window_step(&w, true, t + 300 * MS) == NP_REAP_RELEASE);
	CHECK(np_reap_window_step(&w, true, t + 449 * MS) == NP_REAP_RELEASE);
	CHECK(np_reap_window_step(&w, true, t + 450 * MS) == NP_REAP_KEEP);

	/* Never idle for long: past the deadline it blocks, or keeps what it
	 * got. */
	np_reap_window_start(&w, 150, 5000, t);
	for (long long now = t; now < t + 5000 * MS; now += 100 * MS) {
		CHECK(np_reap_window_step(&w, false, now) == NP_REAP_WAIT);
		CHECK(np_reap_window_step(&w, true, now + 50 * MS) == NP_REAP_RELEASE);
	}
	CHECK(np_reap_window_step(&w, false, t + 5000 * MS) == NP_REAP_BLOCK);
	CHECK(np_reap_window_step(&w, true, t + 5001 * MS) == NP_REAP_KEEP);

	/* No idle window: the first time it is free, or blocking. */
	np_reap_window_start(&w, 0, 5000, t);
	CHECK(np_reap_window_step(&w, false, t) == NP_REAP_BLOCK);
	CHECK(np_reap_window_step(&w, true, t) == NP_REAP_KEEP);
}

int main(void)
{
	test_ms_parse();
	test_window();
	return check_result("test-reaper");
}
