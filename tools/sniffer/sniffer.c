/*
 * sniffer: count the packets an interface sees, for shell tests; the
 * command-line face of FreeBSD's tests/sys/netpfil/common/sniffer.py.
 *
 *	sniffer --recvif if [--filter expr] [--count n] [--timeout s]
 *	    [--defrag] [--dir in|out|both] [--pcap file] [-v] [-- cmd ...]
 *
 * The capture is live before the command after "--" starts, so nothing
 * it makes the interface see is missed; then the packets that match the
 * filter are counted, the way the script's Sniffer counted them: up to
 * the n-th match (by default the first), or, with --defrag, every match
 * within the whole window after reassembly, so that too many show.
 * --count 0 asks that none come within the window.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_err.h"
#include "pk_time.h"
#include "packet/pk_packet.h"
#include "wire/pk_wire.h"
#include "../common/pft_tool.h"

extern char **environ;

struct sniff {
	const char	*recvif;
	const char	*filter;
	int64_t		 count;
	double		 timeout;	/* seconds */
	int		 defrag;
	enum pk_dir	 dir;
	const char	*pcap;
	int		 verbose;
	char		**cmd;		/* after "--", or NULL */
};

enum { O_RECVIF, O_FILTER, O_COUNT, O_TIMEOUT, O_DEFRAG, O_DIR, O_PCAP,
    O_VERBOSE };

/* Python's float() for a positive number of seconds, at most an hour. */
static int
store_timeout(const char *val, double *v, char *msg, size_t size)
{
	char rep[PK_ARG_MSG_MAX / 2];
	char *end;

	errno = 0;
	*v = strtod(val, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == val || *end != '\0' || errno != 0 || *v != *v) {
		pk_args_repr(val, rep, sizeof(rep));
		snprintf(msg, size, "invalid float value: %s", rep);
		return (-1);
	}
	if (*v <= 0 || *v > 3600) {
		snprintf(msg, size, "%s is not a number of seconds from 0 to "
		    "3600", val);
		return (-1);
	}
	return (0);
}

static int
store(void *ctx, const struct pk_argopt *a, char *const *vals, int n,
    char *msg, size_t size)
{
	struct sniff *s = ctx;
	char rep[PK_ARG_MSG_MAX / 2];

	(void)n;
	switch (a->id) {
	case O_RECVIF:
		s->recvif = vals[0];
		break;
	case O_FILTER:
		s->filter = vals[0];
		break;
	case O_COUNT:
		if (pk_args_store_int(vals[0], &s->count, msg, size) == -1)
			return (-1);
		if (s->count < 0) {
			snprintf(msg, size, "a count cannot be negative");
			return (-1);
		}
		break;
	case O_TIMEOUT:
		return (store_timeout(vals[0], &s->timeout, msg, size));
	case O_DEFRAG:
		s->defrag = 1;
		break;
	case O_DIR:
		if (strcmp(vals[0], "in") == 0)
			s->dir = PK_DIR_IN;
		else if (strcmp(vals[0], "out") == 0)
			s->dir = PK_DIR_OUT;
		else if (strcmp(vals[0], "both") == 0)
			s->dir = PK_DIR_BOTH;
		else {
			pk_args_repr(vals[0], rep, sizeof(rep));
			snprintf(msg, size, "invalid choice: %s (choose from "
			    "'in', 'out', 'both')", rep);
			return (-1);
		}
		break;
	case O_PCAP:
		s->pcap = vals[0];
		break;
	case O_VERBOSE:
		s->verbose = 1;
		break;
	}
	return (0);
}

static const struct pk_argopt sniff_opts[] = {
	{ "recvif", 0, PK_ARG_ONE, 1, O_RECVIF, NULL,
	    "The interface to sniff on", store },
	{ "filter", 0, PK_ARG_ONE, 0, O_FILTER, "EXPR",
	    "pcap filter the packets must match (default: all)", store },
	{ "count", 0, PK_ARG_ONE, 0, O_COUNT, "N",
	    "How many matching packets must be seen (default 1)", store },
	{ "timeout", 0, PK_ARG_ONE, 0, O_TIMEOUT, "SECONDS",
	    "How long to wait for them (default 3)", store },
	{ "defrag", 0, PK_ARG_FLAG, 0, O_DEFRAG, NULL,
	    "Reassemble fragments and count over the whole window", store },
	{ "dir", 0, PK_ARG_ONE, 0, O_DIR, "{in,out,both}",
	    "Which direction to sniff (default both)", store },
	{ "pcap", 0, PK_ARG_ONE, 0, O_PCAP, "FILE",
	    "Save everything sniffed to FILE", store },
	{ "verbose", 'v', PK_ARG_FLAG, 0, O_VERBOSE, NULL,
	    "Describe every packet seen on stderr", store },
};

