/*
 * stats_freebsd.c: a vnet's protocol statistics (see pk_os_stat_get()).
 *
 * The seam names statistics as Linux's /proc/net/snmp, snmp6 and
 * netstat files do ("Ip.ReasmFails").  FreeBSD keeps them per vnet in
 * the structures net.inet.ip.stats, net.inet.icmp.stats and friends
 * return (struct ipstat, icmpstat, udpstat, tcpstat, ip6stat,
 * icmp6stat), read in a child attached to the jail.  The table below
 * maps each name onto the fields that count the same events; a name
 * with no faithful counterpart is not in it and fails with ENOENT.
 *
 * FreeBSD counts UDP over IPv4 and IPv6 together.  Datagrams to a closed
 * IPv6 port are counted by the ICMPv6 errors they raise, and the IPv4
 * ones are the rest.  TCP is counted for both families together on
 * Linux too.
 */
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sysctl.h>

#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/icmp_var.h>
#include <netinet/ip_var.h>
#include <netinet/tcp_var.h>
#include <netinet/udp_var.h>
#include <netinet6/ip6_var.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "os_freebsd.h"

enum { S_IP, S_ICMP, S_UDP, S_TCP, S_IP6, S_ICMP6, S_COUNT };

static const struct {
	const char	*sysctl;
	size_t		 size;
} stables[S_COUNT] = {
	{ "net.inet.ip.stats", sizeof(struct ipstat) },
	{ "net.inet.icmp.stats", sizeof(struct icmpstat) },
	{ "net.inet.udp.stats", sizeof(struct udpstat) },
	{ "net.inet.tcp.stats", sizeof(struct tcpstat) },
	{ "net.inet6.ip6.stats", sizeof(struct ip6stat) },
	{ "net.inet6.icmp6.stats", sizeof(struct icmp6stat) },
};

struct term {
	int	table;		/* S_, or -1: unused */
	size_t	off;
	size_t	size;		/* 4 or 8 */
	int	sign;		/* +1 or -1 */
};

#define	TERMS	6

struct mapping {
	const char	*name;
	struct term	 t[TERMS];
};

#define	F(tbl, type, m, s)						\
	{ (tbl), offsetof(struct type, m), sizeof(((struct type *)0)->m), (s) }
#define	IP(m)		F(S_IP, ipstat, m, 1)
#define	ICMP(m)		F(S_ICMP, icmpstat, m, 1)
#define	UDP(m)		F(S_UDP, udpstat, m, 1)
#define	TCP(m)		F(S_TCP, tcpstat, m, 1)
#define	IP6(m)		F(S_IP6, ip6stat, m, 1)
#define	ICMP6(m)	F(S_ICMP6, icmp6stat, m, 1)
#define	END		{ -1, 0, 0, 0 }

