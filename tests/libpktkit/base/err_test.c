/*
 * err_test: error records, finding reports and deadlines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pk_err.h"
#include "pk_report.h"
#include "pk_time.h"

ATF_TC_WITHOUT_HEAD(err_set_formats_and_returns_minus_one);
ATF_TC_BODY(err_set_formats_and_returns_minus_one, tc)
{
	struct pk_err err;

	ATF_CHECK_EQ(pk_err_set(&err, EINVAL, "bad %s %d", "thing", 7), -1);
	ATF_CHECK_EQ(err.code, EINVAL);
	ATF_CHECK_STREQ(err.msg, "bad thing 7");
	ATF_CHECK_EQ(pk_err_set(NULL, EINVAL, "ignored"), -1);
}

ATF_TC_WITHOUT_HEAD(err_sys_appends_strerror);
ATF_TC_BODY(err_sys_appends_strerror, tc)
{
	struct pk_err err;
	char want[PK_ERRMSG_MAX];

	pk_err_sys(&err, ENOENT, "open %s", "/nonexistent");
	snprintf(want, sizeof(want), "open /nonexistent: %s", strerror(ENOENT));
	ATF_CHECK_STREQ(err.msg, want);
}

ATF_TC_WITHOUT_HEAD(err_prefix_adds_context);
ATF_TC_BODY(err_prefix_adds_context, tc)
{
	struct pk_err err;

	pk_err_set(&err, EEXIST, "file exists");
	ATF_CHECK_EQ(pk_err_prefix(&err, "vnet %s", "alcatraz"), -1);
	ATF_CHECK_STREQ(err.msg, "vnet alcatraz: file exists");
	ATF_CHECK_EQ(err.code, EEXIST);
}

ATF_TC_WITHOUT_HEAD(err_truncates_long_messages);
ATF_TC_BODY(err_truncates_long_messages, tc)
{
	struct pk_err err;
	char big[2 * PK_ERRMSG_MAX];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pk_err_set(&err, 0, "%s", big);
	ATF_CHECK_EQ(strlen(err.msg), PK_ERRMSG_MAX - 1);
	pk_err_prefix(&err, "ctx");
	ATF_CHECK_EQ(strlen(err.msg), PK_ERRMSG_MAX - 1);
	ATF_CHECK(strncmp(err.msg, "ctx: xxx", 8) == 0);
}

ATF_TC_WITHOUT_HEAD(report_collects_and_joins);
ATF_TC_BODY(report_collects_and_joins, tc)
{
	struct pk_report rep = PK_REPORT_INIT;
	char buf[64], tiny[8];
	size_t n;

	pk_report_add(&rep, "leak: %s", "epair0a");
	pk_report_add(&rep, "leak: vnet %s", "alcatraz");
	ATF_REQUIRE_EQ(rep.n, 2);
	n = pk_report_join(&rep, "; ", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "leak: epair0a; leak: vnet alcatraz");
	ATF_CHECK_EQ(n, strlen(buf));
	n = pk_report_join(&rep, "; ", tiny, sizeof(tiny));
	ATF_CHECK_EQ(n, strlen(buf));
	ATF_CHECK_STREQ(tiny, "leak: e");
	pk_report_free(&rep);
	ATF_CHECK_EQ(rep.n, 0);
	ATF_CHECK(rep.lines == NULL);
}

ATF_TC_WITHOUT_HEAD(deadline_scale_from_environment);
ATF_TC_BODY(deadline_scale_from_environment, tc)
{

	unsetenv("PKTKIT_DEADLINE_SCALE");
	ATF_CHECK_EQ(pk_deadline_ms(2000), 2000);
	setenv("PKTKIT_DEADLINE_SCALE", "2.5", 1);
	ATF_CHECK_EQ(pk_deadline_ms(2000), 5000);
	ATF_CHECK_EQ(pk_deadline_ms(1), 3);
	setenv("PKTKIT_DEADLINE_SCALE", "-3", 1);
	ATF_CHECK_EQ(pk_deadline_ms(2000), 2000);
	setenv("PKTKIT_DEADLINE_SCALE", "fast", 1);
	ATF_CHECK_EQ(pk_deadline_ms(2000), 2000);
	unsetenv("PKTKIT_DEADLINE_SCALE");
}

ATF_TC_WITHOUT_HEAD(ms_left_counts_down_to_zero);
ATF_TC_BODY(ms_left_counts_down_to_zero, tc)
{
	int64_t now;

	now = pk_now_ms();
	ATF_CHECK_EQ(pk_ms_left(now - 5), 0);
	ATF_CHECK(pk_ms_left(now + 100000) > 99000);
	ATF_CHECK(pk_now_us() / 1000 >= now);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, err_set_formats_and_returns_minus_one);
	ATF_TP_ADD_TC(tp, err_sys_appends_strerror);
	ATF_TP_ADD_TC(tp, err_prefix_adds_context);
	ATF_TP_ADD_TC(tp, err_truncates_long_messages);
	ATF_TP_ADD_TC(tp, report_collects_and_joins);
	ATF_TP_ADD_TC(tp, deadline_scale_from_environment);
	ATF_TP_ADD_TC(tp, ms_left_counts_down_to_zero);
	return (atf_no_error());
}
