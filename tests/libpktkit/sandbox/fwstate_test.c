/*
 * fwstate_test: a vnet's firewall states, listed, matched and killed,
 * as the ported pf tests use them (pfctl -ss and -k).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

/* A stateful filter: what pf's "pass ... keep state" does. */
static const struct pk_ruleset stateful = {
	.nft =
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmp type echo-request ct mark set 0x666f6f accept\n"
	    "    icmpv6 type echo-request ct mark set 0x12 accept\n"
	    "    meta l4proto tcp ct state new accept\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } "
	    "accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "block all\n"
	    "pass in proto icmp label foo\n"
	    "pass in proto icmp6\n"
	    "pass in proto tcp\n"
	    "pass inet6 proto icmp6 icmp6-type { neighbrsol, neighbradv }\n",
};

static const struct pk_dpkt *
echo(struct pk_tc *t, struct pk_if *ifp, const char *dst, int id, int seq)
{

	if (strchr(dst, ':') != NULL)
		return (pk_request(t, ifp, PK_PKT(PK_IP6(.dst = dst),
		    PK_ICMP6_ECHO(.id = id, .seq = seq)), 1000));
	return (pk_request(t, ifp, PK_PKT(PK_IP4(.dst = dst),
	    PK_ICMP4_ECHO(.id = id, .seq = seq)), 1000));
}

PK_TC_CONF(fwstate_lists_echo_state, "an echo through a stateful ruleset "
    "leaves one state, described in both directions",
    .require_progs = "nft");
PK_TC_BODY(fwstate_lists_echo_state, t)
{
	const struct pk_fw_state *s;
	struct pk_topo topo;
	char line[256];
	size_t n;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &stateful);
	ATF_CHECK_EQ(pk_fw_count(t, topo.server), 0);
	echo(t, topo.client_if, topo.server4, 4242, 1);
	s = pk_fw_states(t, topo.server, &n);
	ATF_REQUIRE_EQ(n, 1);
	pk_fw_state_line(s, line, sizeof(line));
	ATF_CHECK_EQ_MSG(s->af, AF_INET, "%s", line);
	ATF_CHECK_EQ(s->proto, IPPROTO_ICMP);
	ATF_CHECK_STREQ(s->src, topo.client4);
	ATF_CHECK_STREQ(s->dst, topo.server4);
	ATF_CHECK_EQ(s->sport, 4242);
	ATF_CHECK_EQ(s->dport, 4242);
	ATF_CHECK_STREQ(s->rsrc, topo.server4);
	ATF_CHECK_STREQ(s->rdst, topo.client4);
	ATF_CHECK(s->replied);
	ATF_CHECK_STREQ(s->state, "");
	ATF_CHECK(s->id != 0);
	ATF_CHECK_MSG(strstr(line, "icmp 192.0.2.1:4242 -> 192.0.2.2:4242") ==
	    line, "%s", line);
	/* The same id again is the same flow: still one state. */
	echo(t, topo.client_if, topo.server4, 4242, 2);
	ATF_CHECK_EQ(pk_fw_count(t, topo.server), 1);
	echo(t, topo.client_if, topo.server6, 4242, 3);
	pk_fw_expect_count(t, topo.server, 2);
	pk_fw_expect_count(t, topo.server, 1, .af = AF_INET6,
	    .src = "2001:db8:0::1", .proto = IPPROTO_ICMPV6);
}

PK_TC_CONF(fwstate_matches_addresses_ports_and_labels, "states are selected "
    "by address, port, protocol, label and id, all of them at once",
    .require_progs = "nft");
PK_TC_BODY(fwstate_matches_addresses_ports_and_labels, t)
{
	const struct pk_fw_state *s;
	struct pk_topo topo;
	size_t n;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &stateful);
	echo(t, topo.client_if, topo.server4, 7, 1);
	echo(t, topo.client_if, topo.server6, 8, 1);
	pk_fw_expect_count(t, topo.server, 1, .label = "foo");
	pk_fw_expect_count(t, topo.server, 1, .label = "0x12");
	pk_fw_expect_count(t, topo.server, 0, .label = "bar");
	pk_fw_expect_count(t, topo.server, 1, .src = topo.client4);
	pk_fw_expect_count(t, topo.server, 0, .src = "192.0.2.3");
	pk_fw_expect_count(t, topo.server, 1, .src = topo.client4,
	    .dst = topo.server4);
	pk_fw_expect_count(t, topo.server, 0, .src = topo.client4,
	    .dst = "192.0.2.3");
	pk_fw_expect_count(t, topo.server, 1, .sport = 8);
	pk_fw_expect_count(t, topo.server, 0, .proto = IPPROTO_TCP);
	s = pk_fw_states(t, topo.server, &n, .label = "foo");
	ATF_REQUIRE_EQ(n, 1);
	pk_fw_expect_count(t, topo.server, 1, .id = s->id);
	pk_fw_expect_count(t, topo.server, 0, .id = s->id, .label = "0x12");
}

PK_TC_CONF(fwstate_kill_takes_only_matching_states, "killing states removes "
    "those that match, and traffic of a killed flow is new again",
    .require_progs = "nft");
