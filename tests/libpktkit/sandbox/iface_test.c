/*
 * iface_test: epairs, interfaces, addresses, routes and neighbours.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <ifaddrs.h>
#include <poll.h>

#include "sbtest.h"

/*
 * Sockets made inside vnets with enter_do: the socket stays in the vnet
 * it was made in, so the test can use it from anywhere.
 */
struct sock_req {
	int		 family;
	const char	*addr;		/* bind here (NULL: anywhere) */
	int		 port;
	int		 fd;
	int		 err;		/* errno of bind() */
};

static int
make_sock(void *arg)
{
	struct sock_req *r = arg;
	struct sockaddr_storage ss;
	socklen_t len;

	r->err = 0;
	if ((r->fd = socket(r->family, SOCK_DGRAM, 0)) < 0)
		return (-1);
	memset(&ss, 0, sizeof(ss));
	if (r->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(r->port);
		if (r->addr != NULL)
			inet_pton(AF_INET, r->addr, &s4->sin_addr);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(r->port);
		if (r->addr != NULL)
			inet_pton(AF_INET6, r->addr, &s6->sin6_addr);
		len = sizeof(*s6);
	}
	if (bind(r->fd, (struct sockaddr *)&ss, len) != 0)
		r->err = errno;
	return (0);
}

static int
sock_in(struct pk_vnet *v, int family, const char *addr, int port)
{
	struct sock_req r;

	r.family = family;
	r.addr = addr;
	r.port = port;
	ATF_REQUIRE_EQ(pk_vnet_enter_do(v, make_sock, &r, &err), 0);
	ATF_REQUIRE_MSG(r.err == 0, "bind %s in %s: %s", addr ? addr : "*",
	    pk_vnet_name(v), strerror(r.err));
	return (r.fd);
}

/*
 * Send one datagram from vnet from to dst:port, where a socket of vnet
 * to listens; does it arrive within two seconds?
 */
static int
udp_reaches(struct pk_vnet *from, struct pk_vnet *to, int family,
    const char *dst, int port)
{
	struct sockaddr_storage ss;
	struct pollfd pfd;
	char buf[16];
	socklen_t len;
	int s, r, ok;

	r = sock_in(to, family, NULL, port);
	s = sock_in(from, family, NULL, 0);
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ATF_REQUIRE(inet_pton(AF_INET, dst, &s4->sin_addr) == 1);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ATF_REQUIRE(inet_pton(AF_INET6, dst, &s6->sin6_addr) == 1);
		len = sizeof(*s6);
	}
	ok = 0;
	if (sendto(s, "pktkit", 6, 0, (struct sockaddr *)&ss, len) == 6) {
		pfd.fd = r;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 2000) == 1 && recv(r, buf, sizeof(buf),
		    0) == 6 && memcmp(buf, "pktkit", 6) == 0)
			ok = 1;
	}
	close(s);
	close(r);
	return (ok);
}

struct addr_count {
	const char	*ifname;
	int		 family;
	int		 n;
};

static int
count_addrs(void *arg)
{
	struct addr_count *c = arg;
	struct ifaddrs *ifa, *i;

	c->n = 0;
	if (getifaddrs(&ifa) != 0)
		return (-1);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL ||
		    strcmp(i->ifa_name, c->ifname) != 0 ||
		    i->ifa_addr->sa_family != c->family)
			continue;
		if (c->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			continue;
		c->n++;
	}
	freeifaddrs(ifa);
	return (0);
}

static int
addrs_on(struct pk_if *ifp, int family)
{
	struct addr_count c;

	c.ifname = pk_if_name(ifp);
	c.family = family;
	ATF_REQUIRE_EQ(pk_vnet_enter_do(pk_if_vnet(ifp), count_addrs, &c,
	    &err), 0);
	return (c.n);
}

/* Two vnets joined by an epair, addressed in both families. */
static void
two_vnets(struct pk_sandbox *sb, struct pk_vnet **a, struct pk_vnet **b,
    struct pk_if **ea, struct pk_if **eb)
{

	OK(pk_vnet_create(sb, "alcatraz", a, &err));
	OK(pk_vnet_create(sb, "router", b, &err));
	OK(pk_epair_create(sb, *a, *b, ea, eb, &err));
	OK(pk_addr_add(*ea, "192.0.2.1/24", &err));
	OK(pk_addr_add(*eb, "192.0.2.2/24", &err));
	OK(pk_addr_add(*ea, "2001:db8::1/64", &err));
	OK(pk_addr_add(*eb, "2001:db8::2/64", &err));
}

