/*
 * pk_argparse.c: argparse-compatible command lines (see pk_argparse.h).
 *
 * Parsing runs in argparse's two passes.  The first classifies every word
 * as an option (possibly one nobody knows) or a value, resolving
 * prefixes; an ambiguous prefix is an error before anything is stored.
 * The second walks the words, giving each known option its values.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_argparse.h"

#define	OSTR_MAX	64	/* "--send-tcpopt-unaligned" and the like */
#define	HELP_OPT	(-1)	/* the built-in -h/--help */

/* One spelling of an option: "-v" or "--verbose". */
struct ostr {
	char		 s[OSTR_MAX];
	int		 opt;		/* index in spec->opts, or HELP_OPT */
};

enum wkind {
	W_VALUE,		/* 'A' in argparse */
	W_OPTION,		/* 'O' */
	W_DASHDASH		/* the first "--" */
};

struct word {
	const char	*s;
	enum wkind	 kind;
	int		 ostr;		/* in the ostr table; -1: unknown */
	const char	*explicit;	/* value after '=' (or after "-x") */
};

struct parser {
	const struct pk_argspec	*spec;
	void			*ctx;
	struct ostr		*ostrs;
	size_t			 nostrs;
	struct word		*words;
	size_t			 nwords;
	char			*seen;		/* per option */
	size_t			 npos;		/* positionals stored */
	char			 extras[PK_ERRMSG_MAX];
	struct pk_err		*err;
};

