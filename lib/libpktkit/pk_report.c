/*
 * pk_report.c: finding lines (see pk_report.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_report.h"

static int
pk_report_grow(struct pk_report *rep)
{
	char **nl;
	size_t ncap;

	if (rep->n < rep->cap)
		return (0);
	ncap = rep->cap == 0 ? 8 : rep->cap * 2;
	nl = realloc(rep->lines, ncap * sizeof(*nl));
	if (nl == NULL)
		return (-1);
	rep->lines = nl;
	rep->cap = ncap;
	return (0);
}

int
pk_report_add(struct pk_report *rep, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	if (pk_report_grow(rep) != 0)
		return (-1);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (line = malloc((size_t)n + 1)) == NULL)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rep->lines[rep->n++] = line;
	return (0);
}

size_t
pk_report_join(const struct pk_report *rep, const char *sep, char *buf,
    size_t size)
{
	size_t i, total, seplen, len;

	total = 0;
	seplen = strlen(sep);
	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < rep->n; i++) {
		if (i > 0) {
			if (total + seplen < size)
				memcpy(buf + total, sep, seplen + 1);
			total += seplen;
		}
		len = strlen(rep->lines[i]);
		if (total + len < size)
			memcpy(buf + total, rep->lines[i], len + 1);
		else if (total < size) {
			memcpy(buf + total, rep->lines[i], size - total - 1);
			buf[size - 1] = '\0';
		}
		total += len;
	}
	return (total);
}

void
pk_report_free(struct pk_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++)
		free(rep->lines[i]);
	free(rep->lines);
	rep->lines = NULL;
	rep->n = rep->cap = 0;
}
