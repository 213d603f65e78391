/*
 * pft_tool.h: what the pft tools share at run time.
 *
 * Each tool works on interfaces of the network stack it runs in (a shell
 * test reaches a jail's or a namespace's stack through jexec or "ip
 * netns exec"): it opens a sandbox whose host is that stack, creating
 * nothing in it, and a wire context on it.  The conventions:
 *
 *	- nothing on stdout or stderr unless asked (-v) or on an error;
 *	- a usage error: "<prog>: error: <message>" and exit 2, as
 *	  Python's argparse did for the scripts;
 *	- any other error: "<prog>: <message>" and exit PFT_EXIT_ERROR;
 *	- the answer is given, then the packet sockets are handed to a
 *	  detached child to close, so that the caller does not wait for
 *	  the kernel's grace periods (pk_wire_close_bg()).
 */
#ifndef PFT_TOOL_H
#define PFT_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "pk_err.h"
#include "sandbox/pk_sandbox.h"
#include "wire/pk_wire.h"
#include "pk_argparse.h"

#define	PFT_EXIT_USAGE	2
#define	PFT_EXIT_ERROR	255

/* The sniffers' window in the scripts (nominal ms). */
#define	PFT_WINDOW_MS	3000

struct pft_tool {
	const char		*prog;
	int			 verbose;
	struct pk_sandbox	*sb;
	struct pk_wire		*w;
	struct pk_err		 err;
};

/*
 * Parse the command line against spec; on -h print the help and return
 * 0 with *done set, on a usage error print it and return PFT_EXIT_USAGE
 * with *done set.  Otherwise *done is 0 and the return 0.
 */
int	pft_args(const struct pk_argspec *spec, int argc, char *const *argv,
	    void *ctx, int *done);

/*
 * Report a usage error found after parsing: "<prog>: error: <msg>" on
 * one line.  Returns PFT_EXIT_USAGE.
 */
int	pft_usage(const char *prog, char *msg);

/* Open the sandbox on the current stack and a wire context on it. */
int	pft_open(struct pft_tool *t);

/* An interface of the current stack, by name (NULL with t->err set). */
struct pk_if *pft_if(struct pft_tool *t, const char *name);

/*
 * Nominal milliseconds left until end (a pk_now_ms() time), at least 1:
 * what a pk_wire wait, which scales its argument, needs to end at end.
 */
unsigned pft_nominal_left(int64_t end);

/* A line on stderr with -v only. */
void	pft_vlog(const struct pft_tool *t, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

/*
 * End the run: report t->err if status is -1 (which becomes
 * PFT_EXIT_ERROR), flush the standard streams, hand the sockets to the
 * closing child and free everything.  Returns the exit status.
 */
int	pft_finish(struct pft_tool *t, int status);

/* The scripts' payload: 42 c0 ff ee repeated, cut to len bytes. */
static inline void
pft_payload(uint8_t *buf, size_t len)
{
	static const uint8_t magic[4] = { 0x42, 0xc0, 0xff, 0xee };
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = magic[i % sizeof(magic)];
}

#endif /* !PFT_TOOL_H */
