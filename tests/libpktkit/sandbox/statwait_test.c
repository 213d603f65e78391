/*
 * statwait_test: waiting for a vnet's protocol statistic to reach a
 * value, for events that leave only a counter behind.
 */
#include <errno.h>
#include <string.h>

#include <atf-c.h>

#include "pktkit.h"

PK_TC(stat_wait_returns_at_once_when_reached, "a statistic already at "
    "the value waited for returns without waiting");
PK_TC_BODY(stat_wait_returns_at_once_when_reached, t)
{
	struct pk_vnet *v;
	struct pk_err err;
	uint64_t val;
	int64_t start;

	v = pk_vnet(t, "alcatraz");
	start = pk_now_ms();
	val = 99;
	ATF_CHECK_EQ(pk_vnet_stat_wait(v, "Ip6.ReasmTimeout", 0, 10000,
	    &val, &err), 1);
	ATF_CHECK_EQ(val, 0);
	/* Far below the deadline: nothing was waited for. */
	ATF_CHECK(pk_now_ms() - start < 1000);
}

/*
 * A reassembly queue holding only a middle fragment expires without an
 * error to send: the counter is the only trace, and it moves a timer's
 * length after the fragment came.
 */
PK_TC(stat_wait_sees_a_later_increment, "a wait ends when the statistic "
    "moves, not before");
PK_TC_BODY(stat_wait_sees_a_later_increment, t)
{
	struct pk_topo topo;
	int64_t sent, took;

	pk_topo_pair(t, &topo);
	pk_sysctl(t, topo.server, "net.ipv6.ip6frag_time", "1");
	ATF_REQUIRE_EQ(pk_stat(t, topo.server, "Ip6.ReasmTimeout"), 0);
	pk_send(t, topo.client_if, PK_PKT(PK_IP6(.dst = topo.server6),
	    PK_IP6_FRAG(.off = 161, .mf = 1, .id = 7, .nh = 17),
	    PK_RAW(.len = 8, .fill = '6')));
	sent = pk_now_ms();
	ATF_CHECK_EQ(pk_stat_wait(t, topo.server, "Ip6.ReasmTimeout", 1,
	    10000), 1);
	took = pk_now_ms() - sent;
	/* The timer is one second; the wait did not end before it. */
	ATF_CHECK_MSG(took >= 900, "returned after %lld ms", (long long)took);
	ATF_CHECK_EQ(pk_stat(t, topo.server, "Ip6.ReasmFails"), 1);
}

PK_TC(stat_wait_gives_up_at_the_deadline, "a statistic that does not "
    "move ends the wait at the deadline with an error naming it");
PK_TC_BODY(stat_wait_gives_up_at_the_deadline, t)
{
	struct pk_vnet *v;
	struct pk_err err;
	uint64_t val;
	int64_t start, took;

	v = pk_vnet(t, "alcatraz");
	start = pk_now_ms();
	val = 99;
	ATF_CHECK_EQ(pk_vnet_stat_wait(v, "Ip6.ReasmTimeout", 1, 100, &val,
	    &err), 0);
	took = pk_now_ms() - start;
	ATF_CHECK_EQ(val, 0);
	ATF_CHECK_EQ(err.code, ETIMEDOUT);
	ATF_CHECK_MSG(strstr(err.msg, "Ip6.ReasmTimeout still 0") != NULL,
	    "%s", err.msg);
	ATF_CHECK_MSG(took >= 100 * pk_deadline_scale() - 1,
	    "gave up after %lld ms", (long long)took);
}

PK_TC(stat_wait_rejects_bad_arguments, "an unknown statistic or a zero "
    "deadline is an error, not a wait");
PK_TC_BODY(stat_wait_rejects_bad_arguments, t)
{
	struct pk_vnet *v;
	struct pk_err err;
	uint64_t val;

	v = pk_vnet(t, "alcatraz");
	ATF_CHECK_EQ(pk_vnet_stat_wait(v, "Ip6.NoSuchThing", 1, 100, &val,
	    &err), -1);
	ATF_CHECK_EQ(err.code, ENOENT);
	ATF_CHECK_EQ(pk_vnet_stat_wait(v, "Ip6.ReasmTimeout", 1, 0, &val,
	    &err), -1);
	ATF_CHECK_EQ(err.code, EINVAL);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, stat_wait_returns_at_once_when_reached);
	ATF_TP_ADD_TC(tp, stat_wait_sees_a_later_increment);
	ATF_TP_ADD_TC(tp, stat_wait_gives_up_at_the_deadline);
	ATF_TP_ADD_TC(tp, stat_wait_rejects_bad_arguments);
	return (atf_no_error());
}
