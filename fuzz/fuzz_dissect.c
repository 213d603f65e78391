/*
 * fuzz_dissect: the dissector, both printers, the reassembler and the
 * fragmenter on arbitrary bytes.
 *
 * The first input byte picks the link type (low 2 bits) and the
 * fragment size (the rest); the rest is the frame.  A
 * reassembler lives across inputs, so that fragments of one input meet
 * those of earlier ones, with small limits so that eviction runs too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "packet/pk_packet.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct pk_reasm *reasm;

static void
check_text(const char *s, size_t n, size_t size)
{

	/* The printers promise a NUL-terminated string of at most size. */
	if (strlen(s) != (n < size ? n : size - 1))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = { PK_DLT_EN10MB, PK_DLT_RAW,
	    PK_DLT_LINUX_SLL, PK_DLT_EN10MB };
	static const struct pk_reasm_limits lim = { 8, 256 * 1024, 16 };
	struct pk_reasm_dgram dg;
	struct pk_dpkt d, d2;
	struct pk_frags fr;
	size_t mtu;
	char line[512], dump[8192];
	size_t n;
	int dlt;

	if (size < 1)
		return (0);
	dlt = dlts[data[0] & 3];
	mtu = 40 + (size_t)(data[0] >> 2) * 24;
	data++, size--;
	if (reasm == NULL && (reasm = pk_reasm_new(&lim, NULL)) == NULL)
		return (0);
	if (pk_dissect(data, size, dlt, &d) != 0)
		__builtin_trap();
	n = pk_dpkt_line(&d, line, sizeof(line));
	check_text(line, n, sizeof(line));
	n = pk_dpkt_dump(&d, dump, sizeof(dump));
	check_text(dump, n, sizeof(dump));
	(void)pk_dpkt_find(&d, PK_PROTO_TCP, 0);
	if (pk_reasm_add(reasm, data, size, dlt, &dg) == PK_REASM_DONE) {
		(void)pk_dissect(dg.buf, dg.len, PK_DLT_RAW, &d2);
		(void)pk_dpkt_line(&d2, line, sizeof(line));
	}
	if (pk_frag(data, size, dlt, mtu, 1, &fr, NULL) == 0)
		pk_frags_free(&fr);
	return (0);
}
