/*
 * iflist_test: interface-list snapshots and their diffs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "leak/pk_leak.h"
#include "os/pk_os.h"

static void
private_stack(void)
{
	struct pk_err err;

	ATF_REQUIRE_MSG(pk_os_private_stack(&err) == 0, "%s", err.msg);
}

static struct pk_iflist
mklist(const struct pk_ifent *v, size_t n)
{
	struct pk_iflist l;

	l.v = malloc(n * sizeof(*v) + 1);
	ATF_REQUIRE(l.v != NULL);
	memcpy(l.v, v, n * sizeof(*v));
	l.n = n;
	return (l);
}

ATF_TC(current_lists_loopback_of_a_new_stack);
ATF_TC_HEAD(current_lists_loopback_of_a_new_stack, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(current_lists_loopback_of_a_new_stack, tc)
{
	struct pk_iflist l;
	struct pk_err err;

	private_stack();
	ATF_REQUIRE_MSG(pk_iflist_current(&l, &err) == 0, "%s", err.msg);
	ATF_REQUIRE_EQ(l.n, 1);
	/* "lo" on Linux, "lo0" on FreeBSD. */
	ATF_CHECK_MSG(strncmp(l.v[0].name, "lo", 2) == 0, "%s", l.v[0].name);
	ATF_CHECK_STREQ(l.v[0].kind, "loopback");
	ATF_CHECK_EQ(l.v[0].index, 1);
	pk_iflist_free(&l);
}

ATF_TC_WITHOUT_HEAD(diff_names_appeared_gone_and_replaced);
ATF_TC_BODY(diff_names_appeared_gone_and_replaced, tc)
{
	static const struct pk_ifent b[] = {
		{ 1, "lo", "" }, { 2, "epair0a", "veth" }, { 3, "x0", "" },
	};
	static const struct pk_ifent a[] = {
		{ 1, "lo", "" }, { 5, "epair0a", "veth" },
		{ 6, "epair1b", "veth" },
	};
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_iflist before, after;

	before = mklist(b, 3);
	after = mklist(a, 3);
	ATF_REQUIRE_EQ(pk_iflist_diff(&before, &after, "the case host", &rep),
	    3);
	ATF_CHECK_STREQ(rep.lines[0], "leak: interface epair0a in the case "
	    "host was replaced: index 2 before, 5 after");
	ATF_CHECK_STREQ(rep.lines[1], "leak: interface epair1b (veth, index "
	    "6) appeared in the case host and is still there");
	ATF_CHECK_STREQ(rep.lines[2], "leak: interface x0 (unknown kind, "
	    "index 3) of the case host is gone");
	pk_report_free(&rep);
	ATF_CHECK_EQ(pk_iflist_diff(&before, &before, "x", &rep), 0);
	ATF_CHECK_EQ(rep.n, 0);
	pk_iflist_free(&before);
	pk_iflist_free(&after);
}

ATF_TC_WITHOUT_HEAD(save_and_load_round_trip);
ATF_TC_BODY(save_and_load_round_trip, tc)
{
	static const struct pk_ifent v[] = {
		{ 1, "lo", "" }, { 7, "epair0a", "veth" },
	};
	struct pk_iflist l, back;
	struct pk_err err;

	l = mklist(v, 2);
	ATF_REQUIRE_MSG(pk_iflist_save(&l, "ifs", &err) == 0, "%s", err.msg);
	ATF_REQUIRE_MSG(pk_iflist_load(&back, "ifs", &err) == 0, "%s",
	    err.msg);
	ATF_REQUIRE_EQ(back.n, 2);
	ATF_CHECK(memcmp(back.v, l.v, 2 * sizeof(*v)) == 0);
	pk_iflist_free(&l);
	pk_iflist_free(&back);
}

ATF_TC_WITHOUT_HEAD(load_rejects_garbage);
ATF_TC_BODY(load_rejects_garbage, tc)
{
	struct pk_iflist l;
	struct pk_err err;
	FILE *f;

	ATF_REQUIRE((f = fopen("bad", "w")) != NULL);
	fprintf(f, "1 lo -\nnot a line\n");
	fclose(f);
	ATF_CHECK_EQ(pk_iflist_load(&l, "bad", &err), -1);
	ATF_CHECK(strstr(err.msg, "bad line") != NULL);
	ATF_CHECK_EQ(pk_iflist_load(&l, "missing", &err), -1);
}

/*
 * The leak checker's own sequence, without a sandbox: snapshot the
 * machine, move into a private stack, baseline it, then leave an
 * interface behind there.  Only the case host must be blamed.
 */
ATF_TC(check_blames_the_case_host_not_the_machine);
ATF_TC_HEAD(check_blames_the_case_host_not_the_machine, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
	atf_tc_set_md_var(tc, "require.progs", "ip");
}
ATF_TC_BODY(check_blames_the_case_host_not_the_machine, tc)
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_leak_conf lc;
	struct pk_leak *l;
	struct pk_err err;
	const char *skipped;

	memset(&lc, 0, sizeof(lc));
	lc.machine_file = "machine";
	ATF_REQUIRE_MSG(pk_leak_begin(&l, &lc, &err) == 0, "%s", err.msg);
	private_stack();
	ATF_REQUIRE_MSG(pk_leak_baseline_host(l, &err) == 0, "%s", err.msg);
	ATF_CHECK_EQ(pk_leak_check(l, &rep, &skipped, &err), 0);
	ATF_CHECK(skipped != NULL && strstr(skipped, "not compared"));
	ATF_REQUIRE(system("ip link add pkleak0 type veth peer name pkleak1")
	    == 0);
	ATF_REQUIRE_EQ(pk_leak_check(l, &rep, &skipped, &err), 2);
	ATF_CHECK_STREQ(rep.lines[0] + strlen(rep.lines[0]) -
	    strlen("appeared in the case host and is still there"),
	    "appeared in the case host and is still there");
	ATF_CHECK(strncmp(rep.lines[0], "leak: interface pkleak", 22) == 0);
	ATF_CHECK(strstr(rep.lines[0], "(veth, index") != NULL);
	pk_report_free(&rep);
	pk_leak_free(l);
	ATF_CHECK(access("machine", R_OK) == 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, current_lists_loopback_of_a_new_stack);
	ATF_TP_ADD_TC(tp, diff_names_appeared_gone_and_replaced);
	ATF_TP_ADD_TC(tp, save_and_load_round_trip);
	ATF_TP_ADD_TC(tp, load_rejects_garbage);
	ATF_TP_ADD_TC(tp, check_blames_the_case_host_not_the_machine);
	return (atf_no_error());
}
