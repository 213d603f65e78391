/*
 * counts_test: kernel object counts.  Listed in EXCLUSIVE_TESTS: the
 * counts are global and another case running at the same time would
 * move them.
 */
#define _GNU_SOURCE	/* unshare(2) */
#include <sys/socket.h>

#include <netinet/in.h>

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "leak/pk_leak.h"

static long long
count_of(const struct pk_counts *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return (c->v[i].value);
	atf_tc_fail("no count named %s", name);
}

ATF_TC(read_offers_socket_counts);
ATF_TC_HEAD(read_offers_socket_counts, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(read_offers_socket_counts, tc)
{
	struct pk_counts c;
	struct pk_err err;

	ATF_REQUIRE_MSG(pk_counts_read(&c, &err) == 0, "%s", err.msg);
	ATF_CHECK(count_of(&c, "slab TCP") >= 0);
	ATF_CHECK(count_of(&c, "sockstat TCP alloc") >= 0);
	ATF_CHECK(count_of(&c, "sockstat TCP orphan") >= 0);
	pk_counts_free(&c);
}

/*
 * A TCP socket held open across the second reading is one more live
 * object in the TCP slab and in the global allocation count; closing it
 * brings both back.  Done in a private stack so nothing touches the
 * machine's.
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

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	ATF_REQUIRE_MSG(pk_counts_read(&before, &err) == 0, "%s", err.msg);
	ATF_REQUIRE((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	ATF_REQUIRE_MSG(pk_counts_read(&during, &err) == 0, "%s", err.msg);
	close(s);
	ATF_REQUIRE_MSG(pk_counts_read(&after, &err) == 0, "%s", err.msg);

	ATF_CHECK_EQ(count_of(&during, "slab TCP") -
	    count_of(&before, "slab TCP"), 1);
	ATF_CHECK_EQ(count_of(&during, "sockstat TCP alloc") -
	    count_of(&before, "sockstat TCP alloc"), 1);
	ATF_CHECK(pk_counts_diff(&before, &during, &rep) >= 2);
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

	ATF_TP_ADD_TC(tp, read_offers_socket_counts);
	ATF_TP_ADD_TC(tp, diff_sees_one_tcp_socket);
	return (atf_no_error());
}
