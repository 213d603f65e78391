/*
 * parse.c: names, addresses and MAC addresses as tests write them.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_sandbox_impl.h"
#include "../pk_mac_impl.h"

/*
 * Names end up in file names and interface names: letters, digits, '_',
 * '.', '-', starting with a letter or digit, at most max characters.
 */
int
pk_sb_check_name(const char *what, const char *s, size_t max,
    struct pk_err *err)
{
	const char *p;
	size_t len;

	if (s == NULL || *s == '\0')
		return (pk_err_set(err, EINVAL, "%s name is empty", what));
	len = strlen(s);
	if (len > max)
		return (pk_err_set(err, ENAMETOOLONG, "%s name '%.40s%s' is "
		    "longer than %zu characters", what, s,
		    len > 40 ? "..." : "", max));
	if (!isalnum((unsigned char)*s))
		return (pk_err_set(err, EINVAL, "%s name '%s' must start with "
		    "a letter or digit", what, s));
	for (p = s; *p != '\0'; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
		    *p == '-')
			continue;
		if (isprint((unsigned char)*p))
			return (pk_err_set(err, EINVAL, "%s name '%s' has a "
			    "character other than [A-Za-z0-9_.-]: '%c'", what,
			    s, *p));
		return (pk_err_set(err, EINVAL, "%s name has a character "
		    "other than [A-Za-z0-9_.-]: 0x%02x", what,
		    (unsigned char)*p));
	}
	return (0);
}

static int
parse_plen(const char *s, const char *p, unsigned max, unsigned *plen,
    struct pk_err *err)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*p))
		return (pk_err_set(err, EINVAL, "address '%s': prefix length "
		    "is not a number", s));
	errno = 0;
	v = strtoul(p, &end, 10);
	if (*end != '\0' || errno != 0 || v > max)
		return (pk_err_set(err, EINVAL, "address '%s': prefix length "
		    "must be 0 to %u", s, max));
	*plen = (unsigned)v;
	return (0);
}

/*
 * "192.0.2.1/24", "2001:db8::1/64", or without a prefix length (a host:
 * /32 or /128).  plen_ok zero refuses a prefix length (gateways,
 * neighbours).
 */
int
pk_sb_parse_addr(const char *s, int plen_ok, struct pk_os_inaddr *a,
    struct pk_err *err)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t len;

	if (s == NULL || *s == '\0')
		return (pk_err_set(err, EINVAL, "empty address"));
	memset(a, 0, sizeof(*a));
	slash = strchr(s, '/');
	len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (len >= sizeof(buf))
		return (pk_err_set(err, EINVAL, "address '%.60s': not an IPv4 "
		    "or IPv6 address", s));
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, a->addr) == 1) {
		a->family = AF_INET;
		a->plen = 32;
	} else if (inet_pton(AF_INET6, buf, a->addr) == 1) {
		a->family = AF_INET6;
		a->plen = 128;
	} else
		return (pk_err_set(err, EINVAL, "address '%.60s': not an IPv4 "
		    "or IPv6 address", s));
	if (slash == NULL)
		return (0);
	if (!plen_ok)
		return (pk_err_set(err, EINVAL, "address '%s': a prefix length "
		    "is not allowed here", s));
	return (parse_plen(s, slash + 1, a->plen, &a->plen, err));
}

/*
 * Exactly "xx:xx:xx:xx:xx:xx", hex digits in either case.
 */
int
pk_sb_parse_mac(const char *s, uint8_t mac[6], struct pk_err *err)
{

	if (s == NULL || pk_mac_parse(s, 0, mac) != 0)
		return (pk_err_set(err, EINVAL, "MAC address '%.40s': expected "
		    "six hex bytes like 02:00:00:00:00:01", s == NULL ? "" :
		    s));
	return (0);
}

void
pk_sb_format_addr(const struct pk_os_inaddr *a, char *buf, size_t size)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family, a->addr, s, sizeof(s)) == NULL)
		strcpy(s, "?");
	snprintf(buf, size, "%s/%u", s, a->plen);
}