SBT_TC(epair_ends_are_created_where_asked,
    "epair ends are made directly in the host or a vnet, up, named like "
    "FreeBSD's, each the other's peer", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *h, *a, *b;
	struct pk_if *x, *y;
	int up;

	sb = sbt_open();
	h = pk_sandbox_host(sb);
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_vnet_create(sb, "router", &b, &err));
	OK(pk_epair_create(sb, NULL, NULL, &x, &y, &err));
	ATF_CHECK_STREQ(pk_if_name(x), "epair0a");
	ATF_CHECK_STREQ(pk_if_name(y), "epair0b");
	ATF_CHECK(pk_if_vnet(x) == h && pk_if_vnet(y) == h);
	ATF_CHECK(pk_if_peer(x) == y && pk_if_peer(y) == x);
	up = 0;
	ATF_CHECK(sbt_has_if(h, "epair0a", &up) && up);
	ATF_CHECK(sbt_has_if(h, "epair0b", &up) && up);
	OK(pk_epair_create(sb, a, NULL, &x, &y, &err));
	ATF_CHECK_STREQ(pk_if_name(x), "epair1a");
	ATF_CHECK(sbt_has_if(a, "epair1a", &up) && up);
	ATF_CHECK(sbt_has_if(h, "epair1b", &up) && up);
	ATF_CHECK(!sbt_has_if(h, "epair1a", NULL));
	OK(pk_epair_create(sb, a, b, &x, &y, &err));
	ATF_CHECK(sbt_has_if(a, "epair2a", &up) && up);
	ATF_CHECK(sbt_has_if(b, "epair2b", &up) && up);
	ATF_CHECK(pk_if_index(x) > 0 && pk_if_index(y) > 0);
	sbt_close(sb);
	/* The host's own epair went at close too. */
}

SBT_TC(epair_skips_names_taken_by_others,
    "an interface the sandbox did not make, named like its own, is "
    "skipped and never touched", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *h;
	struct pk_if *x, *y, *f;

	sb = sbt_open();
	h = pk_sandbox_host(sb);
	ATF_REQUIRE_EQ(sbt_sh("ip link add epair0a address 02:00:00:00:0a:0a "
	    "type veth peer name foreign0"), 0);
	OK(pk_epair_create(sb, NULL, NULL, &x, &y, &err));
	ATF_CHECK_STREQ(pk_if_name(x), "epair1a");
	/* The host is private, so the sandbox may look at it. */
	ATF_REQUIRE((f = pk_if_lookup(h, "epair0a", &err)) != NULL);
	FAILS(pk_epair_destroy(f, &err), EINVAL);
	sbt_close(sb);
	/* Still there, still the same. */
	ATF_CHECK_EQ(sbt_sh("ip link show epair0a | grep -q 02:00:00:00:0a:0a"),
	    0);
	ATF_CHECK_EQ(sbt_sh("ip link show epair1a >/dev/null 2>&1"), 1);
}

SBT_TC(epair_destroy_removes_both_ends,
    "destroying an epair removes both ends, wherever they are", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a;
	struct pk_if *x, *y;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_epair_create(sb, a, NULL, &x, &y, &err));
	OK(pk_epair_destroy(y, &err));
	ATF_CHECK(!sbt_has_if(a, "epair0a", NULL));
	ATF_CHECK(!sbt_has_if(pk_sandbox_host(sb), "epair0b", NULL));
	FAILS(pk_epair_destroy(x, &err), ENOENT);
	FAILS(pk_if_up(x, 1, &err), ENOENT);
	sbt_close(sb);
}

SBT_TC(if_move_takes_an_interface_into_a_vnet,
    "a moved interface is up in its new vnet and can be addressed "
    "there", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a;
	struct pk_if *x, *y;
	int up;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_epair_create(sb, NULL, NULL, &x, &y, &err));
	OK(pk_if_move(x, a, &err));
	ATF_CHECK(pk_if_vnet(x) == a);
	ATF_CHECK(!sbt_has_if(pk_sandbox_host(sb), "epair0a", NULL));
	up = 0;
	ATF_CHECK(sbt_has_if(a, "epair0a", &up) && up);
	OK(pk_addr_add(x, "192.0.2.1/24", &err));
	OK(pk_addr_add(y, "192.0.2.2/24", &err));
	ATF_CHECK(udp_reaches(pk_sandbox_host(sb), a, AF_INET, "192.0.2.1",
	    5001));
	FAILS(pk_if_move(x, NULL, &err), EINVAL);
	sbt_close(sb);
}

