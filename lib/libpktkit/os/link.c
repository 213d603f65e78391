/*
 * link.c: interface lists, the same on every OS.
 */
#include <stdlib.h>

#include "os_common.h"

static int
link_cmp(const void *a, const void *b)
{
	const struct pk_os_link *x, *y;

	x = a;
	y = b;
	return (x->index < y->index ? -1 : x->index > y->index);
}

void
pk_os_links_sort(struct pk_os_link *l, size_t n)
{

	if (n > 0)
		qsort(l, n, sizeof(*l), link_cmp);
}