static const struct pk_argspec sniff_spec = {
	.prog = "sniffer",
	.descr = "Count the packets an interface sees while a command runs",
	.opts = sniff_opts,
	.nopts = sizeof(sniff_opts) / sizeof(sniff_opts[0]),
};

/* Run the command with the capture live; its own status is not ours. */
static int
run_cmd(struct pft_tool *t, char **cmd)
{
	pid_t pid;
	int rc, st;

	if ((rc = posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ)) != 0)
		return (pk_err_sys(&t->err, rc, "cannot run %s", cmd[0]));
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return (pk_err_sys(&t->err, errno, "waitpid"));
	pft_vlog(t, "%s exited with status %d", cmd[0],
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return (0);
}

/* Describe everything s logged, with -v. */
static void
describe(struct pft_tool *t, struct pk_sniffer *s)
{
	const struct pk_seen *seen;
	char line[256];
	size_t i;

	if (!t->verbose || pk_sniff_poll(s, &t->err) == -1)
		return;
	for (i = 0; i < pk_sniff_count(s); i++) {
		if ((seen = pk_sniff_get(s, i)) == NULL)
			break;
		pk_dpkt_line(&seen->d, line, sizeof(line));
		pft_vlog(t, "%s %s", seen->dir == PK_DIR_OUT ? "out" : "in",
		    line);
	}
}

/*
 * Count the matches: up to the n-th, or with --defrag all of the
 * window.  Returns 0 if there were n, 1 if not, -1 on error.
 */
static int
count(struct pft_tool *t, const struct sniff *o, struct pk_sniffer *s)
{
	const struct pk_seen *seen;
	unsigned got, ms;
	int64_t end, i;
	int rc;

	ms = (unsigned)(o->timeout * 1000 + 0.999);
	if (o->count == 0) {
		rc = pk_sniff_expect_none(s, NULL, NULL, NULL, NULL, ms, NULL,
		    &t->err);
		return (rc == -1 ? -1 : rc == 1 ? 0 : 1);
	}
	if (o->defrag) {
		rc = pk_sniff_expect_n(s, NULL, NULL, NULL,
		    (unsigned)o->count, NULL, ms, &got, &t->err);
		pft_vlog(t, "%u matching packets, %lld wanted", got,
		    (long long)o->count);
		return (rc == -1 ? -1 : rc == 1 ? 0 : 1);
	}
	end = pk_now_ms() + pk_deadline_ms(ms);
	for (i = 0; i < o->count; i++) {
		rc = pk_sniff_expect(s, NULL, NULL, NULL,
		    pft_nominal_left(end), &seen, &t->err);
		if (rc != 1) {
			pft_vlog(t, "%lld matching packets, %lld wanted",
			    (long long)i, (long long)o->count);
			return (rc == -1 ? -1 : 1);
		}
	}
	return (0);
}

static int
sniff(struct pft_tool *t, const struct sniff *o)
{
	struct pk_sniff_conf conf;
	struct pk_sniffer *s;
	struct pk_if *ifp;
	int rc;

	memset(&conf, 0, sizeof(conf));
	conf.dir = o->dir;
	conf.reassemble = o->defrag;
	if (pft_open(t) == -1 || (ifp = pft_if(t, o->recvif)) == NULL ||
	    pk_sniff_open(t->w, ifp, o->filter, &conf, &s, &t->err) == -1)
		return (-1);
	if (o->cmd != NULL && run_cmd(t, o->cmd) == -1)
		return (-1);
	rc = count(t, o, s);
	describe(t, s);
	if (rc != -1 && o->pcap != NULL &&
	    pk_sniff_save(s, o->pcap, &t->err) == -1)
		return (-1);
	return (rc);
}

int
main(int argc, char **argv)
{
	static struct pft_tool t;
	struct sniff o;
	int done, i, rc;

	memset(&o, 0, sizeof(o));
	o.count = 1;
	o.timeout = PFT_WINDOW_MS / 1000.0;
	/* The command is everything after the first "--". */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 < argc)
				o.cmd = argv + i + 1;
			argv[i] = NULL;
			argc = i;
			break;
		}
	rc = pft_args(&sniff_spec, argc, argv, &o, &done);
	if (done)
		return (rc);
	t.prog = sniff_spec.prog;
	t.verbose = o.verbose;
	return (pft_finish(&t, sniff(&t, &o)));
}
