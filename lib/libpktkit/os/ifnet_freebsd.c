/*
 * ifnet_freebsd.c: interfaces, through ioctls on a socket made inside
 * the vnet they are in (the kernel runs them in the socket's vnet).
 *
 * An epair(4) is made whole in one vnet (SIOCIFCREATE2 on "epair<n>"
 * gives epair<n>a and epair<n>b) and one end is then moved; checksum
 * offload is turned off on both ends first, as FreeBSD's own tests do,
 * so that captured packets carry real checksums.
 */
#include <sys/param.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sockio.h>

#include <net/if.h>
#include <net/if_dl.h>
#include <net/if_types.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_common.h"
#include "os_freebsd.h"

#define	IFCONF_MAX	(16 * 1024 * 1024)

static void
ifr_name(struct ifreq *ifr, const char *name)
{

	memset(ifr, 0, sizeof(*ifr));
	strlcpy(ifr->ifr_name, name, sizeof(ifr->ifr_name));
}

/*
 * What kind of interface a name and link type say it is: "loopback",
 * "epair" (canaries are epairs too), or the driver's name ("vtnet").
 */
static void
link_kind(struct pk_os_link *l, int type)
{
	size_t n;

	if (type == IFT_LOOP) {
		strlcpy(l->kind, "loopback", sizeof(l->kind));
		return;
	}
	if (strncmp(l->name, "pkc", 3) == 0 ||
	    strncmp(l->name, "pkr", 3) == 0) {
		strlcpy(l->kind, "epair", sizeof(l->kind));
		return;
	}
	for (n = 0; n + 1 < sizeof(l->kind) && isalpha((unsigned char)
	    l->name[n]); n++)
		l->kind[n] = l->name[n];
	l->kind[n] = '\0';
	if (n == 0)
		strlcpy(l->kind, type == IFT_ETHER ? "ether" : "other",
		    sizeof(l->kind));
}

/*
 * The flags and MTU the link-level entry does not carry.  0, or ENXIO
 * if the interface went meanwhile.
 */
static int
link_details(int s, struct pk_os_link *l)
{
	struct ifreq ifr;
	int flags;

	ifr_name(&ifr, l->name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return (errno);
	flags = (ifr.ifr_flags & 0xffff) | (ifr.ifr_flagshigh << 16);
	l->up = (flags & IFF_UP) != 0;
	ifr_name(&ifr, l->name);
	if (ioctl(s, SIOCGIFMTU, &ifr) != 0)
		return (errno);
	l->mtu = (unsigned)ifr.ifr_mtu;
	return (0);
}

/*
 * SIOCGIFCONF into a buffer big enough: a full buffer may have been
 * cut short, so grow it until there is room to spare.
 */
static int
ifconf_read(int s, char **bufp, size_t *lenp, struct pk_err *err)
{
	struct ifconf ifc;
	size_t size;
	char *buf;

	for (size = 8192; size <= IFCONF_MAX; size *= 2) {
		if ((buf = malloc(size)) == NULL)
			return (pk_err_sys(err, ENOMEM, "interface list"));
		memset(&ifc, 0, sizeof(ifc));
		ifc.ifc_len = (int)size;
		ifc.ifc_buf = buf;
		if (ioctl(s, SIOCGIFCONF, &ifc) != 0) {
			free(buf);
			return (pk_err_sys(err, errno, "SIOCGIFCONF"));
		}
		if ((size_t)ifc.ifc_len + 2 * sizeof(struct ifreq) + 256 <
		    size) {
			*bufp = buf;
			*lenp = (size_t)ifc.ifc_len;
			return (0);
		}
		free(buf);
	}
	return (pk_err_set(err, E2BIG, "interface list too long"));
}

static int
links_add(struct pk_os_link **v, size_t *n, size_t *cap,
    const struct sockaddr_dl *sdl, const char *name)
{
	struct pk_os_link *nv, *l;

	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		if ((nv = realloc(*v, *cap * sizeof(*nv))) == NULL)
			return (-1);
		*v = nv;
	}
	l = &(*v)[(*n)++];
	memset(l, 0, sizeof(*l));
	strlcpy(l->name, name, sizeof(l->name));
	l->index = sdl->sdl_index;
	if (sdl->sdl_alen == 6)
		memcpy(l->mac, LLADDR(sdl), 6);
	link_kind(l, sdl->sdl_type);
	return (0);
}

