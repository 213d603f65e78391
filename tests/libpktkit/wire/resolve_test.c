/*
 * resolve_test: IPv6 next-hop resolution waits for the link-local
 * address it solicits from, for as long as its whole deadline.
 *
 * addrconf makes an interface's link-local address from a work queue a
 * moment after the link comes up: on a busy machine, well after a test
 * has its addresses and starts sending.  Resolution must wait for it,
 * not give up when the first of its short solicitation steps ends.
 */
#include <errno.h>

#include "wiretest.h"

/*
 * Take the link-local address away from the host's end of a pair, and
 * keep the kernel from making another.
 */
static void
no_link_local(struct pk_tc *t, struct pk_topo *topo)
{
	const char *ifname;

	ifname = pk_if_name(topo->client_if);
	pk_run_ok(t, NULL, "sysctl -qw net.ipv6.conf.%s.addr_gen_mode=1 && "
	    "ip -6 addr flush dev %s scope link && ip neigh flush dev %s",
	    ifname, ifname, ifname);
}

PK_TC(resolve_waits_for_a_late_link_local, "a neighbour is resolved once "
    "a link-local address appears, however late");
PK_TC_BODY(resolve_waits_for_a_late_link_local, t)
{
	uint8_t mac[6], want[6];
	struct pk_err err;
	struct pk_topo topo;
	const char *ifname;

	pk_topo_pair(t, &topo);
	no_link_local(t, &topo);
	ifname = pk_if_name(topo.client_if);
	/*
	 * The link-local address comes when the first of the wire's own
	 * solicitations, which it keeps sending while it waits, is seen:
	 * necessarily after resolution began.
	 */
	pk_spawn(t, NULL, "tcpdump -i %s -c 1 -Q out 'icmp6 and "
	    "ip6[40] == 135' >/dev/null 2>&1 && ip addr add fe80::1/64 dev %s",
	    ifname, ifname);
	ATF_REQUIRE_MSG(pk_wire_resolve(pk_wire(t), topo.client_if,
	    topo.server6, mac, &err) == 0, "%s", err.msg);
	ATF_REQUIRE(pk_if_mac(topo.server_if, want, &err) == 0);
	ATF_CHECK(memcmp(mac, want, 6) == 0);
}

PK_TC(resolve_without_link_local_fails_at_the_deadline, "with no "
    "link-local address, resolution fails at its deadline, saying why");
PK_TC_BODY(resolve_without_link_local_fails_at_the_deadline, t)
{
	struct pk_topo topo;
	struct pk_err err;
	int64_t start, took;
	uint8_t mac[6];

	pk_topo_pair(t, &topo);
	no_link_local(t, &topo);
	/* A tenth of the 5 s deadline. */
	ATF_REQUIRE(setenv("PKTKIT_DEADLINE_SCALE", "0.1", 1) == 0);
	start = pk_now_ms();
	ATF_CHECK_EQ(pk_wire_resolve(pk_wire(t), topo.client_if, topo.server6,
	    mac, &err), -1);
	took = pk_now_ms() - start;
	ATF_REQUIRE(unsetenv("PKTKIT_DEADLINE_SCALE") == 0);
	ATF_CHECK_EQ(err.code, EADDRNOTAVAIL);
	ATF_CHECK_MSG(strstr(err.msg, "no usable link-local address") != NULL,
	    "%s", err.msg);
	ATF_CHECK_MSG(took >= 450, "gave up after %lld ms",
	    (long long)took);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, resolve_waits_for_a_late_link_local);
	ATF_TP_ADD_TC(tp, resolve_without_link_local_fails_at_the_deadline);
	return (atf_no_error());
}
