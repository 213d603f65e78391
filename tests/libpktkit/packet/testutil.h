/*
 * testutil.h: helpers shared by the packet model's tests.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "packet/pk_packet.h"

#define	MAC1	"02:00:00:00:00:01"
#define	MAC2	"02:00:00:00:00:02"

/* Build pkt or fail the test case with the library's message. */
#define	BUILD(pkt, buf, lenp)	build_ok((pkt), NULL, (buf), sizeof(buf), \
	    (lenp), __FILE__, __LINE__)

static inline void
build_ok(pk_pkt_t pkt, const struct pk_build_env *env, uint8_t *buf,
    size_t size, size_t *lenp, const char *file, int line)
{
	struct pk_err err;

	if (pk_pkt_build(pkt, env, buf, size, lenp, &err) != 0)
		atf_tc_fail_requirement(file, line, "pk_pkt_build: %s",
		    err.msg);
}

/*
 * Compare built bytes with the expected ones; on a difference, show
 * where and both packets dissected, which is what the printers are for.
 */
#define	CHECK_BYTES(got, glen, want, wlen, dlt)				\
	check_bytes((got), (glen), (want), (wlen), (dlt), __FILE__, __LINE__)

static inline void
check_bytes(const uint8_t *got, size_t glen, const uint8_t *want,
    size_t wlen, int dlt, const char *file, int line)
{
	static char a[8192], b[8192];
	struct pk_dpkt dg, dw;
	size_t k;

	if (glen == wlen && memcmp(got, want, glen) == 0)
		return;
	for (k = 0; k < glen && k < wlen && got[k] == want[k]; k++)
		;
	pk_dissect(got, glen, dlt, &dg);
	pk_dissect(want, wlen, dlt, &dw);
	pk_dpkt_dump(&dg, a, sizeof(a));
	pk_dpkt_dump(&dw, b, sizeof(b));
	fprintf(stderr, "built:\n%s\nexpected:\n%s\n", a, b);
	atf_tc_fail_check(file, line, "%zu bytes built, %zu expected, "
	    "first difference at offset %zu", glen, wlen, k);
}

/* Dissect and require exactly the given layer protocols. */
static inline void
dissect_layers(const uint8_t *buf, size_t len, int dlt, struct pk_dpkt *d,
    const enum pk_proto *want, int n, const char *file, int line)
{
	char s[1024];
	int i;

	if (pk_dissect(buf, len, dlt, d) != 0)
		atf_tc_fail_requirement(file, line, "pk_dissect failed");
	pk_dpkt_line(d, s, sizeof(s));
	for (i = 0; i < n && i < d->nlayers; i++)
		if (d->l[i].proto != want[i])
			break;
	if (i != n || d->nlayers != n)
		atf_tc_fail_requirement(file, line, "layer %d is %s, not %s: "
		    "%s", i, i < d->nlayers ? pk_proto_name(d->l[i].proto) :
		    "missing", i < n ? pk_proto_name(want[i]) : "none", s);
}
#define	DISSECT(buf, len, dlt, d, ...)					\
	dissect_layers((buf), (len), (dlt), (d),			\
	    (const enum pk_proto[]){ __VA_ARGS__ },			\
	    (int)PK_NELEM(enum pk_proto, __VA_ARGS__), __FILE__, __LINE__)

#endif /* !TESTUTIL_H */