static int
bind_now(void *arg)
{
	struct sock_req *r = arg;

	return (make_sock(r));
}

SBT_TC(addr_ipv4_and_ipv6_usable_at_once,
    "addresses of both families work as soon as they are added: an IPv6 "
    "address is never tentative", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *ea, *eb;
	struct sock_req r;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_vnet_create(sb, "router", &b, &err));
	OK(pk_epair_create(sb, a, b, &ea, &eb, &err));
	OK(pk_addr_add(ea, "2001:db8::1/64", &err));
	/* A tentative address would refuse bind() with EADDRNOTAVAIL. */
	r.family = AF_INET6;
	r.addr = "2001:db8::1";
	r.port = 7;
	ATF_REQUIRE_EQ(pk_vnet_enter_do(a, bind_now, &r, &err), 0);
	ATF_CHECK_MSG(r.err == 0, "bind right after adding: %s",
	    strerror(r.err));
	close(r.fd);
	OK(pk_addr_add(eb, "2001:db8::2/64", &err));
	OK(pk_addr_add(ea, "192.0.2.1/24", &err));
	OK(pk_addr_add(eb, "192.0.2.2/24", &err));
	ATF_CHECK_EQ(addrs_on(ea, AF_INET), 1);
	ATF_CHECK_EQ(addrs_on(ea, AF_INET6), 1);
	ATF_CHECK(udp_reaches(a, b, AF_INET6, "2001:db8::2", 5002));
	ATF_CHECK(udp_reaches(b, a, AF_INET, "192.0.2.1", 5003));
	/* A second address, and removing addresses. */
	OK(pk_addr_add(ea, "198.51.100.1", &err));
	ATF_CHECK_EQ(addrs_on(ea, AF_INET), 2);
	OK(pk_addr_del(ea, "198.51.100.1/32", &err));
	OK(pk_addr_del(ea, "2001:db8::1/64", &err));
	ATF_CHECK_EQ(addrs_on(ea, AF_INET), 1);
	ATF_CHECK_EQ(addrs_on(ea, AF_INET6), 0);
	FAILS(pk_addr_add(ea, "192.0.2.1/24", &err), EEXIST);
	MSG_HAS("epair0a: add address 192.0.2.1/24");
	FAILS(pk_addr_del(ea, "203.0.113.9/24", &err), EADDRNOTAVAIL);
	sbt_close(sb);
}

SBT_TC(addr_rejects_bad_input,
    "an address that does not parse fails with a message naming it, and "
    "nothing is added", )
{
	static const char *const bad[] = {
		"192.0.2.300/24", "192.0.2.1/33", "2001:db8::1/129", "foo",
		"192.0.2.1/", "192.0.2.1/2x", "192.0.2/24", "2001:db8::1/-1",
		"fe80::1%lo/64", " 192.0.2.1/24",
	};
	struct pk_sandbox *sb;
	struct pk_if *x, *y;
	size_t i;

	sb = sbt_open();
	OK(pk_epair_create(sb, NULL, NULL, &x, &y, &err));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FAILS(pk_addr_add(x, bad[i], &err), EINVAL);
		ATF_CHECK_MSG(strstr(err.msg, bad[i]) != NULL ||
		    strstr(err.msg, "prefix length") != NULL,
		    "'%s' not named in '%s'", bad[i], err.msg);
		ATF_CHECK_MSG(strstr(err.msg, "epair0a") != NULL,
		    "interface not named in '%s'", err.msg);
	}
	FAILS(pk_addr_add(x, "", &err), EINVAL);
	FAILS(pk_addr_add(x, NULL, &err), EINVAL);
	FAILS(pk_addr_add(NULL, "192.0.2.1/24", &err), EINVAL);
	ATF_CHECK_EQ(addrs_on(x, AF_INET), 0);
	ATF_CHECK_EQ(addrs_on(x, AF_INET6), 0);
	sbt_close(sb);
}

