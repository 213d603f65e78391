/*
 * proc.c: how pk_os_holders() reports what it finds, the same on every
 * OS.
 */
#include <stdarg.h>
#include <stdio.h>

#include "os_common.h"

void
pk_os_holder_say(struct pk_os_holders_out *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->found(o->arg, line);
	o->n++;
}
