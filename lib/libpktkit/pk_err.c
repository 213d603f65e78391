/*
 * pk_err.c: error records (see pk_err.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pk_err.h"

static void pk_err_vfmt(struct pk_err *, int, const char *, va_list)
    __attribute__((__format__(__printf__, 3, 0)));

static void
pk_err_vfmt(struct pk_err *err, int code, const char *fmt, va_list ap)
{
	int n;

	err->code = code;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		err->msg[0] = '\0';
}

int
pk_err_set(struct pk_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return (-1);
	va_start(ap, fmt);
	pk_err_vfmt(err, code, fmt, ap);
	va_end(ap);
	return (-1);
}

int
pk_err_sys(struct pk_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (err == NULL)
		return (-1);
	va_start(ap, fmt);
	pk_err_vfmt(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (len < sizeof(err->msg))
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
		    strerror(code));
	return (-1);
}

int
pk_err_prefix(struct pk_err *err, const char *fmt, ...)
{
	char old[PK_ERRMSG_MAX];
	va_list ap;
	int n;

	if (err == NULL)
		return (-1);
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", old);
	return (-1);
}

void
pk_err_clear(struct pk_err *err)
{

	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
