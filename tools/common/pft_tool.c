/*
 * pft_tool.c: the run-time chores every pft tool shares (pft_tool.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_time.h"
#include "pft_tool.h"

int
pft_args(const struct pk_argspec *spec, int argc, char *const *argv,
    void *ctx, int *done)
{
	struct pk_err err;
	char *help;
	size_t n;
	int rc;

	*done = 1;
	rc = pk_args_parse(spec, argc, argv, ctx, &err);
	if (rc == PK_ARGS_HELP) {
		n = pk_args_help(spec, NULL, 0) + 1;
		if ((help = malloc(n)) == NULL) {
			fprintf(stderr, "%s: out of memory\n", spec->prog);
			return (PFT_EXIT_ERROR);
		}
		pk_args_help(spec, help, n);
		fputs(help, stdout);
		free(help);
		return (fflush(stdout) == 0 ? 0 : PFT_EXIT_ERROR);
	}
	if (rc != PK_ARGS_OK)
		return (pft_usage(spec->prog, err.msg));
	*done = 0;
	return (0);
}

int
pft_usage(const char *prog, char *msg)
{

	pk_args_oneline(msg);
	fprintf(stderr, "%s: error: %s\n", prog, msg);
	return (PFT_EXIT_USAGE);
}

int
pft_open(struct pft_tool *t)
{
	struct pk_sandbox_conf conf;

	/* The stack we run in is the host; we create nothing in it. */
	memset(&conf, 0, sizeof(conf));
	if (pk_sandbox_open(&t->sb, &conf, &t->err) == -1)
		return (-1);
	return (pk_wire_open(t->sb, &t->w, &t->err));
}

struct pk_if *
pft_if(struct pft_tool *t, const char *name)
{
	struct pk_if *ifp;

	ifp = pk_if_lookup(pk_sandbox_host(t->sb), name, &t->err);
	if (ifp == NULL)
		pk_err_prefix(&t->err, "interface %s", name);
	return (ifp);
}

unsigned
pft_nominal_left(int64_t end)
{
	double ms;

	ms = (double)pk_ms_left(end) / pk_deadline_scale();
	return (ms < 1 ? 1 : (unsigned)ms);
}

void
pft_vlog(const struct pft_tool *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->verbose)
		return;
	fprintf(stderr, "%s: ", t->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
pft_finish(struct pft_tool *t, int status)
{

	if (status == -1) {
		pk_args_oneline(t->err.msg);
		fprintf(stderr, "%s: %s\n", t->prog, t->err.msg);
		status = PFT_EXIT_ERROR;
	}
	/* Everything is said before the sockets go to the child. */
	if (fflush(stdout) != 0 || fflush(stderr) != 0)
		status = PFT_EXIT_ERROR;
	if (t->w != NULL)
		(void)pk_wire_close_bg(t->w, NULL);
	t->w = NULL;
	if (t->sb != NULL)
		(void)pk_sandbox_close(t->sb, NULL, NULL);
	t->sb = NULL;
	return (status);
}
