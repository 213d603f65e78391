/*
 * iface.c: epairs and interfaces; addresses, routes and neighbours.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_sandbox_impl.h"
#include "../pk_mac_impl.h"

/*
 * May ifp be used (change: modified)?  The sandbox changes interfaces it
 * did not create only where everything is its own: in its vnets and in a
 * private host, never in a host it shares.
 */
int
pk_sb_if_usable(const struct pk_if *ifp, int change, struct pk_err *err)
{

	if (ifp == NULL)
		return (pk_err_set(err, EINVAL, "no interface given"));
	if (ifp->dead)
		return (pk_err_set(err, ENOENT, "interface %s was destroyed",
		    ifp->name));
	if (pk_sb_live(ifp->v, err) != 0)
		return (pk_err_prefix(err, "interface %s", ifp->name));
	if (change && !ifp->owned && ifp->v->is_host &&
	    !ifp->sb->conf.private_host)
		return (pk_err_set(err, EPERM, "interface %s was not created "
		    "by this sandbox and its host is shared: left alone",
		    ifp->name));
	return (0);
}

static struct pk_if *
if_new(struct pk_sandbox *sb, struct pk_vnet *v, const struct pk_os_link *l,
    int owned)
{
	struct pk_if *ifp;

	if ((ifp = calloc(1, sizeof(*ifp))) == NULL)
		return (NULL);
	ifp->sb = sb;
	ifp->v = v;
	snprintf(ifp->name, sizeof(ifp->name), "%s", l->name);
	ifp->index = l->index;
	ifp->owned = owned;
	memcpy(ifp->mac, l->mac, 6);
	TAILQ_INSERT_TAIL(&sb->ifs, ifp, link);
	return (ifp);
}

