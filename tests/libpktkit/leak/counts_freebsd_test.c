/*
 * counts_freebsd_test: kernel object counts as the FreeBSD backend
 * offers them (UMA zones).  Listed in EXCLUSIVE_TESTS: the zones are
 * global and another case running at the same time would move them.
 * Built on FreeBSD only (counts_test is its Linux sibling).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "leak/pk_leak.h"
#include "os/pk_os.h"

static long long
count_of(const struct pk_counts *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return (c->v[i].value);
	atf_tc_fail("no count named %s", name);
}

ATF_TC(read_offers_pcb_zone_counts);
ATF_TC_HEAD(read_offers_pcb_zone_counts, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(read_offers_pcb_zone_counts, tc)
{
	struct pk_counts c;
	struct pk_err err;

	ATF_REQUIRE_MSG(pk_counts_read(&c, &err) == 0, "%s", err.msg);
	ATF_CHECK(count_of(&c, "uma tcp_inpcb") >= 0);
	ATF_CHECK(count_of(&c, "uma udp_inpcb") >= 0);
	ATF_CHECK(count_of(&c, "uma ripcb") >= 0);
	ATF_CHECK(count_of(&c, "uma syncache") >= 0);
	pk_counts_free(&c);
}

/*
 * A TCP socket held open across the second reading is one more item in
 * the TCP control block zone; closing it brings the count back.  Done
 * in a private stack so nothing touches the machine's.
 */
ATF_TC(diff_sees_one_tcp_socket);
ATF_TC_HEAD(diff_sees_one_tcp_socket, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(diff_sees_one_tcp_socket, tc)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_counts before, during, after;
	struct pk_err err;
	int s;

	ATF_REQUIRE_MSG(pk_os_private_stack(&err) == 0, "%s", err.msg);
	ATF_REQUIRE_MSG(pk_counts_read(&before, &err) == 0, "%s", err.msg);
	ATF_REQUIRE((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	ATF_REQUIRE_MSG(pk_counts_read(&during, &err) == 0, "%s", err.msg);
	close(s);
	ATF_REQUIRE_MSG(pk_counts_read(&after, &err) == 0, "%s", err.msg);

	ATF_CHECK_EQ(count_of(&during, "uma tcp_inpcb") -
	    count_of(&before, "uma tcp_inpcb"), 1);
	ATF_CHECK(pk_counts_diff(&before, &during, &rep) >= 1);
	ATF_CHECK(rep.n >= 1 && strstr(rep.lines[0], "(+1)") != NULL);
	pk_report_free(&rep);
	ATF_CHECK_EQ(pk_counts_diff(&before, &after, &rep), 0);
	pk_report_free(&rep);
	pk_counts_free(&before);
	pk_counts_free(&during);
	pk_counts_free(&after);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, read_offers_pcb_zone_counts);
	ATF_TP_ADD_TC(tp, diff_sees_one_tcp_socket);
	return (atf_no_error());
}
