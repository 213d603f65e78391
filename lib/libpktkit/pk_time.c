/*
 * pk_time.c: monotonic time and deadlines (see pk_time.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "pk_time.h"

int64_t
pk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int64_t
pk_now_ms(void)
{

	return (pk_now_us() / 1000);
}

double
pk_deadline_scale(void)
{
	const char *s;
	char *end;
	double v;

	s = getenv("PKTKIT_DEADLINE_SCALE");
	if (s == NULL || *s == '\0')
		return (1.0);
	v = strtod(s, &end);
	if (*end != '\0' || !(v > 0.0) || v > 1000.0)
		return (1.0);
	return (v);
}

unsigned
pk_deadline_ms(unsigned ms)
{
	double v;

	v = (double)ms * pk_deadline_scale();
	if (v < 1.0)
		return (1);
	if (v > (double)UINT32_MAX)
		return (UINT32_MAX);
	return ((unsigned)v + ((double)(unsigned)v < v ? 1 : 0));
}

int
pk_ms_left(int64_t end)
{
	int64_t left;

	left = end - pk_now_ms();
	if (left <= 0)
		return (0);
	if (left > INT32_MAX)
		return (INT32_MAX);
	return ((int)left);
}
