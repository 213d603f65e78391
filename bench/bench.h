/*
 * bench.h: what the benches share: samples of a figure, and their order
 * statistics.  Each *_bench.c is a program of one file, so everything
 * here is static inline.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdlib.h>

/* For qsort(3): doubles in increasing order. */
static inline int
bench_dcmp(const void *a, const void *b)
{
	double x, y;

	x = *(const double *)a;
	y = *(const double *)b;
	return (x < y ? -1 : x > y);
}

/* The samples of one figure. */
struct series {
	const char	*name;
	double		*v;		/* milliseconds */
	size_t		 n;
};

/* Room for cap samples: 0, or -1 if there is no memory for them. */
static inline int
series_alloc(struct series *s, const char *name, size_t cap)
{

	s->name = name;
	s->n = 0;
	if ((s->v = calloc(cap, sizeof(*s->v))) == NULL)
		return (-1);
	return (0);
}

static inline void
series_add(struct series *s, double ms)
{

	s->v[s->n++] = ms;
}

static inline void
series_sort(struct series *s)
{

	qsort(s->v, s->n, sizeof(*s->v), bench_dcmp);
}

/* The p-th percentile, nearest rank, of a sorted series. */
static inline double
series_pct(const struct series *s, double p)
{
	size_t k;

	k = (size_t)(p / 100.0 * (double)s->n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return (s->v[k - 1]);
}

#endif /* !BENCH_H */