void
pk_args_repr(const char *s, char *buf, size_t size)
{
	char q;
	size_t n;
	const unsigned char *p;

	q = (strchr(s, '\'') != NULL && strchr(s, '"') == NULL) ? '"' : '\'';
	n = 0;
	if (size < 8) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	buf[n++] = q;
	for (p = (const unsigned char *)s; *p != '\0' && n + 6 < size; p++) {
		if (*p == '\\' || *p == q)
			n += snprintf(buf + n, size - n, "\\%c", *p);
		else if (*p == '\n')
			n += snprintf(buf + n, size - n, "\\n");
		else if (*p == '\t')
			n += snprintf(buf + n, size - n, "\\t");
		else if (*p == '\r')
			n += snprintf(buf + n, size - n, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			n += snprintf(buf + n, size - n, "\\x%02x", *p);
		else
			buf[n++] = (char)*p;
	}
	buf[n++] = q;
	buf[n] = '\0';
}

/* "-v/--verbose", argparse's name for an option in its messages. */
static void
optname(const struct parser *p, int opt, char *buf, size_t size)
{
	const struct pk_argopt *o;

	if (opt == HELP_OPT) {
		snprintf(buf, size, "-h/--help");
		return;
	}
	o = &p->spec->opts[opt];
	if (o->sname != '\0' && o->lname != NULL)
		snprintf(buf, size, "-%c/--%s", o->sname, o->lname);
	else if (o->sname != '\0')
		snprintf(buf, size, "-%c", o->sname);
	else
		snprintf(buf, size, "--%s", o->lname);
}

static int
argerr(struct parser *p, int opt, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
argerr(struct parser *p, int opt, const char *fmt, ...)
{
	char name[OSTR_MAX * 2 + 2], msg[PK_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	optname(p, opt, name, sizeof(name));
	return (pk_err_set(p->err, EINVAL, "argument %s: %s", name, msg));
}

/* Add the spelling dashes + s for option opt. */
static int
add_ostr(struct parser *p, int opt, const char *dashes, const char *s)
{
	struct ostr *o;

	o = &p->ostrs[p->nostrs];
	if (snprintf(o->s, sizeof(o->s), "%s%s", dashes, s) >=
	    (int)sizeof(o->s))
		return (pk_err_set(p->err, ENAMETOOLONG,
		    "option name too long: %s", s));
	o->opt = opt;
	p->nostrs++;
	return (0);
}

/* Every spelling of every option, in the order they were declared. */
static int
build_ostrs(struct parser *p)
{
	const struct pk_argopt *o;
	char c[2];
	size_t i;

	p->ostrs = calloc(2 * p->spec->nopts + 2, sizeof(*p->ostrs));
	if (p->ostrs == NULL)
		return (pk_err_sys(p->err, errno, "out of memory"));
	if (add_ostr(p, HELP_OPT, "-", "h") == -1 ||
	    add_ostr(p, HELP_OPT, "--", "help") == -1)
		return (-1);
	for (i = 0; i < p->spec->nopts; i++) {
		o = &p->spec->opts[i];
		c[0] = o->sname;
		c[1] = '\0';
		if (o->sname != '\0' &&
		    add_ostr(p, (int)i, "-", c) == -1)
			return (-1);
		if (o->lname != NULL &&
		    add_ostr(p, (int)i, "--", o->lname) == -1)
			return (-1);
	}
	return (0);
}

static int
find_exact(const struct parser *p, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < p->nostrs; i++)
		if (strlen(p->ostrs[i].s) == len &&
		    strncmp(p->ostrs[i].s, s, len) == 0)
			return ((int)i);
	return (-1);
}

/* argparse's test for a word that is a negative number, not an option. */
static int
negative_number(const char *s)
{
	const char *q;
	int digits, dot;

	if (s[0] != '-')
		return (0);
	digits = dot = 0;
	for (q = s + 1; *q != '\0'; q++) {
		if (isdigit((unsigned char)*q))
			digits++;
		else if (*q == '.' && !dot)
			dot = 1;
		else
			return (0);
	}
	/* "-5" or "-.5" or "-1.5", but not "-" or "-5." */
	return (digits > 0 && q[-1] != '.');
}

/*
 * Prefix matches of word w (of which the first len bytes name the
 * option): how many spellings start with it; *first gets the first.
 * For a single-dash word, a two-character prefix that names a short
 * option also matches, the rest being its value (as "-vx").
 */
static int
prefix_matches(const struct parser *p, struct word *w, size_t len,
    char *list, size_t listsize)
{
	size_t i, n, used;
	int count, shortopt;

	count = 0;
	used = 0;
	list[0] = '\0';
	shortopt = (w->s[1] != '-');
	for (i = 0; i < p->nostrs; i++) {
		n = strlen(p->ostrs[i].s);
		if (shortopt && n == 2 && strncmp(p->ostrs[i].s, w->s, 2) == 0)
			w->explicit = w->s + 2;
		else if (!(n >= len && strncmp(p->ostrs[i].s, w->s, len) == 0))
			continue;
		if (count == 0)
			w->ostr = (int)i;
		count++;
		used += snprintf(list + used, used < listsize ?
		    listsize - used : 0, "%s%s", count > 1 ? ", " : "",
		    p->ostrs[i].s);
		if (used >= listsize)
			used = listsize - 1;
	}
	return (count);
}

/* argparse's _parse_optional(): what the word is. */
static int
classify(struct parser *p, struct word *w)
{
	char list[PK_ERRMSG_MAX];
	const char *eq;
	size_t len;
	int i;

	w->kind = W_VALUE;
	w->ostr = -1;
	w->explicit = NULL;
	if (w->s[0] != '-')
		return (0);
	if ((i = find_exact(p, w->s, strlen(w->s))) != -1) {
		w->kind = W_OPTION;
		w->ostr = i;
		return (0);
	}
	if (w->s[1] == '\0')
		return (0);
	len = strlen(w->s);
	if ((eq = strchr(w->s, '=')) != NULL) {
		len = (size_t)(eq - w->s);
		if ((i = find_exact(p, w->s, len)) != -1) {
			w->kind = W_OPTION;
			w->ostr = i;
			w->explicit = eq + 1;
			return (0);
		}
	}
	if (w->s[1] != '-')
		len = strlen(w->s);
	switch (prefix_matches(p, w, len, list, sizeof(list))) {
	case 0:
		break;
	case 1:
		w->kind = W_OPTION;
		if (w->explicit == NULL && eq != NULL && w->s[1] == '-')
			w->explicit = eq + 1;
		return (0);
	default:
		return (pk_err_set(p->err, EINVAL,
		    "ambiguous option: %s could match %s", w->s, list));
	}
	w->ostr = -1;
	w->explicit = NULL;
	if (negative_number(w->s) || strchr(w->s, ' ') != NULL)
		return (0);
	w->kind = W_OPTION;
	return (0);
}

static int
classify_all(struct parser *p)
{
	size_t i;
	int rest;

	rest = 0;
	for (i = 0; i < p->nwords; i++) {
		if (rest) {
			p->words[i].kind = W_VALUE;
			p->words[i].ostr = -1;
			continue;
		}
		if (strcmp(p->words[i].s, "--") == 0) {
			p->words[i].kind = W_DASHDASH;
			rest = 1;
			continue;
		}
		if (classify(p, &p->words[i]) == -1)
			return (-1);
	}
	return (0);
}

static void
add_extra(struct parser *p, const char *s)
{
	size_t n;

	n = strlen(p->extras);
	snprintf(p->extras + n, sizeof(p->extras) - n, "%s%s",
	    n > 0 ? " " : "", s);
}

static int
store(struct parser *p, int opt, char *const *vals, int nvals)
{
	const struct pk_argopt *o;
	char msg[PK_ARG_MSG_MAX];

	o = &p->spec->opts[opt];
	p->seen[opt] = 1;
	msg[0] = '\0';
	if (o->store != NULL &&
	    o->store(p->ctx, o, vals, nvals, msg, sizeof(msg)) == -1)
		return (argerr(p, opt, "%s", msg));
	return (0);
}

/* Store the values in words [from, to) for option opt. */
static int
store_list(struct parser *p, int opt, size_t from, size_t to)
{
	char **vals;
	size_t j;
	int rc;

	vals = calloc(to - from, sizeof(*vals));
	if (vals == NULL)
		return (pk_err_sys(p->err, errno, "out of memory"));
	for (j = from; j < to; j++)
		vals[j - from] = (char *)(uintptr_t)p->words[j].s;
	rc = store(p, opt, vals, (int)(to - from));
	free(vals);
	return (rc);
}

/*
 * A flag met with text glued to it: "-vx" is -v then -x, as long as the
 * flag was spelt with one dash and x is a short option.  Returns the
 * spelling that takes over, with *explicit moved past its letter, or -1
 * with err set.
 */
static int
flag_glued(struct parser *p, int os, const char **explicit)
{
	char rep[PK_ERRMSG_MAX / 2], s[3];
	int i;

	if (p->ostrs[os].s[1] != '-' && **explicit != '\0') {
		s[0] = '-';
		s[1] = **explicit;
		s[2] = '\0';
		if ((i = find_exact(p, s, 2)) != -1) {
			(*explicit)++;
			return (i);
		}
	}
	pk_args_repr(*explicit, rep, sizeof(rep));
	return (argerr(p, p->ostrs[os].opt, "ignored explicit argument %s",
	    rep));
}

/*
 * Consume the option at word i with its values; *next gets the index of
 * the first word left.  Returns 0, PK_ARGS_HELP, or -1.
 */
static int
consume_option(struct parser *p, size_t i, size_t *next)
{
	const char *explicit;
	char *vals[1];
	size_t j;
	int opt, os;

	*next = i + 1;
	os = p->words[i].ostr;
	explicit = p->words[i].explicit;
	for (;;) {
		opt = p->ostrs[os].opt;
		if (opt == HELP_OPT)
			return (PK_ARGS_HELP);
		if (p->spec->opts[opt].nargs != PK_ARG_FLAG)
			break;
		if (store(p, opt, NULL, 0) == -1)
			return (-1);
		if (explicit == NULL)
			return (0);
		if ((os = flag_glued(p, os, &explicit)) == -1)
			return (-1);
		if (*explicit == '\0')
			explicit = NULL;
	}
	if (explicit != NULL) {
		vals[0] = (char *)(uintptr_t)explicit;
		return (store(p, opt, vals, 1));
	}
	for (j = i + 1; j < p->nwords && p->words[j].kind == W_VALUE; j++)
		if (p->spec->opts[opt].nargs == PK_ARG_ONE) {
			j++;
			break;
		}
	if (j == i + 1)
		return (argerr(p, opt, "expected %s",
		    p->spec->opts[opt].nargs == PK_ARG_ONE ?
		    "one argument" : "at least one argument"));
	*next = j;
	return (store_list(p, opt, i + 1, j));
}

static int
store_positional(struct parser *p, const char *s)
{
	const struct pk_argpos *a;
	char msg[PK_ARG_MSG_MAX];

	if (p->npos >= p->spec->npos) {
		add_extra(p, s);
		return (0);
	}
	a = &p->spec->pos[p->npos++];
	msg[0] = '\0';
	if (a->store != NULL &&
	    a->store(p->ctx, p->npos - 1, s, msg, sizeof(msg)) == -1)
		return (pk_err_set(p->err, EINVAL, "argument %s: %s",
		    a->name, msg));
	return (0);
}

static int
consume_all(struct parser *p)
{
	size_t i, next;
	int rc;

	for (i = 0; i < p->nwords; i = next) {
		next = i + 1;
		switch (p->words[i].kind) {
		case W_DASHDASH:
			/* argparse keeps it among the leftovers unless a
			 * positional argument is still to be filled. */
			if (p->npos >= p->spec->npos)
				add_extra(p, p->words[i].s);
			break;
		case W_VALUE:
			if (store_positional(p, p->words[i].s) == -1)
				return (-1);
			break;
		case W_OPTION:
			if (p->words[i].ostr == -1) {
				add_extra(p, p->words[i].s);
				break;
			}
			if ((rc = consume_option(p, i, &next)) != 0)
				return (rc);
			break;
		}
	}
	return (0);
}

/* "the following arguments are required: --sendif, --to" */
static int
check_required(struct parser *p)
{
	char list[PK_ERRMSG_MAX], name[OSTR_MAX * 2 + 2];
	size_t i, used;

	used = 0;
	list[0] = '\0';
	for (i = 0; i < p->spec->nopts; i++) {
		if (!p->spec->opts[i].required || p->seen[i])
			continue;
		optname(p, (int)i, name, sizeof(name));
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
		    used > 0 ? ", " : "", name);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	for (i = p->npos; i < p->spec->npos; i++) {
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
		    used > 0 ? ", " : "", p->spec->pos[i].name);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	if (used > 0)
		return (pk_err_set(p->err, EINVAL,
		    "the following arguments are required: %s", list));
	return (0);
}

void
pk_args_oneline(char *msg)
{
	unsigned char *p;

	for (p = (unsigned char *)msg; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int
pk_args_parse(const struct pk_argspec *spec, int argc, char *const *argv,
    void *ctx, struct pk_err *err)
{
	struct parser p;
	int i, rc;

	memset(&p, 0, sizeof(p));
	p.spec = spec;
	p.ctx = ctx;
	p.err = err;
	rc = -1;
	p.nwords = argc > 1 ? (size_t)argc - 1 : 0;
	p.words = calloc(p.nwords + 1, sizeof(*p.words));
	p.seen = calloc(spec->nopts + 1, 1);
	if (p.words == NULL || p.seen == NULL) {
		pk_err_sys(err, errno, "out of memory");
		goto out;
	}
	for (i = 1; i < argc; i++)
		p.words[i - 1].s = argv[i];
	if (build_ostrs(&p) == -1 || classify_all(&p) == -1)
		goto out;
	if ((rc = consume_all(&p)) != 0)
		goto out;
	rc = -1;
	if (check_required(&p) == -1)
		goto out;
	if (p.extras[0] != '\0') {
		pk_err_set(err, EINVAL, "unrecognized arguments: %s",
		    p.extras);
		goto out;
	}
	rc = PK_ARGS_OK;
out:
	if (rc == -1 && err != NULL)
		pk_args_oneline(err->msg);
	free(p.ostrs);
	free(p.words);
	free(p.seen);
	return (rc);
}

/*
 * Help.
 */

struct hbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

static void
hprintf(struct hbuf *h, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
hprintf(struct hbuf *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(h->len < h->size ? h->buf + h->len : NULL,
	    h->len < h->size ? h->size - h->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		h->len += (size_t)n;
}

/* The value's name: the metavar, else the long name in capitals. */
static void
metavar(const struct pk_argopt *o, char *buf, size_t size)
{
	size_t i;

	if (o->metavar != NULL) {
		snprintf(buf, size, "%s", o->metavar);
		return;
	}
	snprintf(buf, size, "%s", o->lname != NULL ? o->lname : "VALUE");
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = buf[i] == '-' ? '_' :
		    (char)toupper((unsigned char)buf[i]);
}

/* "--recvif RECVIF [RECVIF ...]" */
static void
invocation(const struct pk_argopt *o, int both, char *buf, size_t size)
{
	char mv[OSTR_MAX], name[OSTR_MAX * 2 + 4];

	if (both && o->sname != '\0' && o->lname != NULL)
		snprintf(name, sizeof(name), "-%c, --%s", o->sname, o->lname);
	else if (o->sname != '\0')
		snprintf(name, sizeof(name), "-%c", o->sname);
	else if (o->lname != NULL)
		snprintf(name, sizeof(name), "--%s", o->lname);
	else
		snprintf(name, sizeof(name), "?");
	metavar(o, mv, sizeof(mv));
	switch (o->nargs) {
	case PK_ARG_FLAG:
		snprintf(buf, size, "%s", name);
		break;
	case PK_ARG_ONE:
		snprintf(buf, size, "%s %s", name, mv);
		break;
	case PK_ARG_PLUS:
		snprintf(buf, size, "%s %s [%s ...]", name, mv, mv);
		break;
	}
}

/*
 * An entry: the invocation, then the help from column 24 (on the next
 * line if the invocation is longer), its words wrapped before column 80.
 */
static void
entry(struct hbuf *h, const char *inv, const char *help)
{
	const char *w, *e;
	size_t col, n;

	if (help == NULL)
		help = "";
	if (strlen(inv) <= 20)
		hprintf(h, "  %-22s", inv);
	else
		hprintf(h, "  %s\n%24s", inv, "");
	col = 24;
	for (w = help; *w != '\0'; w = e) {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		for (e = w; *e != '\0' && *e != ' '; e++)
			continue;
		n = (size_t)(e - w);
		if (col > 24 && col + 1 + n > 79) {
			hprintf(h, "\n%24s", "");
			col = 24;
		}
		hprintf(h, "%s%.*s", col > 24 ? " " : "", (int)n, w);
		col += (col > 24 ? 1 : 0) + n;
	}
	hprintf(h, "\n");
}

/* One word of the usage line, which wraps before column 80 as
 * argparse's does, under the first word after the program's name. */
static void
usage_word(struct hbuf *h, const char *w, size_t indent, size_t *col)
{

	if (*col > indent && *col + 1 + strlen(w) > 79) {
		hprintf(h, "\n%*s%s", (int)indent, "", w);
		*col = indent + strlen(w);
		return;
	}
	hprintf(h, " %s", w);
	*col += 1 + strlen(w);
}

size_t
pk_args_help(const struct pk_argspec *spec, char *buf, size_t size)
{
	struct hbuf h = { buf, size, 0 };
	char inv[OSTR_MAX * 8], word[OSTR_MAX * 8 + 2];
	size_t i, indent, col;

	if (size > 0)
		buf[0] = '\0';
	hprintf(&h, "usage: %s", spec->prog);
	/* "usage: prog" and a space */
	indent = strlen(spec->prog) + 8;
	col = indent - 1;
	usage_word(&h, "[-h]", indent, &col);
	for (i = 0; i < spec->nopts; i++) {
		invocation(&spec->opts[i], 0, inv, sizeof(inv));
		snprintf(word, sizeof(word), spec->opts[i].required ? "%s" :
		    "[%s]", inv);
		usage_word(&h, word, indent, &col);
	}
	for (i = 0; i < spec->npos; i++)
		usage_word(&h, spec->pos[i].name, indent, &col);
	hprintf(&h, "\n\n%s\n", spec->descr != NULL ? spec->descr : "");
	if (spec->npos > 0)
		hprintf(&h, "\npositional arguments:\n");
	for (i = 0; i < spec->npos; i++)
		entry(&h, spec->pos[i].name, spec->pos[i].help);
	hprintf(&h, "\noptions:\n");
	entry(&h, "-h, --help", "show this help message and exit");
	for (i = 0; i < spec->nopts; i++) {
		invocation(&spec->opts[i], 1, inv, sizeof(inv));
		entry(&h, inv, spec->opts[i].help);
	}
	return (h.len);
}

/*
 * Numbers.
 */

int
pk_args_int(const char *s, int64_t *v)
{
	uint64_t acc;
	int neg, digits, d, big;

	while (isspace((unsigned char)*s))
		s++;
	neg = 0;
	if (*s == '+' || *s == '-')
		neg = (*s++ == '-');
	acc = 0;
	digits = big = 0;
	for (; *s != '\0'; s++) {
		if (*s == '_') {
			/* Only between two digits. */
			if (digits == 0 || !isdigit((unsigned char)s[1]))
				return (-1);
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		d = *s - '0';
		if (acc > ((uint64_t)INT64_MAX + 1 - (uint64_t)d) / 10)
			big = 1;
		else
			acc = acc * 10 + (uint64_t)d;
		digits++;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (digits == 0 || *s != '\0')
		return (-1);
	if (big || (!neg && acc > (uint64_t)INT64_MAX))
		return (-2);
	*v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return (0);
}

int
pk_args_store_int(const char *val, int64_t *v, char *msg, size_t msgsize)
{
	char rep[PK_ARG_MSG_MAX / 2];
	int rc;

	if ((rc = pk_args_int(val, v)) == 0)
		return (0);
	pk_args_repr(val, rep, sizeof(rep));
	snprintf(msg, msgsize, rc == -2 ? "value out of range: %s" :
	    "invalid int value: %s", rep);
	return (-1);
}
