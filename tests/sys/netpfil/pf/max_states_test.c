/*
 * max_states_test: a limit on the states one rule may create.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/max_states.sh (max_states): a
 * router passes TCP coming in from the tester with "keep state (max 3)";
 * the first three connection attempts get through, the fourth does not.
 * nftables counts a rule's connections with "ct count over N".
 */
#include "pfsupport.h"

/*
 * RD v6: the case host 2001:db8:42::1 - router 2001:db8:42::2 /
 * 2001:db8:43::1 - 2001:db8:43::2, a static neighbour whose frames the
 * host sees on an address-less interface.
 */
PK_TC_CONF(max_states_caps_rule_states, "a rule limited to 3 states "
    "passes 3 SYNs of new connections and drops the 4th",
    .require_progs = "nft");
PK_TC_BODY(max_states_caps_rule_states, t)
{
	struct pk_epair *in, *out;
	struct pk_vnet *router;
	struct pk_sniffer *s;
	int port;

	router = pk_vnet(t, "router");
	in = pk_epair(t, NULL, router);
	out = pk_epair(t, router, NULL);
	pk_addr(t, in->a, "2001:db8:42::1/64");
	pk_addr(t, in->b, "2001:db8:42::2/64");
	pk_addr(t, out->a, "2001:db8:43::1/64");
	pk_forwarding(t, router);
	pk_route(t, NULL, "2001:db8:43::/64", "2001:db8:42::2");
	pk_neigh(t, out->a, "2001:db8:43::2", pfs_mac(out->b));
	pfs_fw(t, router,
	    "table inet f {\n"
	    "  chain fw { type filter hook forward priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmpv6 type echo-request accept\n"
	    "    iifname \"%1$s\" meta l4proto tcp ct state new "
	    "ct count over 3 drop\n"
	    "    iifname \"%1$s\" oifname \"%2$s\" meta l4proto tcp "
	    "ct state new accept\n"
	    "  }\n"
	    "}\n",
	    "block\n"
	    "pass inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n"
	    "pass in on %1$s inet6 proto tcp keep state (max 3)\n"
	    "pass out on %2$s inet6 proto tcp keep state\n"
	    "pass inet6 proto icmp6 icmp6-type echoreq no state\n",
	    pk_if_name(in->b), pk_if_name(out->a));

	s = pk_sniff_with(t, out->b, "tcp or icmp6", .dir = PK_DIR_IN);
	for (port = 4201; port <= 4203; port++) {
		pk_send(t, in->a, PK_PKT(PK_IP6(.dst = "2001:db8:43::2"),
		    PK_TCP(.sport = port, .dport = 666, .flags = PK_TH_SYN)));
		pk_expect(t, s, port == 4201 ? "tcp src port 4201" :
		    port == 4202 ? "tcp src port 4202" : "tcp src port 4203",
		    2000);
	}
	pk_fw_expect_count(t, router, 3, .proto = IPPROTO_TCP,
	    .state = "SYN_SENT");
	/*
	 * The 4th is dropped.  The sentinel is an echo request, which both
	 * rulesets pass (statelessly) for that purpose.
	 */
	pk_send(t, in->a, PK_PKT(PK_IP6(.dst = "2001:db8:43::2"),
	    PK_TCP(.sport = 4204, .dport = 666, .flags = PK_TH_SYN)));
	pfs_echo_send(t, in->a, NULL, "2001:db8:43::2", 1, 1);
	pk_expect_none_until(t, s, "tcp src port 4204", "icmp6", 2000);
	pk_fw_expect_count(t, router, 3, .proto = IPPROTO_TCP);
	pk_fw_expect_count(t, router, 0, .sport = 4204);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, max_states_caps_rule_states);
	return (atf_no_error());
}
