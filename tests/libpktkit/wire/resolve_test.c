/*
 * resolve_test: IPv6 next-hop resolution from an interface whose
 * link-local address is not usable yet.
 */
#include "wiretest.h"

PK_TC(resolve_waits_for_tentative_link_local, "resolving an IPv6 "
    "neighbour waits until the interface's link-local address has left "
    "duplicate address detection, instead of giving up at once");
PK_TC_BODY(resolve_waits_for_tentative_link_local, t)
{
	struct pk_vnet *peer;
	struct pk_epair *ep;
	struct pk_err err;
	uint8_t mac[6], want[6];
	char name[64];

	peer = pk_vnet(t, "peer");
	ep = pk_epair(t, NULL, peer);
	/*
	 * Duplicate address detection (off in every vnet the library
	 * makes) on for this one interface, and the link cycled, so that
	 * its new link-local address stays tentative for about a second:
	 * longer than the first step of a resolution.
	 */
	snprintf(name, sizeof(name), "net.ipv6.conf.%s.accept_dad",
	    pk_if_name(ep->a));
	pk_sysctl(t, NULL, name, "1");
	pk_down(t, ep->a);
	pk_up(t, ep->a);
	pk_addr(t, ep->a, "2001:db8::1/64");
	pk_addr(t, ep->b, "2001:db8::2/64");

	ATF_REQUIRE_MSG(pk_wire_resolve(pk_wire(t), ep->a, "2001:db8::2", mac,
	    &err) == 0, "%s", err.msg);
	ATF_REQUIRE(pk_if_mac(ep->b, want, &err) == 0);
	ATF_CHECK(memcmp(mac, want, 6) == 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, resolve_waits_for_tentative_link_local);
	return (atf_no_error());
}
