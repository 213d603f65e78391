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
/*
 * One reading of the three moments.  Returns 1 if nothing else on the
 * machine moved the counts meanwhile (the socket's +1 while open, back
 * to equal once closed).
 */
static int
measure(struct pk_counts *before, struct pk_counts *during,
    struct pk_counts *after)
{
	struct pk_err err;
	int s;

	ATF_REQUIRE_MSG(pk_counts_read(before, &err) == 0, "%s", err.msg);
	ATF_REQUIRE((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	ATF_REQUIRE_MSG(pk_counts_read(during, &err) == 0, "%s", err.msg);
	close(s);
	ATF_REQUIRE_MSG(pk_counts_read(after, &err) == 0, "%s", err.msg);
	return (count_of(during, "slab TCP") - count_of(before, "slab TCP") ==
	    1 && count_of(during, "sockstat TCP alloc") -
	    count_of(before, "sockstat TCP alloc") == 1 &&
	    count_of(after, "slab TCP") == count_of(before, "slab TCP") &&
	    count_of(after, "sockstat TCP alloc") ==
	    count_of(before, "sockstat TCP alloc"));
}

ATF_TC_BODY(diff_sees_one_tcp_socket, tc)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_counts before, during, after;
	int tries;

	ATF_REQUIRE(unshare(CLONE_NEWNET) == 0);
	/*
	 * The counts are global: a stack some earlier case left dying can
	 * free objects in the middle of a reading.  A broken count fails
	 * every reading; a disturbed one is read again, a few times.
	 */
	for (tries = 1; !measure(&before, &during, &after) && tries < 5;
	    tries++) {
		pk_counts_free(&before);
		pk_counts_free(&during);
		pk_counts_free(&after);
	}
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

/*
 * A count of objects every network stack holds (RAWv6 on Linux) moves
 * when anything on the machine makes or drops a stack: it is compared
 * only when the count of stacks is the same before and after.
 */
ATF_TC_WITHOUT_HEAD(diff_compares_per_stack_counts_among_equal_stacks);
ATF_TC_BODY(diff_compares_per_stack_counts_among_equal_stacks, tc)
{
	struct pk_count b[3] = {
		{ "slab RAWv6", 16, PK_COUNT_PER_STACK },
		{ "slab net_namespace", 3, PK_COUNT_STACKS },
		{ "slab TCP", 1, PK_COUNT_OBJECTS },
	};
	struct pk_count a[3];
	struct pk_counts before = { b, 3 }, after = { a, 3 };
	struct pk_report rep = PK_REPORT_INIT;

	/* Two more stacks, eight more sockets: a note, not a finding. */
	memcpy(a, b, sizeof(a));
	a[0].value = 24;
	a[1].value = 5;
	ATF_CHECK_EQ(pk_counts_diff(&before, &after, &rep), 0);
	ATF_REQUIRE_EQ(rep.n, 1);
	ATF_CHECK_MSG(strncmp(rep.lines[0], "note: slab RAWv6 not compared "
	    "(16 before the case, 24 after)", 55) == 0, "%s", rep.lines[0]);
	pk_report_free(&rep);
	/* Same stacks, more sockets: a leak. */
	a[1].value = 3;
	ATF_CHECK_EQ(pk_counts_diff(&before, &after, &rep), 1);
	ATF_REQUIRE_EQ(rep.n, 1);
	ATF_CHECK_STREQ(rep.lines[0], "leak: slab RAWv6 was 16 before the "
	    "case, 24 after (+8)");
	pk_report_free(&rep);
	/* Other counts are compared whatever the stacks do. */
	a[0].value = 16;
	a[1].value = 4;
	a[2].value = 2;
	ATF_CHECK_EQ(pk_counts_diff(&before, &after, &rep), 1);
	ATF_REQUIRE_EQ(rep.n, 1);
	ATF_CHECK_STREQ(rep.lines[0], "leak: slab TCP was 1 before the case, "
	    "2 after (+1)");
	pk_report_free(&rep);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, read_offers_socket_counts);
	ATF_TP_ADD_TC(tp, diff_sees_one_tcp_socket);
	ATF_TP_ADD_TC(tp, diff_compares_per_stack_counts_among_equal_stacks);
	return (atf_no_error());
}
