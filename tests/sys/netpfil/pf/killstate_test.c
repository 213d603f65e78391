/*
 * killstate_test: killing firewall states by address, label, id and
 * across NAT.
 *
 * Ports FreeBSD's tests/sys/netpfil/pf/killstate.sh: v4, v6, label, id
 * and match.  An echo flow (one fixed identifier, as pft_ping sends)
 * creates a state; the ruleset is then replaced by one that blocks
 * everything but keeps the states ("pft_set_rules noflush"), so the
 * flow goes on only as long as its state lives.  Killing states that
 * do not match leaves it working; killing the right one stops it.
 *
 * On Linux the states are conntrack entries, killed over ctnetlink
 * (pk_fw_kill()); nftables rules do not own them, so "flush ruleset"
 * keeps them as pf's noflush does, and "ct state established,related
 * accept" is what lets state traffic through before any rule.  pf rule
 * labels are conntrack marks here (see pk_fw_state_list()).
 *
 * interface (pfctl -i IF -Fs) is not ported: conntrack entries record
 * no interface, so the only way to tell states apart by interface is a
 * mark the ruleset sets, which label already tests.
 *
 * The absence of a reply is checked with a sentinel: a UDP datagram to a
 * closed port, which both blocking rulesets let in, and whose ICMP
 * port unreachable comes back the way an echo reply would (ICMP rate
 * limiting is off in the jail, so that every sentinel is answered).
 */
#include "pfsupport.h"

#define	ECHO_ID		0x4242

struct hj {
	struct pk_vnet	*jail;
	struct pk_if	*host_if;
	const char	*host;
	const char	*jailaddr;
	int		 v6;
	int		 seq;
};

static void
hj_setup(struct pk_tc *t, struct hj *h, int v6)
{
	struct pk_epair *ep;

	memset(h, 0, sizeof(*h));
	h->v6 = v6;
	h->jail = pk_vnet(t, "alcatraz");
	ep = pk_epair(t, NULL, h->jail);
	h->host_if = ep->a;
	if (v6) {
		h->host = "2001:db8::1";
		h->jailaddr = "2001:db8::2";
		pk_addr(t, ep->a, "2001:db8::1/64");
		pk_addr(t, ep->b, "2001:db8::2/64");
		pfs_resolve(t, ep->a, h->jailaddr);
		pfs_resolve(t, ep->b, h->host);
		pk_sysctl(t, h->jail, "net.ipv6.icmp.ratelimit", "0");
	} else {
		h->host = "192.0.2.1";
		h->jailaddr = "192.0.2.2";
		pk_addr(t, ep->a, "192.0.2.1/24");
		pk_addr(t, ep->b, "192.0.2.2/24");
		pk_sysctl(t, h->jail, "net.ipv4.icmp_ratelimit", "0");
	}
}

/* The flow must still work. */
static void
ping_ok(struct pk_tc *t, struct hj *h)
{

	pfs_echo(t, h->host_if, h->jailaddr, ECHO_ID, ++h->seq);
}

/* The flow must not work any more. */
static void
ping_blocked(struct pk_tc *t, struct hj *h)
{
	struct pk_sniffer *s;

	s = pk_sniff_with(t, h->host_if, h->v6 ? "icmp6" : "icmp",
	    .dir = PK_DIR_IN);
	pfs_echo_send(t, h->host_if, NULL, h->jailaddr, ECHO_ID, ++h->seq);
	if (h->v6)
		pk_send(t, h->host_if, PK_PKT(PK_IP6(.dst = h->jailaddr),
		    PK_UDP(.sport = 4000, .dport = 7)));
	else
		pk_send(t, h->host_if, PK_PKT(PK_IP4(.dst = h->jailaddr),
		    PK_UDP(.sport = 4000, .dport = 7)));
	pk_expect_none_until(t, s, pfs_echo_reply_filter(h->jailaddr,
	    ECHO_ID), h->v6 ? "ip6[40] == 1 and ip6[41] == 4" :
	    "icmp[icmptype] == icmp-unreach and icmp[icmpcode] == 3", 2000);
}

/*
 * "block all" with states kept, plus the sentinel's way in.
 */
static const struct pk_ruleset block_all_keep_states = {
	.nft =
	    "flush ruleset\n"
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } "
	    "accept\n"
	    "    udp dport 7 accept\n"
	    "  }\n"
	    "  chain o { type filter hook output priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } "
	    "accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "block all\n"
	    "pass in proto udp to port 7\n"
	    "set skip on lo\n",
};

