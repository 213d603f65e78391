/*
 * addr_freebsd.c: IPv4 and IPv6 addresses (SIOCAIFADDR and
 * SIOCAIFADDR_IN6 on an inet or inet6 socket made inside the vnet).
 */
#include <sys/param.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet6/in6_var.h>
#include <netinet6/nd6.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "os_freebsd.h"

static void
mask4(unsigned plen, struct sockaddr_in *sin)
{

	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = plen == 0 ? 0 :
	    htonl(0xffffffffU << (32 - plen));
}

static void
mask6(unsigned plen, struct sockaddr_in6 *sin6)
{
	unsigned i;

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_len = sizeof(*sin6);
	sin6->sin6_family = AF_INET6;
	for (i = 0; i < plen && i < 128; i++)
		sin6->sin6_addr.s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

static void
sin4(const struct pk_os_inaddr *a, struct sockaddr_in *sin)
{

	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->addr, 4);
}

/* A link-local address needs its interface as scope. */
static void
sin6(const struct pk_os_inaddr *a, int index, struct sockaddr_in6 *s)
{

	memset(s, 0, sizeof(*s));
	s->sin6_len = sizeof(*s);
	s->sin6_family = AF_INET6;
	memcpy(&s->sin6_addr, a->addr, 16);
	if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr))
		s->sin6_scope_id = (uint32_t)index;
}

static int
addr4(struct pk_os_vnet *ov, const char *name, int add,
    const struct pk_os_inaddr *a, struct pk_err *err)
{
	struct in_aliasreq ifra;
	struct ifreq ifr;
	int s;

	if ((s = pk_fbsd_sock(ov, PK_FBSD_S4, err)) < 0)
		return (-1);
	if (!add) {
		memset(&ifr, 0, sizeof(ifr));
		strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
		sin4(a, (struct sockaddr_in *)&ifr.ifr_addr);
		if (ioctl(s, SIOCDIFADDR, &ifr) != 0)
			return (pk_err_sys(err, errno, "SIOCDIFADDR"));
		return (0);
	}
	/* No broadcast given: the kernel derives it from the mask. */
	memset(&ifra, 0, sizeof(ifra));
	strlcpy(ifra.ifra_name, name, sizeof(ifra.ifra_name));
	sin4(a, &ifra.ifra_addr);
	mask4(a->plen, &ifra.ifra_mask);
	if (ioctl(s, SIOCAIFADDR, &ifra) != 0)
		return (pk_err_sys(err, errno, "SIOCAIFADDR"));
	return (0);
}

/*
 * An interface that joined the vnet with IPv6 disabled (the kernel does
 * that when automatic link-local addresses are off) would take the
 * address and never use it.
 */
static int
ip6_enable(int s, const char *name, struct pk_err *err)
{
	struct in6_ndireq nd;

	memset(&nd, 0, sizeof(nd));
	strlcpy(nd.ifname, name, sizeof(nd.ifname));
	if (ioctl(s, SIOCGIFINFO_IN6, &nd) != 0)
		return (pk_err_sys(err, errno, "SIOCGIFINFO_IN6"));
	if ((nd.ndi.flags & ND6_IFF_IFDISABLED) == 0)
		return (0);
	nd.ndi.flags &= ~ND6_IFF_IFDISABLED;
	if (ioctl(s, SIOCSIFINFO_IN6, &nd) != 0)
		return (pk_err_sys(err, errno, "SIOCSIFINFO_IN6"));
	return (0);
}

static int
addr6(struct pk_os_vnet *ov, const char *name, int index, int add,
    const struct pk_os_inaddr *a, struct pk_err *err)
{
	struct in6_aliasreq ifra;
	struct in6_ifreq ifr;
	int s;

	if ((s = pk_fbsd_sock(ov, PK_FBSD_S6, err)) < 0)
		return (-1);
	if (!add) {
		memset(&ifr, 0, sizeof(ifr));
		strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
		sin6(a, index, &ifr.ifr_addr);
		if (ioctl(s, SIOCDIFADDR_IN6, &ifr) != 0)
			return (pk_err_sys(err, errno, "SIOCDIFADDR_IN6"));
		return (0);
	}
	if (ip6_enable(s, name, err) != 0)
		return (-1);
	memset(&ifra, 0, sizeof(ifra));
	strlcpy(ifra.ifra_name, name, sizeof(ifra.ifra_name));
	sin6(a, index, &ifra.ifra_addr);
	mask6(a->plen, &ifra.ifra_prefixmask);
	/* Never tentative: tests use the address at once. */
	ifra.ifra_flags = IN6_IFF_NODAD;
	ifra.ifra_lifetime.ia6t_vltime = ND6_INFINITE_LIFETIME;
	ifra.ifra_lifetime.ia6t_pltime = ND6_INFINITE_LIFETIME;
	if (ioctl(s, SIOCAIFADDR_IN6, &ifra) != 0)
		return (pk_err_sys(err, errno, "SIOCAIFADDR_IN6"));
	return (0);
}

int
pk_os_addr_change(struct pk_os_vnet *ov, const char *name, int index,
    int add, const struct pk_os_inaddr *a, struct pk_err *err)
{

	if (a->family == AF_INET)
		return (addr4(ov, name, add, a, err));
	if (a->family == AF_INET6)
		return (addr6(ov, name, index, add, a, err));
	return (pk_err_set(err, EAFNOSUPPORT, "address family %d",
	    a->family));
}
