/*
 * tools_compat_test: pft_icmp_check, pft_synflood, pft_rst and sniffer
 * run as FreeBSD's pf tests run their Python counterparts; and what every
 * tool owes a shell test: quiet success, one-line errors, exit 2 for
 * usage errors.
 */
#include <stdio.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"
#include "compat.h"

/* Is s exactly one line (one newline, at the end)? */
static int
one_line(const char *s)
{
	const char *nl;

	nl = strchr(s, '\n');
	return (nl != NULL && nl[1] == '\0' && nl != s);
}

/* pf/route_to.sh icmp_nat: the error quotes the client's own header. */
PK_TC(icmp_check_through_nat, "route_to.sh icmp_nat: the frag-needed a NAT "
    "router sends quotes the client's addresses and ICMP sequence");
PK_TC_BODY(icmp_check_through_nat, t)
{
	struct topo tp;

	topo_rs(t, &tp);
	pk_mtu(t, tp.srv_r, 576);
	pk_mtu(t, tp.srv_s, 576);
	nft(t, tp.router, "table ip nat { chain post { type nat hook "
	    "postrouting priority 100; oifname \"%s\" masquerade; }; }\n",
	    IFN(tp.srv_r));
	check_run(t, NULL, 0, "%s --to 198.51.100.2 --fromaddr 192.0.2.2 "
	    "--recvif %s --sendif %s", tool(t, "pft_icmp_check"),
	    IFN(tp.tst_h), IFN(tp.tst_h));
	/* With room for the request there is no error to see. */
	pk_mtu(t, tp.srv_r, 1500);
	pk_mtu(t, tp.srv_s, 1500);
	check_run(t, NULL, 1, QUICK "%s --to 198.51.100.2 --fromaddr "
	    "192.0.2.2 --recvif %s --sendif %s", tool(t, "pft_icmp_check"),
	    IFN(tp.tst_h), IFN(tp.tst_h));
	/* Without --recvif it only sends. */
	check_run(t, NULL, 0, "%s --to 198.51.100.2 --fromaddr 192.0.2.2 "
	    "--sendif %s", tool(t, "pft_icmp_check"), IFN(tp.tst_h));
}

/* pf/syncookie.sh nostate: 20 SYNs, each a new port and sequence. */
PK_TC(synflood_reaches_the_peer, "syncookie.sh nostate: pft_synflood's "
    "20 SYNs all reach the peer, from ports 1..20 to port 22");
PK_TC_BODY(synflood_reaches_the_peer, t)
{
	struct pk_topo tp;

	pk_topo_pair(t, &tp);
	/* The sniffer in the jail runs the flood in the host. */
	check_run(t, tp.server, 0, "%s --recvif %s --dir in --defrag "
	    "--count 20 --filter 'tcp[tcpflags] == tcp-syn and dst port 22 and "
	    "src portrange 1-20 and tcp[4:4] >= 500 and tcp[4:4] < 520' -- "
	    "ip netns exec %s %s --sendif %s --to 192.0.2.2 --count 20",
	    tool(t, "sniffer"), IFN(tp.server_if), pk_vnet_kname(pk_host(t)),
	    tool(t, "pft_synflood"), IFN(tp.client_if));
	check_run(t, tp.server, 0, "%s --recvif %s --dir in --defrag "
	    "--count 5 --filter 'ip6 and tcp and dst port 22 and "
	    "ip6[53] == 2' -- "
	    "ip netns exec %s %s --sendif %s --to 2001:db8::2 --count 5",
	    tool(t, "sniffer"), IFN(tp.server_if), pk_vnet_kname(pk_host(t)),
	    tool(t, "pft_synflood"), IFN(tp.client_if));
	/* And the kernel took them, checksums and all: 25 resets. */
	ATF_CHECK_STREQ(pk_run_ok(t, tp.server, "nstat -az TcpOutRsts "
	    "TcpInCsumErrors | awk '/^Tcp/ { print $1, $2 }'"),
	    "TcpOutRsts 25\nTcpInCsumErrors 0\n");
	check_run(t, NULL, 0, "%s --sendif %s --to 2001:db8::2 --count 0 "
	    "--ip6", tool(t, "pft_synflood"), IFN(tp.client_if));
}

/* pf/tcp.sh rst: a forged reset sent through the attacker's stack. */
PK_TC(rst_is_sent_through_the_stack, "tcp.sh rst: pft_rst sends one RST "
    "with seq 1 from the given address and port, routed by the stack");
