/*
 * pk_mac.c: MAC addresses as text (see pk_mac_impl.h).
 */
#include <stdint.h>

#include "pk_mac_impl.h"

static int
hexval(char c)
{

	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* By hand: sscanf cost more than the rest of a packet build. */
int
pk_mac_parse(const char *s, int loose, uint8_t mac[6])
{
	const char *p;
	int k, h, v;

	p = s;
	for (k = 0; k < 6; k++) {
		if ((v = hexval(*p++)) < 0)
			return (-1);
		if ((h = hexval(*p)) >= 0) {
			v = v << 4 | h;
			p++;
		} else if (!loose)
			return (-1);
		mac[k] = (uint8_t)v;
		if (*p != (k < 5 ? ':' : '\0'))
			return (-1);
		p++;
	}
	return (0);
}
