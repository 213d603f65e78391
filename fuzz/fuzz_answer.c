/*
 * fuzz_answer: pk_answer_of() on two arbitrary dissected packets, a probe
 * and a candidate answer, as a sniffer meets them on the wire.
 *
 * The first input byte picks the link type of each (bits 0 and 1) and
 * where the probe ends (the rest, in units of 2 bytes); the probe and
 * the candidate follow.
 */
#include <stddef.h>
#include <stdint.h>

#include "packet/pk_packet.h"
#include "wire/pk_wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pk_dpkt p, c;
	enum pk_answer a;
	size_t split;
	int dp, dc;

	if (size < 1)
		return (0);
	dp = (data[0] & 1) ? PK_DLT_EN10MB : PK_DLT_RAW;
	dc = (data[0] & 2) ? PK_DLT_EN10MB : PK_DLT_RAW;
	split = (size_t)(data[0] >> 2) * 2;
	data++, size--;
	if (split > size)
		split = size;
	if (pk_dissect(data, split, dp, &p) != 0 ||
	    pk_dissect(data + split, size - split, dc, &c) != 0)
		__builtin_trap();
	a = pk_answer_of(&p, &c);
	if (a < PK_ANSWER_NONE || a > PK_ANSWER_UDP)
		__builtin_trap();
	a = pk_answer_of(&c, &p);
	if (a < PK_ANSWER_NONE || a > PK_ANSWER_UDP)
		__builtin_trap();
	return (0);
}
