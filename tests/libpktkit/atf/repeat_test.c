/*
 * repeat_test: cases registered with pk_tc_add_repeated() are listed
 * under numbered names and each runs as a case of its own, cleanup
 * included.  soak_helper registers its case PKTKIT_SOAK_CASES times.
 */
#define	_GNU_SOURCE
#include "hrun.h"

PK_TC(repeated_cases_are_numbered, "n copies are listed as name_1 ... "
    "name_n, numbers padded to the same width, with the case's metadata");
PK_TC_BODY(repeated_cases_are_numbered, t)
{
	const char *src, *out;

	src = atf_tc_get_config_var_wd(pk_tc_atf(t), "srcdir", ".");
	out = pk_run_ok(t, NULL, "PKTKIT_SOAK_CASES=12 %s/soak_helper -l | "
	    "sed -n 's/^ident: //p' | tr '\\n' ' '", src);
	ATF_CHECK_STREQ(out, "clean_case_01 clean_case_02 clean_case_03 "
	    "clean_case_04 clean_case_05 clean_case_06 clean_case_07 "
	    "clean_case_08 clean_case_09 clean_case_10 clean_case_11 "
	    "clean_case_12 ");
	out = pk_run_ok(t, NULL, "PKTKIT_SOAK_CASES=12 %s/soak_helper -l | "
	    "grep -c -e '^require.user: root' -e '^has.cleanup: true' -e "
	    "'^require.progs: nft ping'", src);
	ATF_CHECK_STREQ(out, "36\n");
}

PK_TC_CONF(a_repeated_case_runs_on_its_own, "one copy runs as a case of "
    "its own through atf's interface, passes, and cleans up",
    .require_progs = "nft ping");
PK_TC_BODY(a_repeated_case_runs_on_its_own, t)
{
	struct hrun r;

	hrun_init(&r, t, "soak_helper", "clean_case_07");
	hrun_setenv(&r, "PKTKIT_SOAK_CASES=12");
	hrun_run(&r);
	hrun_passed(&r);
	HAS(r.out, "pktkit: kernel object counts not compared");
	hrun_cleanup_ok(&r);
	hrun_free(&r);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, repeated_cases_are_numbered);
	ATF_TP_ADD_TC(tp, a_repeated_case_runs_on_its_own);
	return (atf_no_error());
}