PK_TC_BODY(rst_is_sent_through_the_stack, t)
{
	struct pk_vnet *attack;
	struct pk_epair *ep;

	attack = pk_vnet(t, "attack");
	ep = pk_epair(t, NULL, attack);
	pk_addr(t, ep->a, "192.0.2.2/24");
	pk_addr(t, ep->b, "192.0.2.3/24");
	check_run(t, NULL, 0, "%s --recvif %s --filter 'src 192.0.2.1 and "
	    "dst 192.0.2.2 and tcp[tcpflags] == tcp-rst and src port 1234 "
	    "and dst port 4321 and tcp[4:4] == 1 and tcp[8:4] == 0' -- "
	    "ip netns exec %s %s 192.0.2.1 1234 192.0.2.2 4321",
	    tool(t, "sniffer"), IFN(ep->a), pk_vnet_kname(attack),
	    tool(t, "pft_rst"));
}

PK_TC(sniffer_counts_and_saves, "sniffer: --count 0 is an absence check; "
    "--pcap saves the capture; too few packets exit 1");
PK_TC_BODY(sniffer_counts_and_saves, t)
{
	struct pk_topo tp;
	char cwd[512];

	pk_topo_pair(t, &tp);
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	check_run(t, NULL, 0, "%s --recvif %s --filter 'icmp' --count 2 "
	    "--pcap %s/echo.pcap -- %s --sendif %s --to 192.0.2.2 "
	    "--replyif %s", tool(t, "sniffer"), IFN(tp.client_if), cwd,
	    tool(t, "pft_ping"), IFN(tp.client_if), IFN(tp.client_if));
	ATF_CHECK_STREQ(pk_run_ok(t, NULL, "tcpdump -nr %s/echo.pcap icmp "
	    "2>/dev/null | grep -c 'ICMP echo'", cwd), "2\n");
	check_run(t, NULL, 0, QUICK "%s --recvif %s --filter 'udp' "
	    "--count 0 -- %s --sendif %s --to 192.0.2.2 --replyif %s",
	    tool(t, "sniffer"), IFN(tp.client_if), tool(t, "pft_ping"),
	    IFN(tp.client_if), IFN(tp.client_if));
	check_run(t, NULL, 1, QUICK "%s --recvif %s --filter 'icmp' --count 3 "
	    "-- %s --sendif %s --to 192.0.2.2 --replyif %s",
	    tool(t, "sniffer"), IFN(tp.client_if), tool(t, "pft_ping"),
	    IFN(tp.client_if), IFN(tp.client_if));
}

/*
 * Every tool: a usage error is one line on stderr and exit 2, with
 * nothing on stdout; -h prints help on stdout only.
 */
PK_TC(usage_errors_are_one_line, "every tool: usage errors exit 2 with "
    "one line on stderr; -h prints help on stdout and exits 0");
PK_TC_BODY(usage_errors_are_one_line, t)
{
	static const char *const cmds[][2] = {
		{ "pft_ping", "--sendif x" },
		{ "pft_ping", "--sendif x --to 192.0.2.1" },
		{ "pft_ping", "--sendif x --to 192.0.2.1 --recvif y "
		    "--ping-type foo" },
		{ "pft_ping", "--sendif x --to 192.0.2.1 --recvif y "
		    "--send-t 3" },
		{ "pft_ping", "--sendif x --to 2001:db8::1 --recvif y "
		    "--expect-flags DF" },
		{ "pft_ping", "--sendif x --to 192.0.2.1 --recvif "
		    "\"$(printf 'a\\nb')\" --bogus \"$(printf 'c\\nd')\"" },
		{ "pft_synflood", "--sendif x --to 192.0.2.1 --count many" },
		{ "pft_synflood", "--sendif x --to 192.0.2.1" },
		{ "pft_synflood", "--sendif x --to 192.0.2.1 --count 1 "
		    "--ip6" },
		{ "pft_icmp_check", "--to 2001:db8::1 --fromaddr 192.0.2.1 "
		    "--sendif x" },
		{ "pft_icmp_check", "--to 192.0.2.1 --sendif x --recvif a b" },
		{ "pft_rst", "192.0.2.1 1234 192.0.2.2" },
		{ "pft_rst", "192.0.2.1 1234 192.0.2.2 70000" },
		{ "pft_rst", "192.0.2.1 1234 192.0.2.2 4321 extra" },
		{ "sniffer", "--count 1" },
		{ "sniffer", "--recvif x --timeout soon" },
		{ "sniffer", "--recvif x --dir sideways" },
	};
	static const char *const names[] = { "pft_ping", "pft_synflood",
	    "pft_icmp_check", "pft_rst", "sniffer" };
	size_t i;
	int st;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		st = pk_run(t, NULL, "%s %s", tool(t, cmds[i][0]),
		    cmds[i][1]);
		ATF_CHECK_EQ_MSG(st, 2, "%s %s: exit %d", cmds[i][0],
		    cmds[i][1], st);
		ATF_CHECK_MSG(one_line(pk_errout(t)), "%s %s: stderr '%s'",
		    cmds[i][0], cmds[i][1], pk_errout(t));
		ATF_CHECK_MSG(strncmp(pk_errout(t), cmds[i][0],
		    strlen(cmds[i][0])) == 0, "%s: '%s'", cmds[i][0],
		    pk_errout(t));
		ATF_CHECK_STREQ_MSG(pk_out(t), "", "%s %s", cmds[i][0],
		    cmds[i][1]);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		st = pk_run(t, NULL, "%s -h", tool(t, names[i]));
		ATF_CHECK_EQ_MSG(st, 0, "%s -h: exit %d", names[i], st);
		ATF_CHECK_MSG(strncmp(pk_out(t), "usage: ", 7) == 0,
		    "%s -h: '%s'", names[i], pk_out(t));
		ATF_CHECK_STREQ_MSG(pk_errout(t), "", "%s -h", names[i]);
	}
}