SBT_TC(route_kinds_all_work,
    "default, prefix, via-gateway and on-interface routes, in both "
    "families, carry traffic; deleting them works", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *ea, *eb, *lo;
	struct pk_run_result res;
	char *show4[] = { "ip", "-4", "route", "show", NULL };
	char *show6[] = { "ip", "-6", "route", "show", NULL };

	sb = sbt_open();
	two_vnets(sb, &a, &b, &ea, &eb);
	ATF_REQUIRE((lo = pk_if_lookup(b, "lo", &err)) != NULL);
	/* Behind the router, reached through it. */
	OK(pk_addr_add(lo, "198.51.100.1/32", &err));
	OK(pk_addr_add(lo, "198.51.100.129/32", &err));
	OK(pk_addr_add(lo, "2001:db8:2::1/128", &err));
	OK(pk_addr_add(lo, "2001:db8:3::1/128", &err));
	/* On the link, reached by neighbour discovery. */
	OK(pk_addr_add(eb, "203.0.113.1/32", &err));
	OK(pk_addr_add(eb, "2001:db8:1::2/128", &err));
	/* No route yet: sendto() fails at once with ENETUNREACH. */
	ATF_CHECK(!udp_reaches(a, b, AF_INET, "198.51.100.1", 5010));
	ATF_CHECK(!udp_reaches(a, b, AF_INET6, "2001:db8:1::2", 5010));
	OK(pk_route_add(a, "198.51.100.0/25", "192.0.2.2", NULL, &err));
	OK(pk_route_add(a, "203.0.113.0/24", NULL, ea, &err));
	OK(pk_route_add(a, "default", "192.0.2.2", ea, &err));
	OK(pk_route_add(a, "2001:db8:1::/64", NULL, ea, &err));
	OK(pk_route_add(a, "2001:db8:3::/64", "2001:db8::2", NULL, &err));
	OK(pk_route_add(a, "default6", "2001:db8::2", NULL, &err));
	ATF_CHECK(udp_reaches(a, b, AF_INET, "198.51.100.1", 5011));
	ATF_CHECK(udp_reaches(a, b, AF_INET, "203.0.113.1", 5012));
	ATF_CHECK(udp_reaches(a, b, AF_INET, "198.51.100.129", 5013));
	ATF_CHECK(udp_reaches(a, b, AF_INET6, "2001:db8:1::2", 5014));
	ATF_CHECK(udp_reaches(a, b, AF_INET6, "2001:db8:3::1", 5015));
	ATF_CHECK(udp_reaches(a, b, AF_INET6, "2001:db8:2::1", 5016));
	OK(pk_vnet_run(a, show4, NULL, &res, &err));
	ATF_CHECK_MSG(strstr(res.out, "default via 192.0.2.2 dev epair0a") !=
	    NULL, "%s", res.out);
	ATF_CHECK_MSG(strstr(res.out, "198.51.100.0/25 via 192.0.2.2") !=
	    NULL, "%s", res.out);
	ATF_CHECK_MSG(strstr(res.out, "203.0.113.0/24 dev epair0a") != NULL,
	    "%s", res.out);
	pk_run_result_free(&res);
	OK(pk_vnet_run(a, show6, NULL, &res, &err));
	ATF_CHECK_MSG(strstr(res.out, "2001:db8:1::/64 dev epair0a") != NULL,
	    "%s", res.out);
	ATF_CHECK_MSG(strstr(res.out, "2001:db8:3::/64 via 2001:db8::2") !=
	    NULL, "%s", res.out);
	ATF_CHECK_MSG(strstr(res.out, "default via 2001:db8::2") != NULL,
	    "%s", res.out);
	pk_run_result_free(&res);
	OK(pk_route_del(a, "default", "192.0.2.2", ea, &err));
	OK(pk_route_del(a, "198.51.100.0/25", "192.0.2.2", NULL, &err));
	OK(pk_route_del(a, "default6", "2001:db8::2", NULL, &err));
	OK(pk_route_del(a, "2001:db8:3::/64", "2001:db8::2", NULL, &err));
	ATF_CHECK(!udp_reaches(a, b, AF_INET, "198.51.100.129", 5017));
	ATF_CHECK(!udp_reaches(a, b, AF_INET, "198.51.100.1", 5018));
	ATF_CHECK(!udp_reaches(a, b, AF_INET6, "2001:db8:3::1", 5019));
	ATF_CHECK(udp_reaches(a, b, AF_INET, "203.0.113.1", 5020));
	sbt_close(sb);
}