static void
random_mac(uint8_t mac[6])
{

	arc4random_buf(mac, 6);
	/* Unicast, locally administered. */
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static int
check_vnet(struct pk_sandbox *sb, struct pk_vnet *v, struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (v->sb != sb)
		return (pk_err_set(err, EINVAL, "vnet %s belongs to another "
		    "sandbox", v->name));
	return (0);
}

int
pk_epair_create(struct pk_sandbox *sb, struct pk_vnet *va, struct pk_vnet *vb,
    struct pk_if **ap, struct pk_if **bp, struct pk_err *err)
{
	char na[PK_OS_IFNAMSIZ], nb[PK_OS_IFNAMSIZ], ma[PK_MAC_STRSIZE],
	    mb[PK_MAC_STRSIZE];
	uint8_t maca[6], macb[6];
	struct pk_os_link la, lb;
	struct pk_if *a, *b;
	struct pk_err e;
	int tries;

	va = va != NULL ? va : sb->host;
	vb = vb != NULL ? vb : sb->host;
	if (check_vnet(sb, va, err) != 0 || check_vnet(sb, vb, err) != 0)
		return (pk_err_prefix(err, "epair"));
	for (tries = 0; tries < 64; tries++) {
		snprintf(na, sizeof(na), "epair%ua", sb->epair_unit);
		if ((size_t)snprintf(nb, sizeof(nb), "epair%ub",
		    sb->epair_unit++) >= sizeof(nb))
			return (pk_err_set(err, ENAMETOOLONG, "epair: out of "
			    "unit numbers"));
		random_mac(maca);
		random_mac(macb);
		(void)pk_mac_format(maca, ma);
		(void)pk_mac_format(macb, mb);
		if (pk_sb_journal(sb, err, "if %s %s %s", va->name, na,
		    ma) != 0 ||
		    pk_sb_journal(sb, err, "if %s %s %s", vb->name, nb,
		    mb) != 0)
			return (pk_err_prefix(err, "epair %s", na));
		if (pk_os_link_pair(va->os, na, maca, vb->os, nb, macb, 1, &la,
		    &lb, &e) == 0)
			break;
		(void)pk_sb_journal(sb, NULL, "done if %s", na);
		(void)pk_sb_journal(sb, NULL, "done if %s", nb);
		/* A name someone else took: skip that unit. */
		if (e.code != EEXIST) {
			if (err != NULL)
				*err = e;
			return (pk_err_prefix(err, "epair %s/%s", na, nb));
		}
	}
	if (tries == 64)
		return (pk_err_set(err, EEXIST, "epair: no free unit number"));
	a = if_new(sb, va, &la, 1);
	b = if_new(sb, vb, &lb, 1);
	if (a == NULL || b == NULL)
		return (pk_err_sys(err, ENOMEM, "epair"));
	a->peer = b;
	b->peer = a;
	if (ap != NULL)
		*ap = a;
	if (bp != NULL)
		*bp = b;
	return (0);
}

static void
if_dead(struct pk_sandbox *sb, struct pk_if *ifp)
{

	if (ifp->dead)
		return;
	ifp->dead = 1;
	if (ifp->owned)
		(void)pk_sb_journal(sb, NULL, "done if %s", ifp->name);
}

int
pk_epair_destroy(struct pk_if *ifp, struct pk_err *err)
{

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (!ifp->owned || ifp->peer == NULL)
		return (pk_err_set(err, EINVAL, "%s is not an end of an epair "
		    "this sandbox made", ifp->name));
	if (pk_os_link_delete(ifp->v->os, ifp->name, ifp->index, err) != 0)
		return (pk_err_prefix(err, "destroy %s", ifp->name));
	if_dead(ifp->sb, ifp);
	if_dead(ifp->sb, ifp->peer);
	return (0);
}

int
pk_if_move(struct pk_if *ifp, struct pk_vnet *to, struct pk_err *err)
{
	struct pk_os_link l;

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (check_vnet(ifp->sb, to, err) != 0)
		return (pk_err_prefix(err, "move %s", ifp->name));
	if (to == ifp->v)
		return (0);
	if (ifp->owned && pk_sb_journal(ifp->sb, err, "move %s %s", ifp->name,
	    to->name) != 0)
		return (-1);
	if (pk_os_link_move(ifp->v->os, ifp->name, ifp->index, to->os, &l,
	    err) != 0) {
		if (ifp->owned)
			(void)pk_sb_journal(ifp->sb, NULL, "move %s %s",
			    ifp->name, ifp->v->name);
		return (pk_err_prefix(err, "move %s to vnet %s", ifp->name,
		    to->name));
	}
	ifp->v = to;
	ifp->index = l.index;
	if (pk_os_link_set(to->os, ifp->name, ifp->index, 1, 0, err) != 0)
		return (pk_err_prefix(err, "%s up in vnet %s", ifp->name,
		    to->name));
	return (0);
}

struct pk_if *
pk_if_lookup(struct pk_vnet *v, const char *name, struct pk_err *err)
{
	struct pk_os_link l;
	struct pk_if *ifp;
	int rc;

	if (pk_sb_live(v, err) != 0)
		return (NULL);
	if (pk_sb_check_name("interface", name, PK_IF_NAME_MAX, err) != 0)
		return (NULL);
	TAILQ_FOREACH(ifp, &v->sb->ifs, link)
		if (!ifp->dead && ifp->v == v && strcmp(ifp->name, name) == 0)
			return (ifp);
	if ((rc = pk_os_link_get(v->os, name, &l, err)) < 0) {
		pk_err_prefix(err, "interface %s in vnet %s", name, v->name);
		return (NULL);
	}
	if (rc == 0) {
		pk_err_set(err, ENOENT, "no interface %s in vnet %s", name,
		    v->name);
		return (NULL);
	}
	if ((ifp = if_new(v->sb, v, &l, 0)) == NULL)
		pk_err_sys(err, ENOMEM, "interface %s", name);
	return (ifp);
}

const char *
pk_if_name(const struct pk_if *ifp)
{

	return (ifp->name);
}

struct pk_vnet *
pk_if_vnet(const struct pk_if *ifp)
{

	return (ifp->v);
}

int
pk_if_index(const struct pk_if *ifp)
{

	return (ifp->index);
}

struct pk_if *
pk_if_peer(const struct pk_if *ifp)
{

	return (ifp->peer);
}

int
pk_if_mac(const struct pk_if *ifp, uint8_t mac[6], struct pk_err *err)
{
	struct pk_os_link l;
	int rc;

	if (pk_sb_if_usable(ifp, 0, err) != 0)
		return (-1);
	if ((rc = pk_os_link_get(ifp->v->os, ifp->name, &l, err)) <= 0) {
		if (rc == 0)
			pk_err_set(err, ENOENT, "interface %s is gone",
			    ifp->name);
		return (-1);
	}
	memcpy(mac, l.mac, 6);
	return (0);
}

int
pk_if_up(struct pk_if *ifp, int up, struct pk_err *err)
{

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (pk_os_link_set(ifp->v->os, ifp->name, ifp->index, up ? 1 : 0, 0,
	    err) != 0)
		return (pk_err_prefix(err, "%s %s", ifp->name, up ? "up" :
		    "down"));
	return (0);
}

int
pk_if_mtu(struct pk_if *ifp, unsigned mtu, struct pk_err *err)
{

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (mtu == 0)
		return (pk_err_set(err, EINVAL, "%s: MTU 0", ifp->name));
	if (pk_os_link_set(ifp->v->os, ifp->name, ifp->index, -1, mtu,
	    err) != 0)
		return (pk_err_prefix(err, "%s: MTU %u", ifp->name, mtu));
	return (0);
}

static int
addr_change(struct pk_if *ifp, const char *cidr, int add, struct pk_err *err)
{
	struct pk_os_inaddr a;

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (pk_sb_parse_addr(cidr, 1, &a, err) != 0)
		return (pk_err_prefix(err, "%s", ifp->name));
	if (pk_os_addr_change(ifp->v->os, ifp->name, ifp->index, add, &a,
	    err) != 0)
		return (pk_err_prefix(err, "%s: %s address %s", ifp->name,
		    add ? "add" : "delete", cidr));
	return (0);
}

int
pk_addr_add(struct pk_if *ifp, const char *cidr, struct pk_err *err)
{

	return (addr_change(ifp, cidr, 1, err));
}

int
pk_addr_del(struct pk_if *ifp, const char *cidr, struct pk_err *err)
{

	return (addr_change(ifp, cidr, 0, err));
}

/*
 * "default", "default6", or a prefix without host bits.
 */
static int
parse_dst(const char *dst, struct pk_os_inaddr *a, struct pk_err *err)
{
	unsigned i, bits;

	memset(a, 0, sizeof(*a));
	if (dst != NULL && strcmp(dst, "default") == 0) {
		a->family = AF_INET;
		return (0);
	}
	if (dst != NULL && strcmp(dst, "default6") == 0) {
		a->family = AF_INET6;
		return (0);
	}
	if (pk_sb_parse_addr(dst, 1, a, err) != 0)
		return (-1);
	bits = a->family == AF_INET ? 32 : 128;
	for (i = a->plen; i < bits; i++)
		if (a->addr[i / 8] & (0x80 >> (i % 8)))
			return (pk_err_set(err, EINVAL, "route %s: address has "
			    "bits set beyond the prefix length", dst));
	return (0);
}

static int
route_change(struct pk_vnet *v, const char *dst, const char *gw,
    struct pk_if *oif, int add, struct pk_err *err)
{
	struct pk_os_inaddr d, g;
	char what[160];

	snprintf(what, sizeof(what), "route %s %s%s%s%s%s", add ? "add" :
	    "delete", dst != NULL ? dst : "(null)", gw != NULL ? " via " : "",
	    gw != NULL ? gw : "", oif != NULL ? " dev " : "",
	    oif != NULL ? oif->name : "");
	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (parse_dst(dst, &d, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	if (gw == NULL && oif == NULL)
		return (pk_err_set(err, EINVAL, "vnet %s: %s: needs a gateway "
		    "or an interface", v->name, what));
	if (gw != NULL) {
		if (pk_sb_parse_addr(gw, 0, &g, err) != 0)
			return (pk_err_prefix(err, "vnet %s: %s: gateway",
			    v->name, what));
		if (g.family != d.family)
			return (pk_err_set(err, EINVAL, "vnet %s: %s: gateway "
			    "and destination are of different families",
			    v->name, what));
	}
	if (oif != NULL) {
		if (pk_sb_if_usable(oif, 0, err) != 0)
			return (pk_err_prefix(err, "vnet %s: %s", v->name,
			    what));
		if (oif->v != v)
			return (pk_err_set(err, EINVAL, "vnet %s: %s: %s is in "
			    "vnet %s", v->name, what, oif->name,
			    oif->v->name));
	}
	if (pk_os_route_change(v->os, add, &d, gw != NULL ? &g : NULL,
	    oif != NULL ? oif->name : NULL, oif != NULL ? oif->index : 0,
	    err) != 0)
		return (pk_err_prefix(err, "vnet %s: %s", v->name, what));
	return (0);
}

int
pk_route_add(struct pk_vnet *v, const char *dst, const char *gw,
    struct pk_if *oif, struct pk_err *err)
{

	return (route_change(v, dst, gw, oif, 1, err));
}

int
pk_route_del(struct pk_vnet *v, const char *dst, const char *gw,
    struct pk_if *oif, struct pk_err *err)
{

	return (route_change(v, dst, gw, oif, 0, err));
}

int
pk_neigh_add(struct pk_if *ifp, const char *ip, const char *mac,
    struct pk_err *err)
{
	struct pk_os_inaddr a;
	uint8_t m[6];

	if (pk_sb_if_usable(ifp, 1, err) != 0)
		return (-1);
	if (pk_sb_parse_addr(ip, 0, &a, err) != 0 ||
	    pk_sb_parse_mac(mac, m, err) != 0)
		return (pk_err_prefix(err, "%s: neighbour", ifp->name));
	if (pk_os_neigh_add(ifp->v->os, ifp->name, ifp->index, &a, m,
	    err) != 0)
		return (pk_err_prefix(err, "%s: neighbour %s at %s", ifp->name,
		    ip, mac));
	return (0);
}

int
pk_neigh_get(struct pk_if *ifp, const char *ip, uint8_t mac[6],
    struct pk_err *err)
{
	struct pk_os_inaddr a;
	int rc;

	if (pk_sb_if_usable(ifp, 0, err) != 0)
		return (-1);
	if (pk_sb_parse_addr(ip, 0, &a, err) != 0)
		return (pk_err_prefix(err, "%s: neighbour", ifp->name));
	rc = pk_os_neigh_get(ifp->v->os, ifp->name, ifp->index, &a, mac, err);
	if (rc < 0)
		return (pk_err_prefix(err, "%s: neighbour %s", ifp->name, ip));
	return (rc);
}

int
pk_vnet_if_list(struct pk_vnet *v, struct pk_ifinfo **listp, size_t *np,
    struct pk_err *err)
{
	struct pk_os_link *l;
	struct pk_ifinfo *out;
	size_t n, i;

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (pk_os_link_list(v->os, &l, &n, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	if ((out = calloc(n + 1, sizeof(*out))) == NULL) {
		free(l);
		return (pk_err_sys(err, ENOMEM, "vnet %s", v->name));
	}
	for (i = 0; i < n; i++) {
		snprintf(out[i].name, sizeof(out[i].name), "%s", l[i].name);
		snprintf(out[i].kind, sizeof(out[i].kind), "%s", l[i].kind);
		out[i].index = l[i].index;
		out[i].up = l[i].up;
	}
	free(l);
	*listp = out;
	*np = n;
	return (0);
}

/*
 * v was dismantled: its interfaces went with it, and so did the other
 * ends of its epairs.  Check that those other ends really are gone from
 * where they were; returns the number that are not.
 */
int
pk_sb_ifs_vnet_gone(struct pk_sandbox *sb, struct pk_vnet *v,
    struct pk_report *rep)
{
	struct pk_os_link l;
	struct pk_if *ifp, *p;
	int leaks;

	leaks = 0;
	TAILQ_FOREACH(ifp, &sb->ifs, link) {
		if (ifp->v != v || ifp->dead)
			continue;
		if_dead(sb, ifp);
		if ((p = ifp->peer) == NULL || p->dead)
			continue;
		if_dead(sb, p);
		if (p->v->state != PK_VNET_LIVE ||
		    pk_os_link_get(p->v->os, p->name, &l, NULL) != 1 ||
		    memcmp(l.mac, p->mac, 6) != 0)
			continue;
		leaks++;
		if (rep != NULL)
			(void)pk_report_add(rep, "leak: interface %s still in "
			    "vnet %s after vnet %s was dismantled", p->name,
			    p->v->name, v->name);
	}
	return (leaks);
}

/*
 * At close, after the vnets: the epairs with both ends in the host are
 * the only ones left; destroy them.
 */
int
pk_sb_ifs_close(struct pk_sandbox *sb, struct pk_report *rep)
{
	struct pk_if *ifp;
	struct pk_err e;
	int leaks;

	leaks = 0;
	TAILQ_FOREACH(ifp, &sb->ifs, link) {
		if (!ifp->owned || ifp->dead || ifp->v != sb->host ||
		    ifp->v->state != PK_VNET_LIVE)
			continue;
		if (ifp->peer != NULL && ifp->peer->v->state == PK_VNET_DYING)
			continue;	/* goes when its vnet finally goes */
		if (pk_epair_destroy(ifp, &e) != 0) {
			leaks++;
			if (rep != NULL)
				(void)pk_report_add(rep, "leak: interface %s: "
				    "%s", ifp->name, e.msg);
		}
	}
	return (leaks);
}

void
pk_sb_ifs_free(struct pk_sandbox *sb)
{
	struct pk_if *ifp;

	while ((ifp = TAILQ_FIRST(&sb->ifs)) != NULL) {
		TAILQ_REMOVE(&sb->ifs, ifp, link);
		free(ifp);
	}
}