PK_TC_BODY(fwstate_kill_takes_only_matching_states, t)
{
	const struct pk_fw_state *s;
	struct pk_topo topo;
	size_t n;

	pk_topo_pair(t, &topo);
	pk_fw(t, topo.server, &stateful);
	echo(t, topo.client_if, topo.server4, 7, 1);
	echo(t, topo.client_if, topo.server6, 8, 1);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server, .src = "192.0.2.3"), 0);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server, .src = topo.client4,
	    .dst = "192.0.2.3"), 0);
	ATF_CHECK_EQ(pk_fw_count(t, topo.server), 2);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server, .src = topo.client4), 1);
	pk_fw_expect_count(t, topo.server, 1, .af = AF_INET6);
	/* By id: a wrong one kills nothing. */
	s = pk_fw_states(t, topo.server, &n);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server, .id = s->id + 1), 0);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server, .id = s->id), 1);
	ATF_CHECK_EQ(pk_fw_count(t, topo.server), 0);
	/* The flow starts over as a new state. */
	echo(t, topo.client_if, topo.server4, 7, 2);
	pk_fw_expect_count(t, topo.server, 1, .src = topo.client4);
}

static const struct pk_ruleset masquerade = {
	.nft =
	    "table ip n {\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    ip saddr 192.0.2.0/24 masquerade\n"
	    "  }\n"
	    "}\n",
	.pf = "nat inet from 192.0.2.0/24 to any -> 198.51.100.1\n",
};

PK_TC_CONF(fwstate_nat_match_takes_reply_direction, "a translated connection "
    "shows the translated address in its reply direction, where nat "
    "matching finds it",
    .require_progs = "nft");
PK_TC_BODY(fwstate_nat_match_takes_reply_direction, t)
{
	const struct pk_fw_state *s;
	struct pk_topo topo;
	size_t n;

	pk_topo_router(t, &topo);
	pk_fw(t, topo.router, &masquerade);
	echo(t, topo.client_if, topo.server4, 4201, 1);
	s = pk_fw_states(t, topo.router, &n);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(s->src, topo.client4);
	ATF_CHECK_STREQ(s->dst, topo.server4);
	ATF_CHECK_STREQ(s->rsrc, topo.server4);
	ATF_CHECK_STREQ(s->rdst, topo.router_out4);
	ATF_CHECK_EQ(s->sport, 4201);
	pk_fw_expect_count(t, topo.router, 0, .src = topo.router_out4);
	pk_fw_expect_count(t, topo.router, 1, .src = topo.router_out4,
	    .nat = 1);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.router, .src = topo.router_out4,
	    .nat = 1), 1);
	ATF_CHECK_EQ(pk_fw_count(t, topo.router), 0);
}

PK_TC(fwstate_none_without_tracking, "a vnet whose firewall tracks "
    "nothing has no states, and killing there kills nothing");
PK_TC_BODY(fwstate_none_without_tracking, t)
{
	struct pk_topo topo;
	size_t n;

	pk_topo_pair(t, &topo);
	echo(t, topo.client_if, topo.server4, 7, 1);
	ATF_CHECK_EQ(pk_fw_count(t, topo.server), 0);
	ATF_CHECK(pk_fw_states(t, topo.server, &n) == NULL);
	ATF_CHECK_EQ(n, 0);
	ATF_CHECK_EQ(pk_fw_kill(t, topo.server), 0);
}

PK_TC(fwstate_rejects_bad_addresses, "a malformed address to match is "
    "an error that names it, and a destroyed vnet has no states");
PK_TC_BODY(fwstate_rejects_bad_addresses, t)
{
	const struct pk_fw_match m = { .src = "192.0.2.300" };
	struct pk_fw_state *s;
	struct pk_vnet *v;
	struct pk_err err;
	size_t n;

	v = pk_vnet(t, "alcatraz");
	ATF_CHECK_EQ(pk_fw_state_list(v, &m, &s, &n, &err), -1);
	ATF_CHECK_EQ(err.code, EINVAL);
	ATF_CHECK(strstr(err.msg, "192.0.2.300") != NULL);
	ATF_CHECK_EQ(pk_fw_state_kill(v, &m, &n, &err), -1);
	ATF_CHECK_EQ(err.code, EINVAL);
	ATF_CHECK_EQ(pk_fw_state_list(v, NULL, NULL, &n, &err), -1);
	pk_vnet_gone(t, v);
	ATF_CHECK_EQ(pk_fw_state_list(v, NULL, &s, &n, &err), -1);
	ATF_CHECK_EQ(err.code, ENOENT);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, fwstate_lists_echo_state);
	ATF_TP_ADD_TC(tp, fwstate_matches_addresses_ports_and_labels);
	ATF_TP_ADD_TC(tp, fwstate_kill_takes_only_matching_states);
	ATF_TP_ADD_TC(tp, fwstate_nat_match_takes_reply_direction);
	ATF_TP_ADD_TC(tp, fwstate_none_without_tracking);
	ATF_TP_ADD_TC(tp, fwstate_rejects_bad_addresses);
	return (atf_no_error());
}