static const struct mapping map[] = {
	{ "Ip.InReceives", { IP(ips_total), END } },
	{ "Ip.InHdrErrors", { IP(ips_badsum), IP(ips_tooshort),
	    IP(ips_toosmall), IP(ips_badhlen), IP(ips_badlen),
	    IP(ips_badvers) } },
	{ "Ip.ForwDatagrams", { IP(ips_forward), END } },
	{ "Ip.InUnknownProtos", { IP(ips_noproto), END } },
	{ "Ip.InDelivers", { IP(ips_delivered), END } },
	{ "Ip.OutRequests", { IP(ips_localout), END } },
	{ "Ip.OutDiscards", { IP(ips_odropped), END } },
	{ "Ip.OutNoRoutes", { IP(ips_noroute), END } },
	{ "Ip.ReasmTimeout", { IP(ips_fragtimeout), END } },
	{ "Ip.ReasmReqds", { IP(ips_fragments), END } },
	{ "Ip.ReasmOKs", { IP(ips_reassembled), END } },
	{ "Ip.ReasmFails", { IP(ips_fragdropped), IP(ips_fragtimeout),
	    END } },
	{ "Ip.FragOKs", { IP(ips_fragmented), END } },
	{ "Ip.FragFails", { IP(ips_cantfrag), END } },
	{ "Ip.FragCreates", { IP(ips_ofragments), END } },
	{ "Icmp.InErrors", { ICMP(icps_badcode), ICMP(icps_tooshort),
	    ICMP(icps_checksum), ICMP(icps_badlen), END } },
	{ "Icmp.InCsumErrors", { ICMP(icps_checksum), END } },
	{ "Icmp.InDestUnreachs", { ICMP(icps_inhist[ICMP_UNREACH]), END } },
	{ "Icmp.InTimeExcds", { ICMP(icps_inhist[ICMP_TIMXCEED]), END } },
	{ "Icmp.InParmProbs", { ICMP(icps_inhist[ICMP_PARAMPROB]), END } },
	{ "Icmp.InRedirects", { ICMP(icps_inhist[ICMP_REDIRECT]), END } },
	{ "Icmp.InEchos", { ICMP(icps_inhist[ICMP_ECHO]), END } },
	{ "Icmp.InEchoReps", { ICMP(icps_inhist[ICMP_ECHOREPLY]), END } },
	{ "Icmp.OutDestUnreachs", { ICMP(icps_outhist[ICMP_UNREACH]), END } },
	{ "Icmp.OutTimeExcds", { ICMP(icps_outhist[ICMP_TIMXCEED]), END } },
	{ "Icmp.OutParmProbs", { ICMP(icps_outhist[ICMP_PARAMPROB]), END } },
	{ "Icmp.OutRedirects", { ICMP(icps_outhist[ICMP_REDIRECT]), END } },
	{ "Icmp.OutEchoReps", { ICMP(icps_outhist[ICMP_ECHOREPLY]), END } },
	{ "Udp.NoPorts", { UDP(udps_noport),
	    F(S_ICMP6, icmp6stat, icp6s_odst_unreach_noport, -1), END } },
	{ "Udp6.NoPorts", { ICMP6(icp6s_odst_unreach_noport), END } },
	{ "Tcp.ActiveOpens", { TCP(tcps_connattempt), END } },
	{ "Tcp.PassiveOpens", { TCP(tcps_accepts), END } },
	{ "Tcp.AttemptFails", { TCP(tcps_conndrops), END } },
	{ "Tcp.EstabResets", { TCP(tcps_drops), END } },
	{ "Tcp.InSegs", { TCP(tcps_rcvtotal), END } },
	{ "Tcp.OutSegs", { TCP(tcps_sndtotal), END } },
	{ "Tcp.RetransSegs", { TCP(tcps_sndrexmitpack), END } },
	{ "Tcp.InCsumErrors", { TCP(tcps_rcvbadsum), END } },
	{ "TcpExt.SyncookiesSent", { TCP(tcps_sc_sendcookie), END } },
	{ "TcpExt.SyncookiesRecv", { TCP(tcps_sc_recvcookie), END } },
	{ "TcpExt.ListenOverflows", { TCP(tcps_listendrop), END } },
	{ "TcpExt.TCPTimeouts", { TCP(tcps_rexmttimeo), END } },
	{ "Ip6.InReceives", { IP6(ip6s_total), END } },
	{ "Ip6.InTruncatedPkts", { IP6(ip6s_tooshort), END } },
	{ "Ip6.InDelivers", { IP6(ip6s_delivered), END } },
	{ "Ip6.OutForwDatagrams", { IP6(ip6s_forward), END } },
	{ "Ip6.OutRequests", { IP6(ip6s_localout), END } },
	{ "Ip6.OutDiscards", { IP6(ip6s_odropped), END } },
	{ "Ip6.OutNoRoutes", { IP6(ip6s_noroute), END } },
	{ "Ip6.ReasmTimeout", { IP6(ip6s_fragtimeout), END } },
	{ "Ip6.ReasmReqds", { IP6(ip6s_fragments), END } },
	{ "Ip6.ReasmOKs", { IP6(ip6s_reassembled), END } },
	{ "Ip6.ReasmFails", { IP6(ip6s_fragdropped), IP6(ip6s_fragtimeout),
	    IP6(ip6s_fragoverflow), END } },
	{ "Ip6.FragOKs", { IP6(ip6s_fragmented), END } },
	{ "Ip6.FragFails", { IP6(ip6s_cantfrag), END } },
	{ "Ip6.FragCreates", { IP6(ip6s_ofragments), END } },
	{ "Icmp6.InErrors", { ICMP6(icp6s_badcode), ICMP6(icp6s_tooshort),
	    ICMP6(icp6s_checksum), ICMP6(icp6s_badlen), END } },
	{ "Icmp6.InCsumErrors", { ICMP6(icp6s_checksum), END } },
	{ "Icmp6.InDestUnreachs",
	    { ICMP6(icp6s_inhist[ICMP6_DST_UNREACH]), END } },
	{ "Icmp6.InPktTooBigs",
	    { ICMP6(icp6s_inhist[ICMP6_PACKET_TOO_BIG]), END } },
	{ "Icmp6.InTimeExcds",
	    { ICMP6(icp6s_inhist[ICMP6_TIME_EXCEEDED]), END } },
	{ "Icmp6.InParmProblems",
	    { ICMP6(icp6s_inhist[ICMP6_PARAM_PROB]), END } },
	{ "Icmp6.InEchos", { ICMP6(icp6s_inhist[ICMP6_ECHO_REQUEST]), END } },
	{ "Icmp6.InEchoReplies",
	    { ICMP6(icp6s_inhist[ICMP6_ECHO_REPLY]), END } },
	{ "Icmp6.InRouterSolicits",
	    { ICMP6(icp6s_inhist[ND_ROUTER_SOLICIT]), END } },
	{ "Icmp6.InRouterAdvertisements",
	    { ICMP6(icp6s_inhist[ND_ROUTER_ADVERT]), END } },
	{ "Icmp6.InNeighborSolicits",
	    { ICMP6(icp6s_inhist[ND_NEIGHBOR_SOLICIT]), END } },
	{ "Icmp6.InNeighborAdvertisements",
	    { ICMP6(icp6s_inhist[ND_NEIGHBOR_ADVERT]), END } },
	{ "Icmp6.InRedirects", { ICMP6(icp6s_inhist[ND_REDIRECT]), END } },
	{ "Icmp6.OutDestUnreachs",
	    { ICMP6(icp6s_outhist[ICMP6_DST_UNREACH]), END } },
	{ "Icmp6.OutPktTooBigs",
	    { ICMP6(icp6s_outhist[ICMP6_PACKET_TOO_BIG]), END } },
	{ "Icmp6.OutTimeExcds",
	    { ICMP6(icp6s_outhist[ICMP6_TIME_EXCEEDED]), END } },
	{ "Icmp6.OutParmProblems",
	    { ICMP6(icp6s_outhist[ICMP6_PARAM_PROB]), END } },
	{ "Icmp6.OutEchoReplies",
	    { ICMP6(icp6s_outhist[ICMP6_ECHO_REPLY]), END } },
	{ "Icmp6.OutRouterSolicits",
	    { ICMP6(icp6s_outhist[ND_ROUTER_SOLICIT]), END } },
	{ "Icmp6.OutNeighborSolicits",
	    { ICMP6(icp6s_outhist[ND_NEIGHBOR_SOLICIT]), END } },
	{ "Icmp6.OutNeighborAdvertisements",
	    { ICMP6(icp6s_outhist[ND_NEIGHBOR_ADVERT]), END } },
	{ "Icmp6.OutRedirects", { ICMP6(icp6s_outhist[ND_REDIRECT]), END } },
};

