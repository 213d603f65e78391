/*
 * pk_mac.c: MAC addresses as text (see pk_mac_impl.h).
 */
#include <stdint.h>
#include <stdio.h>

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

char *
pk_mac_format(const uint8_t mac[6], char buf[PK_MAC_STRSIZE])
{

	snprintf(buf, PK_MAC_STRSIZE, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
	return (buf);
}
