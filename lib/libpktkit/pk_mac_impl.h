/*
 * pk_mac_impl.h: MAC addresses as text, for every module of the library
 * that reads or writes them (not installed).
 */
#ifndef PK_MAC_IMPL_H
#define PK_MAC_IMPL_H

#include <stdint.h>

/*
 * Read a MAC address: six bytes in hex digits of either case, separated
 * by colons, and nothing after.  Each byte is exactly two digits
 * ("02:00:00:00:00:01"), or one or two if loose is non-zero
 * ("2:0:0:0:0:1").  Returns 0 with mac filled, or -1 if s is no such
 * address (mac may then be partly written).
 */
int	pk_mac_parse(const char *s, int loose, uint8_t mac[6]);

#define	PK_MAC_STRSIZE	18	/* "02:00:00:00:00:01" and its NUL */

/*
 * Write mac as "02:00:00:00:00:01" (lower case, two digits a byte) to
 * buf, PK_MAC_STRSIZE bytes.  Returns buf.
 */
char	*pk_mac_format(const uint8_t mac[6], char buf[PK_MAC_STRSIZE]);

#endif /* !PK_MAC_IMPL_H */
