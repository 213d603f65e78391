/*
 * stat_test: a vnet's protocol statistics, as tests read them to see what
 * a stack did with a packet it did not answer.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"

/*
 * Send one UDP datagram to a closed port on the vnet's own loopback.
 */
static int
udp_to_closed_port(void *arg)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	int *af = arg, s;

	if ((s = socket(*af, SOCK_DGRAM, 0)) < 0)
		return (1);
	if (*af == AF_INET) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons(9);
		s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (sendto(s, "x", 1, 0, (struct sockaddr *)&s4,
		    sizeof(s4)) != 1)
			return (2);
	} else {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons(9);
		s6.sin6_addr = in6addr_loopback;
		if (sendto(s, "x", 1, 0, (struct sockaddr *)&s6,
		    sizeof(s6)) != 1)
			return (2);
	}
	close(s);
	return (0);
}

PK_TC(stat_counts_udp_to_closed_ports, "Udp.NoPorts and Udp6.NoPorts "
    "count datagrams to closed ports, per vnet");
PK_TC_BODY(stat_counts_udp_to_closed_ports, t)
{
	struct pk_vnet *v, *other;
	int af;

	v = pk_vnet(t, "alcatraz");
	other = pk_vnet(t, "singsing");
	ATF_CHECK_EQ(pk_stat(t, v, "Udp.NoPorts"), 0);
	af = AF_INET;
	pk_call(t, v, udp_to_closed_port, &af);
	ATF_CHECK_EQ(pk_stat(t, v, "Udp.NoPorts"), 1);
	ATF_CHECK_EQ(pk_stat(t, v, "Icmp.OutDestUnreachs"), 1);
	af = AF_INET6;
	pk_call(t, v, udp_to_closed_port, &af);
	ATF_CHECK_EQ(pk_stat(t, v, "Udp6.NoPorts"), 1);
	ATF_CHECK_EQ(pk_stat(t, v, "Icmp6.OutDestUnreachs"), 1);
	/* Another vnet's counters did not move. */
	ATF_CHECK_EQ(pk_stat(t, other, "Udp.NoPorts"), 0);
	ATF_CHECK_EQ(pk_stat(t, other, "Udp6.NoPorts"), 0);
	/* netstat's extended groups are reachable too. */
	ATF_CHECK_EQ(pk_stat(t, other, "TcpExt.SyncookiesSent"), 0);
}

PK_TC(stat_rejects_bad_names, "a malformed or unknown statistic is an "
    "error that says which");
PK_TC_BODY(stat_rejects_bad_names, t)
{
	struct pk_vnet *v;
	struct pk_err err;
	uint64_t val;

	v = pk_vnet(t, "alcatraz");
	ATF_CHECK_EQ(pk_vnet_stat(v, "ReasmFails", &val, &err), -1);
	ATF_CHECK_EQ(err.code, EINVAL);
	ATF_CHECK(strstr(err.msg, "Group.Name") != NULL);
	ATF_CHECK_EQ(pk_vnet_stat(v, "Ip.NoSuchThing", &val, &err), -1);
	ATF_CHECK_EQ(err.code, ENOENT);
	ATF_CHECK(strstr(err.msg, "Ip.NoSuchThing") != NULL);
	ATF_CHECK_EQ(pk_vnet_stat(v, "Ip6.NoSuchThing", &val, &err), -1);
	ATF_CHECK_EQ(err.code, ENOENT);
	ATF_CHECK_EQ(pk_vnet_stat(v, ".x", &val, &err), -1);
	ATF_CHECK_EQ(pk_vnet_stat(v, "Ip.", &val, &err), -1);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, stat_counts_udp_to_closed_ports);
	ATF_TP_ADD_TC(tp, stat_rejects_bad_names);
	return (atf_no_error());
}
