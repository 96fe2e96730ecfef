/* A minimal test harness: CHECK records a failure and keeps going, so one
 * run reports every broken expectation; main returns check_result(). */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		check_count++;                                                                \
		if (!(cond)) {                                                                \
			check_failures++;                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                             \
	} while (0)

#define CHECK_STR(a, b)                                                                       \
	do {                                                                                  \
		const char *_a = (a), *_b = (b);                                              \
		check_count++;                                                                \
		if (!_a || !_b || strcmp(_a, _b)) {                                           \
			check_failures++;                                                     \
			fprintf(stderr, "%s:%d: CHECK_STR failed:\n  got:  %s\n  want: %s\n",  \
				__FILE__, __LINE__, _a ? _a : "(null)", _b ? _b : "(null)");  \
		}                                                                             \
	} while (0)

static inline int check_result(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_count - check_failures, check_failures);
	return check_failures ? 1 : 0;
}

/* Compares text with a golden file; NP_REGEN_GOLDEN=1 rewrites the file. */
static inline int check_golden(const char *path, const char *text)
{
	FILE *f;
	char *want = NULL;
	size_t cap = 0, len = 0, n;
	int ok;

	if (getenv("NP_REGEN_GOLDEN")) {
		f = fopen(path, "w");
		if (!f)
			return 0;
		fputs(text, f);
		fclose(f);
		return 1;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "golden file %s missing (NP_REGEN_GOLDEN=1 creates it)\n", path);
		return 0;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			want = realloc(want, cap);
		}
		n = fread(want + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	want[len] = '\0';
	ok = !strcmp(want, text);
	if (!ok)
		fprintf(stderr, "golden mismatch for %s; got:\n%s\n", path, text);
	free(want);
	return ok;
}