int
pk_fbsd_links(int s, struct pk_os_link **lp, size_t *np, struct pk_err *err)
{
	struct sockaddr_dl sdl;
	struct pk_os_link *v;
	struct ifreq ifr;
	size_t len, off, step, n, cap, i, j;
	char *buf;

	if (ifconf_read(s, &buf, &len, err) != 0)
		return (-1);
	v = NULL;
	n = cap = 0;
	/* Entries are packed: an address longer than a sockaddr spills. */
	for (off = 0; off + sizeof(ifr) <= len; off += step) {
		memcpy(&ifr, buf + off, sizeof(ifr));
		step = ifr.ifr_addr.sa_len <= sizeof(struct sockaddr) ?
		    sizeof(ifr) : IFNAMSIZ + ifr.ifr_addr.sa_len;
		if (ifr.ifr_addr.sa_family != AF_LINK || off + step > len)
			continue;
		memset(&sdl, 0, sizeof(sdl));
		memcpy(&sdl, buf + off + IFNAMSIZ, MIN(ifr.ifr_addr.sa_len,
		    sizeof(sdl)));
		ifr.ifr_name[IFNAMSIZ - 1] = '\0';
		if (links_add(&v, &n, &cap, &sdl, ifr.ifr_name) != 0) {
			free(buf);
			free(v);
			return (pk_err_sys(err, ENOMEM, "interface list"));
		}
	}
	free(buf);
	for (i = j = 0; i < n; i++)
		if (link_details(s, &v[i]) == 0)
			v[j++] = v[i];
	pk_os_links_sort(v, j);
	*lp = v;
	*np = j;
	return (0);
}

