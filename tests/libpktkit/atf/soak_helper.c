/*
 * soak_helper: one realistic, clean case registered many times, for
 * "make soak" (soak.sh) to run under kyua and count false leak reports.
 * Too slow for the main suite, so not listed in the Kyuafile.
 *
 * The case: a client and a server on either side of a router, joined by
 * epairs, with IPv4 and IPv6 addresses and routes; the case host on a
 * third epair to the router; a firewall on the router that counts what
 * it forwards; pings across, both families, and from the host.
 *
 * PKTKIT_SOAK_CASES in the environment sets the number of copies (1000).
 */
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

#define	SOAK_CASES	1000

static const char router_rules[] =
    "table inet soak {\n"
    "  chain forward {\n"
    "    type filter hook forward priority 0; policy drop;\n"
    "    ct state established,related accept\n"
    "    meta l4proto icmp counter accept\n"
    "    meta l4proto ipv6-icmp counter accept\n"
    "  }\n"
    "}\n";

static const struct pk_tc_conf soak_conf = {
	.descr = "a client and a server behind a firewalled router ping "
	    "each other over IPv4 and IPv6, and nothing leaks",
	.require_progs = "nft ping",
};

PK_TC_BODY(clean_case, t)
{
	struct pk_ruleset rs = { .nft = router_rules, .pf = NULL };
	struct pk_vnet *client, *router, *server;
	struct pk_epair *cr, *rs_, *hr;
	const char *out;

	client = pk_vnet(t, "client");
	router = pk_vnet(t, "router");
	server = pk_vnet(t, "server");
	cr = pk_epair(t, client, router);
	rs_ = pk_epair(t, router, server);
	hr = pk_epair(t, NULL, router);

	pk_addr(t, cr->a, "192.0.2.1/24");
	pk_addr(t, cr->a, "2001:db8:1::1/64");
	pk_addr(t, cr->b, "192.0.2.254/24");
	pk_addr(t, cr->b, "2001:db8:1::fe/64");
	pk_addr(t, rs_->a, "198.51.100.254/24");
	pk_addr(t, rs_->a, "2001:db8:2::fe/64");
	pk_addr(t, rs_->b, "198.51.100.1/24");
	pk_addr(t, rs_->b, "2001:db8:2::1/64");
	pk_addr(t, hr->a, "203.0.113.1/24");
	pk_addr(t, hr->b, "203.0.113.254/24");

	pk_route(t, client, "default", "192.0.2.254");
	pk_route(t, client, "default6", "2001:db8:1::fe");
	pk_route(t, server, "default", "198.51.100.254");
	pk_route(t, server, "default6", "2001:db8:2::fe");
	pk_route(t, NULL, "198.51.100.0/24", "203.0.113.254");
	pk_forwarding(t, router);
	pk_fw(t, router, &rs);

	pk_run_ok(t, client, "ping -q -c1 -W5 198.51.100.1 >/dev/null");
	pk_run_ok(t, client, "ping -q -6 -c1 -W5 2001:db8:2::1 >/dev/null");
	pk_run_ok(t, NULL, "ping -q -c1 -W5 198.51.100.1 >/dev/null");
	out = pk_run_ok(t, router, "nft list chain inet soak forward");
	/* Both families went through the router's counters. */
	ATF_CHECK_MSG(strstr(out, "meta l4proto icmp counter packets 0 ") ==
	    NULL, "no ICMP forwarded: %s", out);
	ATF_CHECK_MSG(strstr(out, "meta l4proto ipv6-icmp counter packets "
	    "0 ") == NULL, "no ICMPv6 forwarded: %s", out);
}

ATF_TP_ADD_TCS(tp)
{
	const char *s;
	char *end;
	long n;

	n = SOAK_CASES;
	if ((s = getenv("PKTKIT_SOAK_CASES")) != NULL && *s != '\0') {
		n = strtol(s, &end, 10);
		if (*end != '\0' || n < 1 || n > 1000000)
			n = SOAK_CASES;
	}
	return (pk_tc_add_repeated(tp, "clean_case", (unsigned)n, &soak_conf,
	    pk_tc_body_clean_case));
}