/* pf: "block all", "pass in proto icmp" (icmp6 for v6). */
#define	PASS_ICMP_NFT							\
	"table inet f {\n"						\
	"  chain i { type filter hook input priority 0; policy drop;\n"	\
	"    ct state established,related accept\n"			\
	"    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } "	\
	"accept\n"							\
	"    meta l4proto { icmp, ipv6-icmp } ct state new accept\n"	\
	"  }\n"								\
	"  chain o { type filter hook output priority 0; policy drop;\n" \
	"    ct state established,related accept\n"			\
	"    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } "	\
	"accept\n"							\
	"  }\n"								\
	"}\n"
static const struct pk_ruleset pass_icmp = {
	.nft = PASS_ICMP_NFT,
	.pf = "block all\npass in proto icmp\nset skip on lo\n",
};
static const struct pk_ruleset pass_icmp6 = {
	.nft = PASS_ICMP_NFT,
	.pf = "block all\npass in proto icmp6\nset skip on lo\n",
};

static void
kill_by_address(struct pk_tc *t, int v6)
{
	const char *other;
	struct hj h;

	hj_setup(t, &h, v6);
	other = v6 ? "2001:db8::3" : "192.0.2.3";
	pk_fw(t, h.jail, v6 ? &pass_icmp6 : &pass_icmp);
	ping_ok(t, &h);
	pk_fw_expect_count(t, h.jail, 1, .src = h.host);

	/* Blocked, but the state lets the flow go on. */
	pk_fw(t, h.jail, &block_all_keep_states);
	ping_ok(t, &h);
	/* Killing states of another address does not touch it. */
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .src = other), 0);
	ping_ok(t, &h);
	/* Nor does the right source with the wrong destination. */
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .src = h.host, .dst = other), 0);
	ping_ok(t, &h);
	/* The right address kills it: the flow is new, and blocked. */
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .src = h.host), 1);
	pk_fw_expect_count(t, h.jail, 0, .src = h.host);
	ping_blocked(t, &h);
}

PK_TC_CONF(kill_by_address_v4, "killing states by IPv4 source (and "
    "destination) removes only the matching state", .require_progs = "nft");
PK_TC_BODY(kill_by_address_v4, t)
{

	kill_by_address(t, 0);
}

PK_TC_CONF(kill_by_address_v6, "killing states by IPv6 source (and "
    "destination) removes only the matching state", .require_progs = "nft");
PK_TC_BODY(kill_by_address_v6, t)
{

	kill_by_address(t, 1);
}

/* Labels: "bar" and "foo" as connection marks. */
static const struct pk_ruleset labelled = {
	.nft =
	    "table inet f {\n"
	    "  chain i { type filter hook input priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "    meta l4proto tcp ct state new ct mark set 0x626172 accept\n"
	    "    meta l4proto icmp ct state new ct mark set 0x666f6f accept\n"
	    "  }\n"
	    "  chain o { type filter hook output priority 0; policy drop;\n"
	    "    ct state established,related accept\n"
	    "  }\n"
	    "}\n",
	.pf =
	    "block all\n"
	    "pass in proto tcp label bar\n"
	    "pass in proto icmp label foo\n"
	    "set skip on lo\n",
};

PK_TC_CONF(kill_by_label, "killing states by the label of the rule that "
    "made them removes only those", .require_progs = "nft");
PK_TC_BODY(kill_by_label, t)
{
	struct hj h;

	hj_setup(t, &h, 0);
	pk_fw(t, h.jail, &labelled);
	ping_ok(t, &h);
	pk_fw_expect_count(t, h.jail, 1, .label = "foo");
	pk_fw(t, h.jail, &block_all_keep_states);
	ping_ok(t, &h);
	/* A label of another rule, or of none, keeps the state. */
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .label = "bar"), 0);
	ping_ok(t, &h);
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .label = "baz"), 0);
	ping_ok(t, &h);
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .label = "foo"), 1);
	ping_blocked(t, &h);
}

static const struct pk_ruleset pass_tcp_icmp = {
	.nft = PASS_ICMP_NFT,
	.pf = "block all\npass in proto tcp\npass in proto icmp\n"
	    "set skip on lo\n",
};

PK_TC_CONF(kill_by_id, "killing a state by its id removes it; a wrong id "
    "removes nothing", .require_progs = "nft");
