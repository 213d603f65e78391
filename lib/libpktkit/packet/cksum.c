/*
 * cksum.c: the Internet checksum (RFC 1071) and CRC32c (RFC 3720).
 */
#include <sys/socket.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "pk_packet_impl.h"

/*
 * Sum 16-bit big-endian words into a 32-bit accumulator.  Folding every
 * 64 KB keeps the accumulator from overflowing on any buffer size.
 */
uint32_t
pk__sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	while (len >= 8) {
		acc += (uint32_t)(p[0] << 8 | p[1]) +
		    (uint32_t)(p[2] << 8 | p[3]) +
		    (uint32_t)(p[4] << 8 | p[5]) +
		    (uint32_t)(p[6] << 8 | p[7]);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		acc += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		acc += (uint32_t)p[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	return ((uint32_t)acc);
}

uint16_t
pk__fold(uint32_t sum)
{

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

uint32_t
pk__pseudo(int af, const void *src, const void *dst, int proto, uint32_t len)
{
	uint32_t sum;

	if (af == AF_INET) {
		sum = pk__sum(src, 4, 0);
		sum = pk__sum(dst, 4, sum);
	} else {
		sum = pk__sum(src, 16, 0);
		sum = pk__sum(dst, 16, sum);
		sum += len >> 16;
	}
	return (sum + (len & 0xffff) + (uint32_t)proto);
}

uint16_t
pk_in_cksum(const void *buf, size_t len)
{

	return (pk__fold(pk__sum(buf, len, 0)));
}

/*
 * CRC32c, reflected polynomial 0x82f63b78, table-driven; the table is
 * computed once, at first use.
 */
static uint32_t crc32c_tab[256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void
crc32c_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78U : c >> 1;
		crc32c_tab[i] = c;
	}
}

static uint32_t
crc32c_update(uint32_t crc, const uint8_t *p, size_t len)
{

	while (len-- > 0)
		crc = crc32c_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return (crc);
}

uint32_t
pk_crc32c(const void *buf, size_t len)
{

	(void)pthread_once(&crc32c_once, crc32c_init);
	return (~crc32c_update(0xffffffffU, buf, len));
}

uint32_t
pk__crc32c_2(const void *a, size_t alen, const void *b, size_t blen)
{

	(void)pthread_once(&crc32c_once, crc32c_init);
	return (~crc32c_update(crc32c_update(0xffffffffU, a, alen), b, blen));
}
