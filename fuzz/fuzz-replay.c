/* Replays every file under the corpus directories given (default: the
 * source tree's fuzz/corpus) through np_fuzz_one, so the ordinary build and
 * the sanitizer build re-check every seed and every past finding in ctest.
 * A broken invariant aborts; the file being run is printed first. */
#include "fuzz/fuzz-names.h"
#include "fuzz/fuzz-net.h"

#include "common/fileio.h"
#include "common/util.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* fuzz-replay-names is built from this file with np_fuzz_names. */
#ifndef NP_FUZZ_TARGET
#define NP_FUZZ_TARGET np_fuzz_one
#endif

/* libFuzzer's own -max_len for this target is smaller; this only keeps a
 * stray big file from making the test slow. */
#define MAX_INPUT (2 * 1024 * 1024)

static size_t n_files;
static int status;
static const char *current;

/* Set by the sanitizer runtime when there is one (weak: NULL otherwise). */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* Names the input that broke an invariant (np_fuzz_one aborts) or that a
 * sanitizer reported. */
static void name_current(void)
{
	static const char msg[] = "fuzz-replay: failing input: ";

	if (current) {
		(void)!write(2, msg, sizeof(msg) - 1);
		(void)!write(2, current, strlen(current));
		(void)!write(2, "\n", 1);
	}
}

static void on_abort(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int replay(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	_np_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (type != FTW_F)
		return 0;
	if (st->st_size > MAX_INPUT) {
		fprintf(stderr, "%s: larger than %d bytes, skipped\n", path, MAX_INPUT);
		status = 1;
		return 0;
	}
	r = np_file_read(path, MAX_INPUT, &data, &len);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
		status = 1;
		return 0;
	}
	if (getenv("NP_FUZZ_VERBOSE"))
		fprintf(stderr, "replay %s\n", path);
	current = path;
	NP_FUZZ_TARGET((const uint8_t *)data, len);
	current = NULL;
	n_files++;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dflt[] = { NP_FUZZ_CORPUS, NULL };
	char **dirs = argc > 1 ? argv + 1 : (char **)dflt;

	signal(SIGABRT, on_abort);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(name_current);
	for (; *dirs; dirs++) {
		if (nftw(*dirs, replay, 16, FTW_PHYS) != 0) {
			fprintf(stderr, "%s: %s\n", *dirs, strerror(errno));
			return 1;
		}
	}
	printf("fuzz-replay: %zu inputs replayed\n", n_files);
	if (!n_files) {
		fprintf(stderr, "fuzz-replay: empty corpus\n");
		return 1;
	}
	return status;
}