/* Copy s to buf with every '@' replaced by name. */
static void
subst(char *buf, size_t size, const char *s, const char *name)
{
	size_t n;

	for (n = 0; *s != '\0' && n + 1 < size; s++) {
		if (*s == '@') {
			n += (size_t)snprintf(buf + n, size - n, "%s", name);
			if (n >= size)
				n = size - 1;
		} else
			buf[n++] = *s;
	}
	buf[n < size ? n : size - 1] = '\0';
}

/* Every tool: run-time errors are one line and exit 255. */
PK_TC(runtime_errors_are_one_line, "every tool: an unknown interface, an "
    "unanswered next hop, a bad filter: one line on stderr, exit 255");
PK_TC_BODY(runtime_errors_are_one_line, t)
{
	static const char *const cmds[][2] = {
		{ "pft_ping", "--sendif nosuch0 --to 192.0.2.2 --replyif "
		    "nosuch0" },
		{ "pft_ping", "--sendif @ --to 192.0.2.99 --replyif @" },
		{ "pft_synflood", "--sendif nosuch0 --to 192.0.2.2 "
		    "--count 1" },
		{ "pft_icmp_check", "--sendif @ --to 192.0.2.99 --fromaddr "
		    "192.0.2.1" },
		{ "sniffer", "--recvif @ --filter 'no such filter'" },
		{ "sniffer", "--recvif @ -- /nonexistent/command" },
	};
	struct pk_topo tp;
	char args[256];
	size_t i;
	int st;

	pk_topo_pair(t, &tp);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		subst(args, sizeof(args), cmds[i][1], IFN(tp.client_if));
		st = pk_run(t, NULL, QUICK "%s %s", tool(t, cmds[i][0]),
		    args);
		ATF_CHECK_EQ_MSG(st, 255, "%s %s: exit %d", cmds[i][0], args,
		    st);
		ATF_CHECK_MSG(one_line(pk_errout(t)), "%s %s: stderr '%s'",
		    cmds[i][0], args, pk_errout(t));
		ATF_CHECK_STREQ_MSG(pk_out(t), "", "%s %s", cmds[i][0], args);
	}
}

/* -v says what happened, on stderr only, without changing the status. */
PK_TC(verbose_goes_to_stderr, "pft_ping -v: lines on stderr naming each "
    "sniffer's verdict; stdout stays empty; status unchanged");
PK_TC_BODY(verbose_goes_to_stderr, t)
{
	struct pk_topo tp;

	pk_topo_pair(t, &tp);
	ATF_CHECK_EQ(pk_run(t, NULL, "%s -v --sendif %s --to 192.0.2.2 "
	    "--replyif %s", tool(t, "pft_ping"), IFN(tp.client_if),
	    IFN(tp.client_if)), 0);
	ATF_CHECK_STREQ(pk_out(t), "");
	ATF_CHECK(strstr(pk_errout(t), "pft_ping: sniffer 0 on ") != NULL);
	ATF_CHECK(strstr(pk_errout(t), ": seen once\n") != NULL);
	ATF_CHECK_EQ(pk_run(t, NULL, QUICK "%s -v --sendif %s --to 192.0.2.2 "
	    "--replyif %s --expect-hlim 1", tool(t, "pft_ping"),
	    IFN(tp.client_if), IFN(tp.client_if)), 1);
	ATF_CHECK(strstr(pk_errout(t), "wrong TTL 64, expected 1") != NULL);
	ATF_CHECK(strstr(pk_errout(t), ": not seen\n") != NULL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, icmp_check_through_nat);
	ATF_TP_ADD_TC(tp, synflood_reaches_the_peer);
	ATF_TP_ADD_TC(tp, rst_is_sent_through_the_stack);
	ATF_TP_ADD_TC(tp, sniffer_counts_and_saves);
	ATF_TP_ADD_TC(tp, usage_errors_are_one_line);
	ATF_TP_ADD_TC(tp, runtime_errors_are_one_line);
	ATF_TP_ADD_TC(tp, verbose_goes_to_stderr);
	return (atf_no_error());
}
