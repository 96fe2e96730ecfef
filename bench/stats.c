/* Medians and friends over series of runs. */
#include "bench/bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bench_series_add(struct bench_series *s, const struct bench_run *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct bench_run *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *r;
	return 0;
}

void bench_series_free(struct bench_series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct bench_stat bench_stat_of(const double *v, size_t n)
{
	struct bench_stat st = { 0 };
	double *s, sum = 0;

	if (n == 0)
		return st;
	s = malloc(n * sizeof(*s));
	if (!s)
		return st;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	st.n = n;
	st.min = s[0];
	st.max = s[n - 1];
	st.mean = sum / (double)n;
	st.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return st;
}

struct bench_stat bench_series_stat(const struct bench_series *s, size_t from, size_t to, int phase)
{
	struct bench_stat st = { 0 };
	double *v;
	size_t n = 0;

	if (to > s->n)
		to = s->n;
	if (from >= to)
		return st;
	v = malloc((to - from) * sizeof(*v));
	if (!v)
		return st;
	for (size_t i = from; i < to; i++)
		v[n++] = phase >= PH__MAX ? s->v[i].wall_ms : s->v[i].phase_ms[phase];
	st = bench_stat_of(v, n);
	free(v);
	return st;
}

long bench_series_maxrss(const struct bench_series *s)
{
	long m = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].maxrss_kb > m)
			m = s->v[i].maxrss_kb;
	return m;
}
