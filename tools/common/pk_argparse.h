/*
 * pk_argparse.h: command lines parsed the way Python's argparse parses
 * them, for tools that replace Python scripts.
 *
 * Shell tests call the tools with whatever command lines the Python
 * scripts accepted, so the rules are argparse's (Python 3.11), not
 * getopt's:
 *
 *	--opt value and --opt=value	for options taking one value;
 *	--recv a b c			an unambiguous prefix of a long
 *					option; a list option swallows the
 *					words that follow it up to the next
 *					word that looks like an option;
 *	-vh				single-letter flags grouped;
 *	-1, "-", "a b"			words that look like values, not
 *					options (a negative number, a lone
 *					dash, a word with a space);
 *	--				the end of the options;
 *	-h, --help			help on stdout (the caller prints it).
 *
 * An option given twice keeps its last value (a list is replaced, not
 * appended to).  Errors are those argparse finds, in the order it finds
 * them: an ambiguous prefix anywhere first, then, option by option, a
 * missing or unwanted value or a value the option's store function
 * rejects, then missing required arguments, then words nobody took.
 * Messages are argparse's wording, one line, without the "usage:" lines
 * (a tool prints "<prog>: error: <message>" and exits 2).
 *
 * Only for the tools: test programs do not parse command lines.
 */
#ifndef PK_ARGPARSE_H
#define PK_ARGPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "pk_err.h"

enum pk_arg_nargs {
	PK_ARG_FLAG,		/* no value */
	PK_ARG_ONE,		/* exactly one value */
	PK_ARG_PLUS		/* one or more values (nargs='+') */
};

#define	PK_ARG_MSG_MAX	256

struct pk_argopt;

/*
 * Convert and keep the values of one occurrence of o (none for a flag).
 * The strings are argv's (or parts of them) and live as long as argv;
 * the vals array itself is valid during the call only.
 * Returns 0, or -1 with a one-line reason in msg (argparse's words:
 * "invalid int value: 'x'"); the parser prefixes the option's name.
 */
typedef int pk_arg_store_fn(void *ctx, const struct pk_argopt *o,
	    char *const *vals, int nvals, char *msg, size_t msgsize);

struct pk_argopt {
	const char		*lname;		/* "to": --to; or NULL */
	char			 sname;		/* 'v': -v; or 0 */
	enum pk_arg_nargs	 nargs;
	int			 required;
	int			 id;		/* the caller's, for store */
	const char		*metavar;	/* value name in the help */
	const char		*help;
	pk_arg_store_fn		*store;
};

/* Positional arguments, in order; all are required. */
struct pk_argpos {
	const char		*name;		/* "src_ip" */
	const char		*help;
	int			(*store)(void *ctx, size_t i, const char *val,
				    char *msg, size_t msgsize);
};

struct pk_argspec {
	const char		*prog;		/* as the errors name it */
	const char		*descr;		/* one line, for the help */
	const struct pk_argopt	*opts;
	size_t			 nopts;
	const struct pk_argpos	*pos;
	size_t			 npos;
};

#define	PK_ARGS_OK	0
#define	PK_ARGS_HELP	1	/* -h/--help came before any error */

/*
 * Parse argv[1..argc-1] against spec, calling the store functions with
 * ctx as options are met.  Returns PK_ARGS_OK, PK_ARGS_HELP, or -1 with
 * the usage error's message in err.  argv is not modified.
 */
int	pk_args_parse(const struct pk_argspec *spec, int argc,
	    char *const *argv, void *ctx, struct pk_err *err);

/*
 * The help text for spec (usage line, description, one line or more per
 * argument) into buf, always terminated when size > 0.  Returns the
 * length the whole text needs, as snprintf(3) does.
 */
size_t	pk_args_help(const struct pk_argspec *spec, char *buf, size_t size);

/*
 * Python's int() in base 10: optional surrounding white space, an
 * optional sign, decimal digits with single underscores between them.
 * Returns 0, or -1 if s is not such a number, or -2 if it is one that
 * does not fit an int64_t.
 */
int	pk_args_int(const char *s, int64_t *v);

/*
 * A store function's helper: read val with pk_args_int() into *v, or
 * fill msg as argparse does ("invalid int value: 'x'"), or say that a
 * number is too large.
 */
int	pk_args_store_int(const char *val, int64_t *v, char *msg,
	    size_t msgsize);

/*
 * Make msg one line: every control character becomes '?'.  Messages
 * quote what the user typed, which may hold anything.
 */
void	pk_args_oneline(char *msg);

/*
 * Python's repr() of a string, as argparse quotes values in messages:
 * in single quotes unless it holds one and no double quote, with
 * backslash escapes for quotes, backslashes and control characters.
 * Cut short to fit size (at least 8).
 */
void	pk_args_repr(const char *s, char *buf, size_t size);

#endif /* !PK_ARGPARSE_H */
