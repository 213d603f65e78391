/*
 * fuzz_pft_ping_args: pft_ping's command line, from the argparse-style
 * parser through the option checks to the probe built from whatever was
 * accepted, and the sniffer checks run on that probe.
 *
 * The input is the argument words, separated by NUL bytes.  Whatever it
 * holds, parsing must end in a usage error or in options that keep the
 * documented invariants, and an accepted command line must build a
 * probe that its own request sniffer takes (the --expect-* options
 * aside).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/common/pk_argparse.c"
#include "../tools/pft_ping/ping_opts.c"
#include "../tools/pft_ping/ping_probe.c"
#include "../tools/pft_ping/ping_match.c"

#define	MAXWORDS	64

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The probe, checked without the expectations (it need not meet them). */
static void
check_probe(const struct ping_opts *given)
{
	struct ping_opts plain, *o;
	struct ping_env env;
	struct ping_frames f;
	struct pk_reasm_limits lim = { .max_frags = PING_FRAMES_MAX };
	struct pk_reasm *r;
	struct pk_reasm_dgram dg;
	struct pk_dpkt d;
	struct pk_err err;
	size_t i;
	int rc;

	plain = *given;
	plain.expect_flags = -1;
	plain.expect_hlim = plain.expect_mss = plain.expect_seq = 0;
	plain.expect_tc = 0;
	o = &plain;
	memset(&env, 0, sizeof(env));
	if (ping_probe_build(o, &env, 1, &f, &err) == -1)
		return;
	if (f.n == 1) {
		if (pk_dissect(f.buf[0], f.len[0], PK_DLT_EN10MB, &d) != 0 ||
		    !ping_match(o, PING_REQUEST, &d, 0, NULL, 0))
			abort();
	} else if ((r = pk_reasm_new(&lim, &err)) != NULL) {
		rc = PK_REASM_NOTFRAG;
		for (i = 0; i < f.n; i++)
			rc = pk_reasm_add(r, f.buf[i], f.len[i],
			    PK_DLT_EN10MB, &dg);
		if (rc != PK_REASM_DONE ||
		    pk_dissect(dg.buf, dg.len, PK_DLT_RAW, &d) != 0 ||
		    !ping_match(o, PING_REQUEST, &d, 0, NULL, 0))
			abort();
		pk_reasm_free(r);
	}
	ping_frames_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char help[64];
	struct ping_opts o;
	struct pk_err err;
	char *buf, *argv[MAXWORDS + 2];
	size_t i, start;
	int argc, rc;

	if ((buf = malloc(size + 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	buf[size] = '\0';
	argc = 0;
	argv[argc++] = (char *)(uintptr_t)"pft_ping";
	for (i = start = 0; i <= size && argc <= MAXWORDS; i++)
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	rc = ping_opts_parse(&o, argc, argv, &err);
	if (rc == -1 && (err.msg[0] == '\0' || strchr(err.msg, '\n')))
		abort();
	if (rc == 0) {
		if (o.sendif == NULL || o.to == NULL ||
		    o.nrecvif + o.nreplyif < 1 ||
		    o.nrecvif + o.nreplyif > PING_MAX_SNIFFERS ||
		    o.send_length < 1)
			abort();
		check_probe(&o);
	}
	ping_opts_help(help, (size % sizeof(help)) + 1);
	free(buf);
	return (0);
}
