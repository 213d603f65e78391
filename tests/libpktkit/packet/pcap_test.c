/*
 * pcap_test: pcap files written and read back through libpcap.
 */
#include <errno.h>
#include <unistd.h>

#include "testutil.h"

struct seen {
	int		n;
	int		stop_at;
	size_t		len[8];
	long		usec[8];
	int		dlt;
	uint8_t		first[64];
};

static int
collect(void *arg, const uint8_t *p, size_t caplen, size_t wirelen,
    const struct timeval *ts, int dlt)
{
	struct seen *s = arg;

	if (s->n == 0)
		memcpy(s->first, p, caplen < 64 ? caplen : 64);
	ATF_CHECK(caplen <= wirelen);
	if (s->n < 8) {
		s->len[s->n] = caplen;
		s->usec[s->n] = (long)ts->tv_usec;
	}
	s->dlt = dlt;
	s->n++;
	return (s->stop_at != 0 && s->n == s->stop_at);
}

ATF_TC_WITHOUT_HEAD(pcap_write_then_read_round_trip);
ATF_TC_BODY(pcap_write_then_read_round_trip, tc)
{
	struct timeval tv = { 1700000000, 0 };
	struct seen s;
	struct pk_pcapw *w;
	struct pk_err err;
	uint8_t buf[256];
	size_t len;
	int k;

	ATF_REQUIRE((w = pk_pcapw_open("cap.pcap", PK_DLT_EN10MB, 0,
	    &err)) != NULL);
	for (k = 1; k <= 5; k++) {
		BUILD(PK_PKT(PK_ETHER(), PK_IP4(.dst = "192.0.2.1"),
		    PK_UDP(.sport = k), PK_RAW(.len = (size_t)k * 10)), buf,
		    &len);
		tv.tv_usec = k;
		ATF_REQUIRE(pk_pcapw_write(w, buf, len, &tv, &err) == 0);
	}
	ATF_REQUIRE_MSG(pk_pcapw_close(w, &err) == 0, "%s", err.msg);
	memset(&s, 0, sizeof(s));
	ATF_REQUIRE_EQ(pk_pcap_read("cap.pcap", collect, &s, &err), 5);
	ATF_CHECK_EQ(s.n, 5);
	ATF_CHECK_EQ(s.dlt, PK_DLT_EN10MB);
	for (k = 0; k < 5; k++) {
		ATF_CHECK_EQ(s.len[k], 42 + 10 * (size_t)(k + 1));
		ATF_CHECK_EQ(s.usec[k], k + 1);
	}
	ATF_CHECK_EQ(s.first[35], 1);	/* the first UDP source port */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	ATF_CHECK_EQ(pk_pcap_read("cap.pcap", collect, &s, &err), 2);
}

ATF_TC_WITHOUT_HEAD(pcap_snaplen_cuts_frames);
ATF_TC_BODY(pcap_snaplen_cuts_frames, tc)
{
	struct pk_pcapw *w;
	struct pk_err err;
	uint8_t buf[300];
	struct seen s;

	memset(buf, 0x45, sizeof(buf));
	ATF_REQUIRE((w = pk_pcapw_open("raw.pcap", PK_DLT_RAW, 100,
	    &err)) != NULL);
	ATF_REQUIRE(pk_pcapw_write(w, buf, sizeof(buf), NULL, &err) == 0);
	ATF_REQUIRE(pk_pcapw_close(w, &err) == 0);
	memset(&s, 0, sizeof(s));
	ATF_REQUIRE_EQ(pk_pcap_read("raw.pcap", collect, &s, &err), 1);
	ATF_CHECK_EQ(s.len[0], 100);
	ATF_CHECK_EQ(s.dlt, PK_DLT_RAW);
}

ATF_TC_WITHOUT_HEAD(pcap_errors_are_reported);
ATF_TC_BODY(pcap_errors_are_reported, tc)
{
	struct pk_err err;
	struct seen s;
	FILE *f;

	memset(&s, 0, sizeof(s));
	ATF_CHECK_EQ(pk_pcap_read("missing.pcap", collect, &s, &err), -1);
	ATF_CHECK(strstr(err.msg, "missing.pcap") != NULL);
	ATF_REQUIRE((f = fopen("junk.pcap", "w")) != NULL);
	fputs("this is not a capture file at all", f);
	fclose(f);
	ATF_CHECK_EQ(pk_pcap_read("junk.pcap", collect, &s, &err), -1);
	ATF_CHECK_EQ(s.n, 0);
	ATF_CHECK(pk_pcapw_open("no/such/dir/x.pcap", PK_DLT_EN10MB, 0,
	    &err) == NULL);
	ATF_CHECK(strstr(err.msg, "no/such/dir/x.pcap") != NULL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, pcap_write_then_read_round_trip);
	ATF_TP_ADD_TC(tp, pcap_snaplen_cuts_frames);
	ATF_TP_ADD_TC(tp, pcap_errors_are_reported);
	return (atf_no_error());
}