SBT_TC(route_rejects_bad_input,
    "a route with nothing to go by, a bad prefix, mixed families, a "
    "foreign interface or an unreachable gateway fails, saying why", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *ea, *eb;

	sb = sbt_open();
	two_vnets(sb, &a, &b, &ea, &eb);
	FAILS(pk_route_add(a, "198.51.100.0/24", NULL, NULL, &err), EINVAL);
	MSG_HAS("needs a gateway or an interface");
	FAILS(pk_route_add(a, "198.51.100.1/24", "192.0.2.2", NULL, &err),
	    EINVAL);
	MSG_HAS("bits set beyond the prefix length");
	FAILS(pk_route_add(a, "198.51.100.0/24", "2001:db8::2", NULL, &err),
	    EINVAL);
	MSG_HAS("different families");
	FAILS(pk_route_add(a, "198.51.100.0/24", NULL, eb, &err), EINVAL);
	MSG_HAS("is in vnet router");
	FAILS(pk_route_add(a, "nowhere", "192.0.2.2", NULL, &err), EINVAL);
	MSG_HAS("nowhere");
	FAILS(pk_route_add(a, "198.51.100.0/24", "192.0.2.2/24", NULL, &err),
	    EINVAL);
	MSG_HAS("prefix length is not allowed");
	FAILS(pk_route_add(a, NULL, "192.0.2.2", NULL, &err), EINVAL);
	/* The kernel's own reason comes through. */
	FAILS(pk_route_add(a, "198.51.100.0/24", "203.0.113.99", NULL, &err),
	    ENETUNREACH);
	MSG_HAS("vnet alcatraz: route add 198.51.100.0/24 via 203.0.113.99");
	FAILS(pk_route_del(a, "198.51.100.0/24", "192.0.2.2", NULL, &err),
	    ESRCH);
	sbt_close(sb);
}

SBT_TC(neigh_static_entries_in_both_families,
    "static ARP and NDP entries are added and read back; unknown ones "
    "read as absent; bad input fails", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a, *b;
	struct pk_if *ea, *eb;
	uint8_t mac[6], peer[6];

	sb = sbt_open();
	two_vnets(sb, &a, &b, &ea, &eb);
	OK(pk_neigh_add(ea, "192.0.2.99", "02:00:00:00:00:63", &err));
	OK(pk_neigh_add(ea, "2001:db8::99", "02:00:00:00:00:64", &err));
	memset(mac, 0, sizeof(mac));
	ATF_REQUIRE_EQ(pk_neigh_get(ea, "192.0.2.99", mac, &err), 1);
	ATF_CHECK(memcmp(mac, "\x02\x00\x00\x00\x00\x63", 6) == 0);
	ATF_REQUIRE_EQ(pk_neigh_get(ea, "2001:db8::99", mac, &err), 1);
	ATF_CHECK(memcmp(mac, "\x02\x00\x00\x00\x00\x64", 6) == 0);
	ATF_CHECK_EQ(pk_neigh_get(ea, "192.0.2.98", mac, &err), 0);
	ATF_CHECK_EQ(pk_neigh_get(eb, "192.0.2.99", mac, &err), 0);
	/* An entry learnt by resolution reads the same way. */
	ATF_CHECK(udp_reaches(a, b, AF_INET, "192.0.2.2", 5020));
	ATF_REQUIRE_EQ(pk_neigh_get(ea, "192.0.2.2", mac, &err), 1);
	OK(pk_if_mac(eb, peer, &err));
	ATF_CHECK(memcmp(mac, peer, 6) == 0);
	FAILS(pk_neigh_add(ea, "192.0.2.99", "02:00:00:00:00", &err), EINVAL);
	MSG_HAS("MAC address");
	FAILS(pk_neigh_add(ea, "192.0.2.99", "02:00:00:00:00:6g", &err),
	    EINVAL);
	FAILS(pk_neigh_add(ea, "192.0.2.999", "02:00:00:00:00:63", &err),
	    EINVAL);
	FAILS(pk_neigh_add(ea, "192.0.2.0/24", "02:00:00:00:00:63", &err),
	    EINVAL);
	FAILS(pk_neigh_get(ea, "bogus", mac, &err), EINVAL);
	sbt_close(sb);
}