static const struct mapping *
map_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return (&map[i]);
	return (NULL);
}

/*
 * Read the tables the terms need, once each, and add the terms up.
 */
static int
map_eval(struct pk_os_vnet *ov, const struct mapping *m, uint64_t *val,
    struct pk_err *err)
{
	int mib[CTL_MAXNAME];
	void *tab[S_COUNT];
	size_t len, got[S_COUNT];
	int64_t sum;
	uint64_t v8;
	uint32_t v4;
	int i, t, rc;

	memset(tab, 0, sizeof(tab));
	sum = 0;
	rc = 0;
	for (i = 0; i < TERMS && m->t[i].table >= 0 && rc == 0; i++) {
		t = m->t[i].table;
		if (tab[t] == NULL) {
			len = CTL_MAXNAME;
			if (sysctlnametomib(stables[t].sysctl, mib, &len) != 0)
				rc = pk_err_sys(err, errno, "%s",
				    stables[t].sysctl);
			else if (pk_fbsd_sysctl_get(ov, mib, (u_int)len,
			    &tab[t], &got[t], err) != 0)
				rc = pk_err_prefix(err, "%s",
				    stables[t].sysctl);
			else if (got[t] < stables[t].size)
				rc = pk_err_set(err, EINVAL, "%s: %zu bytes, "
				    "not %zu", stables[t].sysctl, got[t],
				    stables[t].size);
			if (rc != 0)
				break;
		}
		if (m->t[i].size == 4) {
			memcpy(&v4, (char *)tab[t] + m->t[i].off, 4);
			v8 = v4;
		} else
			memcpy(&v8, (char *)tab[t] + m->t[i].off, 8);
		sum += m->t[i].sign * (int64_t)v8;
	}
	for (t = 0; t < S_COUNT; t++)
		free(tab[t]);
	if (rc != 0)
		return (-1);
	/* A difference can dip below zero only if the sources disagree. */
	*val = sum > 0 ? (uint64_t)sum : 0;
	return (0);
}

int
pk_os_stat_get(struct pk_os_vnet *ov, const char *name, uint64_t *val,
    struct pk_err *err)
{
	const struct mapping *m;
	const char *dot;

	dot = strchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0')
		return (pk_err_set(err, EINVAL, "statistic %s: not of the form "
		    "Group.Name (Ip.ReasmFails, Ip6.ReasmFails, "
		    "TcpExt.SyncookiesSent)", name));
	if ((m = map_find(name)) == NULL)
		return (pk_err_set(err, ENOENT, "statistic %s: no such "
		    "statistic on FreeBSD", name));
	return (map_eval(ov, m, val, err));
}
