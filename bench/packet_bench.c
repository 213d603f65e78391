/*
 * packet_bench: how fast pktkit crafts and dissects a few typical
 * packets, beside scapy doing the same in the same run (when Debian's
 * python3 can import it).  Prints packets per second and the ratio.
 *
 * Nothing is sent; the bench still moves into a network namespace of
 * its own first, like every pktkit bench, so that scapy's start-up looks
 * at no real interface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/pk_os.h"
#include "packet/pk_packet.h"
#include "pk_time.h"

#define	RUN_US		700000	/* per figure */
#define	SCAPY_PY	"/usr/bin/python3"
#define	SCAPY_SCRIPT	"packet_bench_scapy.py"
#define	NPKT		3

static const uint8_t payload[64] = "pktkit bench payload";

static int
build(int which, uint8_t *buf, size_t size, size_t *len)
{

	switch (which) {
	case 0:
		return (pk_pkt_build(PK_PKT(
		    PK_ETHER(.src = "02:00:00:00:00:01",
		    .dst = "02:00:00:00:00:02"),
		    PK_IP4(.src = "192.0.2.1", .dst = "192.0.2.2"),
		    PK_TCP(.sport = 40000, .dport = 80, .seq = 1000,
		    PK_TCPOPTS(PK_MSS(1460), PK_SACKOK(), PK_TS(1, 0),
		    PK_NOP(), PK_WSCALE(7)))), NULL, buf, size, len, NULL));
	case 1:
		return (pk_pkt_build(PK_PKT(
		    PK_ETHER(.src = "02:00:00:00:00:01",
		    .dst = "02:00:00:00:00:02"),
		    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
		    PK_ICMP6_ECHO(.id = 7, .seq = 1, .data = payload,
		    .datalen = 56)), NULL, buf, size, len, NULL));
	default:
		return (pk_pkt_build(PK_PKT(
		    PK_ETHER(.src = "02:00:00:00:00:01",
		    .dst = "02:00:00:00:00:02"),
		    PK_IP6(.src = "2001:db8::1", .dst = "2001:db8::2"),
		    PK_IP6_FRAG(.id = 0x1234),
		    PK_UDP(.sport = 5000, .dport = 53),
		    PK_RAW(.data = payload, .len = sizeof(payload))), NULL,
		    buf, size, len, NULL));
	}
}

static const char *const names[NPKT] = {
	"TCP SYN + options / IPv4",
	"ICMPv6 echo request",
	"UDP / IPv6 + Fragment hdr",
};

static double
rate(long n, int64_t us)
{

	return (us > 0 ? (double)n * 1e6 / (double)us : 0);
}

static double
craft_rate(int which)
{
	uint8_t buf[256];
	int64_t t0, t;
	size_t len;
	long n;
	int k;

	t0 = pk_now_us();
	n = 0;
	do {
		for (k = 0; k < 1000; k++, n++)
			if (build(which, buf, sizeof(buf), &len) != 0)
				return (-1);
		t = pk_now_us() - t0;
	} while (t < RUN_US);
	return (rate(n, t));
}

static double
dissect_rate(int which)
{
	static struct pk_dpkt d;
	uint8_t buf[256];
	int64_t t0, t;
	size_t len;
	long n;
	int k;

	if (build(which, buf, sizeof(buf), &len) != 0)
		return (-1);
	t0 = pk_now_us();
	n = 0;
	do {
		for (k = 0; k < 10000; k++, n++)
			if (pk_dissect(buf, len, PK_DLT_EN10MB, &d) != 0 ||
			    d.l[d.nlayers - 1].cksum == PK_CKSUM_BAD)
				return (-1);
		t = pk_now_us() - t0;
	} while (t < RUN_US);
	return (rate(n, t));
}

/* scapy's figures: "build parse" per packet, one line each. */
static int
scapy_rates(double sb[NPKT], double sp[NPKT])
{
	char line[256];
	FILE *f;
	int k;

	if (access(SCAPY_PY, X_OK) != 0 || access(SCAPY_SCRIPT, R_OK) != 0 ||
	    system(SCAPY_PY " -c 'import scapy' 2>/dev/null") != 0)
		return (-1);
	if ((f = popen(SCAPY_PY " " SCAPY_SCRIPT " 2>/dev/null", "r")) == NULL)
		return (-1);
	for (k = 0; k < NPKT && fgets(line, sizeof(line), f) != NULL; k++)
		if (sscanf(line, "%lf %lf", &sb[k], &sp[k]) != 2)
			break;
	if (pclose(f) != 0 || k != NPKT)
		return (-1);
	return (0);
}

int
main(void)
{
	double cb[NPKT], cd[NPKT], sb[NPKT], sp[NPKT];
	int k, scapy;

	/* Private stack first (root only; nothing is sent either way). */
	(void)pk_os_private_stack(NULL);
	for (k = 0; k < NPKT; k++) {
		cb[k] = craft_rate(k);
		cd[k] = dissect_rate(k);
		if (cb[k] < 0 || cd[k] < 0) {
			fprintf(stderr, "packet_bench: %s failed\n", names[k]);
			return (1);
		}
	}
	scapy = scapy_rates(sb, sp) == 0;
	printf("packet_bench: packets per second%s\n", scapy ? "" :
	    " (scapy not available: no comparison)");
	printf("  %-27s %12s %10s %8s %12s %10s %8s\n", "packet",
	    "pktkit craft", "scapy", "ratio", "pktkit parse", "scapy",
	    "ratio");
	for (k = 0; k < NPKT; k++) {
		printf("  %-27s %12.0f", names[k], cb[k]);
		if (scapy)
			printf(" %10.0f %7.0fx", sb[k], cb[k] / sb[k]);
		else
			printf(" %10s %8s", "-", "-");
		printf(" %12.0f", cd[k]);
		if (scapy)
			printf(" %10.0f %7.0fx", sp[k], cd[k] / sp[k]);
		printf("\n");
	}
	pk_pkt_build_release();
	return (0);
}