PK_TC_BODY(kill_by_id, t)
{
	const struct pk_fw_state *st;
	uint64_t id;
	struct hj h;
	size_t n;

	hj_setup(t, &h, 0);
	pk_fw(t, h.jail, &pass_tcp_icmp);
	ping_ok(t, &h);
	pk_fw(t, h.jail, &block_all_keep_states);
	ping_ok(t, &h);
	st = pk_fw_states(t, h.jail, &n, .proto = IPPROTO_ICMP,
	    .src = h.host);
	ATF_REQUIRE_EQ(n, 1);
	id = st->id;
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .id = id == 1 ? 2 : 1), 0);
	ping_ok(t, &h);
	ATF_CHECK_EQ(pk_fw_kill(t, h.jail, .id = id), 1);
	ping_blocked(t, &h);
}

/*
 * match: the case host 192.0.2.1 connects through the jail, which
 * translates it to 198.51.100.1, to singsing's echo port.
 */
PK_TC_CONF(kill_nat_connection_by_either_side, "a translated connection "
    "is one state on Linux: killing it by its original source removes "
    "both sides (pf keeps the NAT state unless told -M)",
    .require_progs = "nft");
PK_TC_BODY(kill_nat_connection_by_either_side, t)
{
	struct pk_epair *one, *two;
	struct pk_vnet *jail, *srv;
	const struct pk_fw_state *st;
	size_t n;
	int lfd;

	jail = pk_vnet(t, "alcatraz");
	srv = pk_vnet(t, "singsing");
	one = pk_epair(t, NULL, jail);
	two = pk_epair(t, jail, srv);
	pk_addr(t, one->a, "192.0.2.1/24");
	pk_addr(t, one->b, "192.0.2.2/24");
	pk_addr(t, two->a, "198.51.100.1/24");
	pk_addr(t, two->b, "198.51.100.2/24");
	pk_forwarding(t, jail);
	pk_route(t, srv, "default", "198.51.100.1");
	pk_route(t, NULL, "198.51.100.0/24", "192.0.2.2");
	lfd = pfs_listen(t, srv, AF_INET, 7);
	pfs_fw(t, jail,
	    "table ip n {\n"
	    "  chain po { type nat hook postrouting priority srcnat;\n"
	    "    oifname \"%1$s\" ip saddr 192.0.2.0/24 masquerade\n"
	    "  }\n"
	    "}\n",
	    "nat on %1$s from 192.0.2.0/24 -> (%1$s)\n"
	    "pass all\n",
	    pk_if_name(two->a));

	pfs_connect(t, NULL, NULL, 4201, "198.51.100.2", 7);
	pfs_accept(t, srv, lfd);
	/*
	 * pf has two states here, one per side of the translation; Linux
	 * has one entry whose reply direction is the translated side.
	 */
	st = pk_fw_states(t, jail, &n, .proto = IPPROTO_TCP);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_STREQ(st->src, "192.0.2.1");
	ATF_CHECK_STREQ(st->rdst, "198.51.100.1");
	ATF_CHECK_STREQ(st->state, "ESTABLISHED");
	/*
	 * The translated address is not the original source: without
	 * nat matching it kills nothing, as pfctl -k on it would leave the
	 * stack-side state.
	 */
	ATF_CHECK_EQ(pk_fw_kill(t, jail, .src = "198.51.100.1"), 0);
	/* pfctl -k 192.0.2.1 leaves pf's NAT state; here nothing is left. */
	ATF_CHECK_EQ(pk_fw_kill(t, jail, .src = "192.0.2.1"), 1);
	pk_fw_expect_count(t, jail, 0, .proto = IPPROTO_TCP);

	/* pfctl -M -k: by the translated address, matching both sides. */
	pfs_connect(t, NULL, NULL, 4202, "198.51.100.2", 7);
	pfs_accept(t, srv, lfd);
	pk_fw_expect_count(t, jail, 1, .proto = IPPROTO_TCP, .sport = 4202);
	ATF_CHECK_EQ(pk_fw_kill(t, jail, .src = "198.51.100.1", .nat = 1), 1);
	pk_fw_expect_count(t, jail, 0, .proto = IPPROTO_TCP);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, kill_by_address_v4);
	ATF_TP_ADD_TC(tp, kill_by_address_v6);
	ATF_TP_ADD_TC(tp, kill_by_label);
	ATF_TP_ADD_TC(tp, kill_by_id);
	ATF_TP_ADD_TC(tp, kill_nat_connection_by_either_side);
	return (atf_no_error());
}