struct ifq {
	const char	*name;
	int		 mtu;
	uint8_t		 mac[6];
};

static int
query_if(void *arg)
{
	struct ifq *q = arg;
	struct ifreq ifr;
	int s, rc;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return (-1);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", q->name);
	rc = ioctl(s, SIOCGIFMTU, &ifr);
	q->mtu = ifr.ifr_mtu;
	if (rc == 0)
		rc = ioctl(s, SIOCGIFHWADDR, &ifr);
	memcpy(q->mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return (rc);
}

SBT_TC(if_up_down_mtu_and_mac,
    "an interface can be set down and up and get an MTU; its MAC is the "
    "kernel's", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a;
	struct pk_if *x, *y;
	struct ifq q;
	uint8_t mac[6];
	int up;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_epair_create(sb, a, NULL, &x, &y, &err));
	OK(pk_if_up(x, 0, &err));
	ATF_CHECK(sbt_has_if(a, "epair0a", &up) && !up);
	OK(pk_if_up(x, 1, &err));
	ATF_CHECK(sbt_has_if(a, "epair0a", &up) && up);
	OK(pk_if_mtu(x, 1400, &err));
	q.name = "epair0a";
	ATF_REQUIRE_EQ(pk_vnet_enter_do(a, query_if, &q, &err), 0);
	ATF_CHECK_EQ(q.mtu, 1400);
	OK(pk_if_mac(x, mac, &err));
	ATF_CHECK(memcmp(mac, q.mac, 6) == 0);
	ATF_CHECK_EQ(mac[0] & 0x03, 0x02);	/* unicast, local */
	FAILS(pk_if_mtu(x, 0, &err), EINVAL);
	FAILS(pk_if_mtu(x, 50, &err), EINVAL);
	MSG_HAS("epair0a: MTU 50");
	sbt_close(sb);
}

SBT_TC(if_lookup_finds_existing_and_names_missing,
    "lookup returns interfaces the sandbox did not make and fails "
    "clearly for unknown or bad names", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *a;
	struct pk_if *lo, *x, *y;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &a, &err));
	OK(pk_epair_create(sb, a, NULL, &x, &y, &err));
	ATF_REQUIRE((lo = pk_if_lookup(a, "lo", &err)) != NULL);
	ATF_CHECK_EQ(pk_if_index(lo), 1);
	ATF_CHECK(pk_if_peer(lo) == NULL);
	ATF_CHECK(pk_if_lookup(a, "lo", &err) == lo);
	ATF_CHECK(pk_if_lookup(a, "epair0a", &err) == x);
	ATF_CHECK(pk_if_lookup(a, "epair0b", &err) == NULL);
	ATF_CHECK_EQ(err.code, ENOENT);
	MSG_HAS("no interface epair0b in vnet alcatraz");
	ATF_CHECK(pk_if_lookup(a, "averyveryverylongname", &err) == NULL);
	ATF_CHECK_EQ(err.code, ENAMETOOLONG);
	ATF_CHECK(pk_if_lookup(a, "bad/name", &err) == NULL);
	ATF_CHECK_EQ(err.code, EINVAL);
	FAILS(pk_if_move(lo, pk_sandbox_host(sb), &err), EINVAL);
	sbt_close(sb);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, epair_ends_are_created_where_asked);
	ATF_TP_ADD_TC(tp, epair_skips_names_taken_by_others);
	ATF_TP_ADD_TC(tp, epair_destroy_removes_both_ends);
	ATF_TP_ADD_TC(tp, if_move_takes_an_interface_into_a_vnet);
	ATF_TP_ADD_TC(tp, addr_ipv4_and_ipv6_usable_at_once);
	ATF_TP_ADD_TC(tp, addr_rejects_bad_input);
	ATF_TP_ADD_TC(tp, route_kinds_all_work);
	ATF_TP_ADD_TC(tp, route_rejects_bad_input);
	ATF_TP_ADD_TC(tp, neigh_static_entries_in_both_families);
	ATF_TP_ADD_TC(tp, if_up_down_mtu_and_mac);
	ATF_TP_ADD_TC(tp, if_lookup_finds_existing_and_names_missing);
	return (atf_no_error());
}