/* A socket for interface ioctls in ov, or in our own stack (ov NULL). */
static int
if_sock(struct pk_os_vnet *ov, int *own, struct pk_err *err)
{
	int s;

	*own = -1;
	if (ov != NULL)
		return (pk_fbsd_sock(ov, PK_FBSD_SL, err));
	if ((s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (pk_err_sys(err, errno, "socket"));
	*own = s;
	return (s);
}

int
pk_os_link_list(struct pk_os_vnet *ov, struct pk_os_link **lp, size_t *np,
    struct pk_err *err)
{
	int s, own, rc;

	if ((s = if_sock(ov, &own, err)) < 0)
		return (-1);
	rc = pk_fbsd_links(s, lp, np, err);
	if (own >= 0)
		close(own);
	return (rc);
}

int
pk_os_link_get(struct pk_os_vnet *ov, const char *name, struct pk_os_link *l,
    struct pk_err *err)
{
	struct pk_os_link *v;
	size_t n, i;

	if (pk_os_link_list(ov, &v, &n, err) != 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			break;
	if (i < n)
		*l = v[i];
	free(v);
	return (i < n ? 1 : 0);
}

int
pk_fbsd_if_create(int s, const char *req, char *made, struct pk_err *err)
{
	struct ifreq ifr;

	ifr_name(&ifr, req);
	ifr.ifr_data = NULL;
	if (ioctl(s, SIOCIFCREATE2, &ifr) != 0)
		return (pk_err_sys(err, errno, "create %s", req));
	strlcpy(made, ifr.ifr_name, PK_OS_IFNAMSIZ);
	return (0);
}

int
pk_fbsd_if_destroy(int s, const char *name, struct pk_err *err)
{
	struct ifreq ifr;

	ifr_name(&ifr, name);
	if (ioctl(s, SIOCIFDESTROY, &ifr) != 0)
		return (pk_err_sys(err, errno, "destroy %s", name));
	return (0);
}

int
pk_fbsd_if_rename(int s, const char *from, const char *to,
    struct pk_err *err)
{
	char newname[IFNAMSIZ];
	struct ifreq ifr;

	if (strcmp(from, to) == 0)
		return (0);
	strlcpy(newname, to, sizeof(newname));
	ifr_name(&ifr, from);
	ifr.ifr_data = newname;
	if (ioctl(s, SIOCSIFNAME, &ifr) != 0)
		return (pk_err_sys(err, errno, "rename %s to %s", from, to));
	return (0);
}

static int
if_set_flags(int s, const char *name, int up, struct pk_err *err)
{
	struct ifreq ifr;
	int flags;

	ifr_name(&ifr, name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s flags", name));
	flags = (ifr.ifr_flags & 0xffff) | (ifr.ifr_flagshigh << 16);
	if (up)
		flags |= IFF_UP;
	else
		flags &= ~IFF_UP;
	ifr.ifr_flags = (short)(flags & 0xffff);
	ifr.ifr_flagshigh = (short)(flags >> 16);
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s %s", name, up ? "up" :
		    "down"));
	return (0);
}

/*
 * No transmit checksum offload: a capture on the other end would see
 * packets whose checksums the "hardware" was to fill in.
 */
static int
if_nocsum(int s, const char *name, struct pk_err *err)
{
	struct ifreq ifr;
	int off;

	ifr_name(&ifr, name);
	if (ioctl(s, SIOCGIFCAP, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s capabilities", name));
	off = IFCAP_TXCSUM | IFCAP_TXCSUM_IPV6;
	if ((ifr.ifr_curcap & off) == 0)
		return (0);
	ifr.ifr_reqcap = ifr.ifr_curcap & ~off;
	if (ioctl(s, SIOCSIFCAP, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s -txcsum -txcsum6", name));
	return (0);
}

static int
if_lladdr(int s, const char *name, const uint8_t mac[6], struct pk_err *err)
{
	struct ifreq ifr;

	ifr_name(&ifr, name);
	ifr.ifr_addr.sa_len = 6;
	ifr.ifr_addr.sa_family = AF_LINK;
	memcpy(ifr.ifr_addr.sa_data, mac, 6);
	if (ioctl(s, SIOCSIFLLADDR, &ifr) != 0)
		return (pk_err_sys(err, errno, "%s link address", name));
	return (0);
}

static int
if_exists(int s, const char *name)
{
	struct ifreq ifr;

	ifr_name(&ifr, name);
	return (ioctl(s, SIOCGIFINDEX, &ifr) == 0);
}

int
pk_fbsd_move(struct pk_os_vnet *from, const char *name,
    struct pk_os_vnet *to, struct pk_err *err)
{
	struct ifreq ifr;
	int s, d;

	if (from == to || from->jid == to->jid)
		return (0);
	if ((s = pk_fbsd_sock(from, PK_FBSD_SL, err)) < 0 ||
	    (d = pk_fbsd_sock(to, PK_FBSD_SL, err)) < 0)
		return (-1);
	/* Reclaiming checks no name in the destination: we do. */
	if (if_exists(d, name))
		return (pk_err_set(err, EEXIST, "%s already has an interface "
		    "%s", to->id, name));
	ifr_name(&ifr, name);
	if (pk_fbsd_here(to)) {
		/* Back from a jail below us into our own vnet. */
		ifr.ifr_jid = from->jid;
		if (ioctl(d, SIOCSIFRVNET, &ifr) != 0)
			return (pk_err_sys(err, errno, "move %s from %s",
			    name, from->id));
		return (0);
	}
	/* Found in the socket's vnet; "to" must be a jail below us. */
	ifr.ifr_jid = to->jid;
	if (ioctl(s, SIOCSIFVNET, &ifr) != 0)
		return (pk_err_sys(err, errno, "move %s to %s", name, to->id));
	return (0);
}

/* "epair<n>a" and "epair<n>b": the unit to ask for, else -1. */
static int
epair_unit(const char *na, const char *nb)
{
	size_t len;
	char *end;
	long unit;

	len = strlen(na);
	if (strncmp(na, "epair", 5) != 0 || len < 7 || na[len - 1] != 'a' ||
	    strlen(nb) != len || strncmp(na, nb, len - 1) != 0 ||
	    nb[len - 1] != 'b' || !isdigit((unsigned char)na[5]))
		return (-1);
	unit = strtol(na + 5, &end, 10);
	if (end != na + len - 1 || unit < 0 || unit > 32767 ||
	    (na[5] == '0' && len != 7))
		return (-1);
	return ((int)unit);
}

/*
 * Make the pair in va under the names asked for, without checksum
 * offload and with the MACs asked for.  Leaves nothing on failure.
 */
static int
pair_make(struct pk_os_vnet *va, const char *na, const uint8_t maca[6],
    const char *nb, const uint8_t macb[6], char *made, struct pk_err *err)
{
	char req[PK_OS_IFNAMSIZ], mb[PK_OS_IFNAMSIZ];
	int s, unit;

	if ((s = pk_fbsd_sock(va, PK_FBSD_SL, err)) < 0)
		return (-1);
	if ((unit = epair_unit(na, nb)) >= 0)
		snprintf(req, sizeof(req), "epair%d", unit);
	else
		strlcpy(req, "epair", sizeof(req));
	if (pk_fbsd_if_create(s, req, made, err) != 0)
		return (-1);
	strlcpy(mb, made, sizeof(mb));
	mb[strlen(mb) - 1] = 'b';
	if (pk_fbsd_if_rename(s, mb, nb, err) != 0 ||
	    pk_fbsd_if_rename(s, made, na, err) != 0) {
		/* Whichever end still has its first name takes both. */
		(void)pk_fbsd_if_destroy(s, made, NULL);
		(void)pk_fbsd_if_destroy(s, mb, NULL);
		return (-1);
	}
	strlcpy(made, na, PK_OS_IFNAMSIZ);
	if (if_nocsum(s, na, err) != 0 || if_nocsum(s, nb, err) != 0 ||
	    (maca != NULL && if_lladdr(s, na, maca, err) != 0) ||
	    (macb != NULL && if_lladdr(s, nb, macb, err) != 0)) {
		(void)pk_fbsd_if_destroy(s, na, NULL);
		return (-1);
	}
	return (0);
}

int
pk_os_link_pair(struct pk_os_vnet *va, const char *na, const uint8_t maca[6],
    struct pk_os_vnet *vb, const char *nb, const uint8_t macb[6], int up,
    struct pk_os_link *a, struct pk_os_link *b, struct pk_err *err)
{
	char made[PK_OS_IFNAMSIZ];
	int sa, sb;

	if (pair_make(va, na, maca, nb, macb, made, err) != 0)
		return (-1);
	if ((sa = pk_fbsd_sock(va, PK_FBSD_SL, err)) < 0)
		return (-1);
	if (pk_fbsd_move(va, nb, vb, err) != 0)
		goto fail;
	if ((sb = pk_fbsd_sock(vb, PK_FBSD_SL, err)) < 0)
		goto fail;
	if (up && (if_set_flags(sa, na, 1, err) != 0 ||
	    if_set_flags(sb, nb, 1, err) != 0))
		goto fail;
	if (a != NULL && pk_os_link_get(va, na, a, err) != 1)
		goto gone;
	if (b != NULL && pk_os_link_get(vb, nb, b, err) != 1)
		goto gone;
	return (0);
gone:
	pk_err_set(err, ENODEV, "%s vanished after creation", na);
fail:
	/* The a end stayed in va; destroying it takes the b end along. */
	(void)pk_fbsd_if_destroy(sa, na, NULL);
	return (-1);
}

int
pk_os_link_delete(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_err *err)
{
	int s;

	(void)index;
	if ((s = pk_fbsd_sock(ov, PK_FBSD_SL, err)) < 0)
		return (-1);
	return (pk_fbsd_if_destroy(s, name, err));
}

int
pk_os_link_move(struct pk_os_vnet *ov, const char *name, int index,
    struct pk_os_vnet *to, struct pk_os_link *l, struct pk_err *err)
{

	(void)index;
	if (pk_fbsd_move(ov, name, to, err) != 0)
		return (-1);
	if (pk_os_link_get(to, name, l, err) != 1)
		return (pk_err_set(err, ENODEV, "%s vanished after the move",
		    name));
	return (0);
}

int
pk_os_link_set(struct pk_os_vnet *ov, const char *name, int index, int up,
    unsigned mtu, struct pk_err *err)
{
	struct ifreq ifr;
	int s;

	(void)index;
	if ((s = pk_fbsd_sock(ov, PK_FBSD_SL, err)) < 0)
		return (-1);
	if (mtu != 0) {
		ifr_name(&ifr, name);
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) != 0)
			return (pk_err_sys(err, errno, "%s mtu %u", name, mtu));
	}
	if (up >= 0 && if_set_flags(s, name, up, err) != 0)
		return (-1);
	return (0);
}

/*
 * A socket keeps the vnet it was made in: one opened in the machine's
 * stack lists the machine's interfaces after we moved into a jail.
 */
struct pk_os_stackobs {
	int	s;
};

int
pk_os_stackobs_open(struct pk_os_stackobs **op, struct pk_err *err)
{
	struct pk_os_stackobs *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (pk_err_sys(err, errno, "stack observer"));
	if ((o->s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		free(o);
		return (pk_err_sys(err, errno, "stack observer socket"));
	}
	*op = o;
	return (0);
}

int
pk_os_stackobs_links(struct pk_os_stackobs *o, struct pk_os_link **lp,
    size_t *np, struct pk_err *err)
{

	return (pk_fbsd_links(o->s, lp, np, err));
}

void
pk_os_stackobs_close(struct pk_os_stackobs *o)
{

	if (o == NULL)
		return;
	close(o->s);
	free(o);
}
