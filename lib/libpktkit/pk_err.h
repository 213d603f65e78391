/*
 * pk_err.h: how libpktkit reports errors.
 *
 * The core never prints and never exits.  A call that can fail takes a
 * caller-owned struct pk_err as its last argument, returns -1 (or NULL)
 * on failure, and leaves a one-line message there saying what failed and
 * why, ready to be shown as it is.  The tools print it; the atf layer
 * fails the test case with it.  Passing NULL discards the message.
 */
#ifndef PK_ERR_H
#define PK_ERR_H

#include <stddef.h>

#define	PK_ERRMSG_MAX	512

struct pk_err {
	int	code;			/* errno value, or 0 if none applies */
	char	msg[PK_ERRMSG_MAX];	/* one line, no trailing newline */
};

/*
 * Record an error.  code is an errno value (0 if none applies); the
 * message is formatted from fmt.  Returns -1 so that a caller can write
 * "return (pk_err_set(err, EINVAL, "bad address %s", s));".
 */
int	pk_err_set(struct pk_err *err, int code, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

/*
 * Like pk_err_set(), with ": strerror(code)" appended to the message.
 */
int	pk_err_sys(struct pk_err *err, int code, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

/*
 * Put context in front of a message already recorded, so that a caller
 * higher up can say where the failure happened ("vnet alcatraz: ...").
 * Returns -1.
 */
int	pk_err_prefix(struct pk_err *err, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/*
 * Clear err (code 0, empty message).
 */
void	pk_err_clear(struct pk_err *err);

#endif /* !PK_ERR_H */
