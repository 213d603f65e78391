/*
 * readme_test: the first test shown in the README, kept compiling and
 * passing here so that the README stays true.
 */
#include <pktkit.h>

static const struct pk_ruleset allow_echo = {
	.nft = "table inet f { chain i { type filter hook input priority 0;\n"
	    "policy drop; icmp type echo-request accept\n}\n}\n",
	.pf = "block in all\npass in proto icmp icmp-type echoreq\n",
};

PK_TC(echo_passes_a_firewall_that_allows_it, "an ICMP echo request "
    "passes a firewall that lets only echo requests in");
PK_TC_BODY(echo_passes_a_firewall_that_allows_it, t)
{
	struct pk_vnet *jail = pk_vnet(t, "alcatraz");
	struct pk_epair *ep = pk_epair(t, NULL, jail);
	struct pk_sniffer *s = pk_sniff(t, ep->a, "icmp");

	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	pk_fw(t, jail, &allow_echo);
	pk_send(t, ep->a, PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.2"),
	    PK_ICMP4_ECHO(.id = 7, .seq = 1)));
	pk_expect(t, s, "icmp[icmptype] == icmp-echoreply", 2000);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, echo_passes_a_firewall_that_allows_it);
	return (atf_no_error());
}
