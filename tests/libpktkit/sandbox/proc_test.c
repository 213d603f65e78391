/*
 * proc_test: commands, processes and functions inside vnets; sysctls and
 * firewall rulesets.
 */
#include <signal.h>

#include "sbtest.h"

static char *
ns_link(ino_t ino, char *buf, size_t size)
{

	snprintf(buf, size, "net:[%ju]\n", (uintmax_t)ino);
	return (buf);
}

SBT_TC(run_captures_output_and_status,
    "run gives back the exit status, standard output and standard error "
    "of a command, and feeds it its input", )
{
	char *sh[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	char *cat[] = { "cat", NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_run_result res;
	char *big;
	size_t i;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_run(v, sh, NULL, &res, &err));
	ATF_CHECK(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 3);
	ATF_CHECK_STREQ(res.out, "out\n");
	ATF_CHECK_EQ(res.outlen, 4);
	ATF_CHECK_STREQ(res.errout, "err\n");
	ATF_CHECK_EQ(res.errlen, 4);
	pk_run_result_free(&res);
	OK(pk_vnet_run(v, cat, "hello\n", &res, &err));
	ATF_CHECK_STREQ(res.out, "hello\n");
	ATF_CHECK_STREQ(res.errout, "");
	pk_run_result_free(&res);
	/* More than any pipe holds, in and out at once. */
	ATF_REQUIRE((big = malloc(1 << 20)) != NULL);
	for (i = 0; i < (1 << 20) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[i] = '\0';
	OK(pk_vnet_run(v, cat, big, &res, &err));
	ATF_CHECK_EQ(res.outlen, (1 << 20) - 1);
	ATF_CHECK(res.out != NULL && memcmp(res.out, big, res.outlen) == 0);
	pk_run_result_free(&res);
	free(big);
	sbt_close(sb);
}

SBT_TC(run_happens_inside_the_vnet,
    "a command run in a vnet sees that vnet's network stack", )
{
	char *rl[] = { "readlink", "/proc/self/ns/net", NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_run_result res;
	char want[64];

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_run(v, rl, NULL, &res, &err));
	ATF_CHECK_STREQ(res.out, ns_link(sbt_vnet_ns(v), want, sizeof(want)));
	pk_run_result_free(&res);
	OK(pk_vnet_run(pk_sandbox_host(sb), rl, NULL, &res, &err));
	ATF_CHECK_STREQ(res.out, ns_link(sbt_self_ns(), want, sizeof(want)));
	pk_run_result_free(&res);
	sbt_close(sb);
}

SBT_TC(run_fails_for_a_missing_program,
    "a program that cannot be run fails with its name and the reason, "
    "leaving no process behind", )
{
	char *nope[] = { "/nonexistent/pktkit-nope", "x", NULL };
	char *empty[] = { NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_run_result res;
	struct pk_proc *p;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	FAILS(pk_vnet_run(v, nope, NULL, &res, &err), ENOENT);
	MSG_HAS("/nonexistent/pktkit-nope");
	MSG_HAS("alcatraz");
	FAILS(pk_vnet_spawn(v, nope, &p, &err), ENOENT);
	FAILS(pk_vnet_run(v, empty, NULL, &res, &err), EINVAL);
	FAILS(pk_vnet_run(v, NULL, NULL, &res, &err), EINVAL);
	/* Every child was reaped. */
	ATF_CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	sbt_close(sb);
}

SBT_TC(spawn_runs_in_background_and_kill_reaps,
    "a spawned process runs inside the vnet until killed; kill reaps it "
    "and gives its status", )
{
	char *sleep60[] = { "sleep", "60", NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_proc *p;
	char path[64];
	struct stat st;
	int status;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_spawn(v, sleep60, &p, &err));
	ATF_REQUIRE(pk_proc_pid(p) > 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pk_proc_pid(p));
	ATF_REQUIRE(stat(path, &st) == 0);
	ATF_CHECK_EQ(st.st_ino, sbt_vnet_ns(v));
	OK(pk_proc_kill(p, SIGTERM, 1, &status, &err));
	ATF_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	FAILS(pk_proc_kill(p, SIGTERM, 1, &status, &err), ESRCH);
	ATF_CHECK(kill(pk_proc_pid(p), 0) != 0);
	sbt_close(sb);
}

SBT_TC(spawn_is_killed_when_its_vnet_goes,
    "destroying a vnet kills and reaps the processes spawned in it, so "
    "they cannot hold it", )
{
	char *sleep60[] = { "sleep", "60", NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_proc *p, *q;
	struct pk_report rep = PK_REPORT_INIT;
	pid_t qpid;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_spawn(v, sleep60, &p, &err));
	OK(pk_vnet_spawn(pk_sandbox_host(sb), sleep60, &q, &err));
	if (pk_vnet_destroy(v, &rep, &err) != 0 || rep.n != 0)
		sbt_report_fail("destroy", &rep);
	ATF_CHECK(kill(pk_proc_pid(p), 0) != 0);
	FAILS(pk_proc_kill(p, SIGTERM, 0, NULL, &err), ESRCH);
	/* The host's process lives until the sandbox closes. */
	qpid = pk_proc_pid(q);
	ATF_CHECK(kill(qpid, 0) == 0);
	sbt_close(sb);
	ATF_CHECK(kill(qpid, 0) != 0);
}

static int
in_vnet(void *arg)
{

	return (sbt_self_ns() == *(ino_t *)arg ? 7 : 1);
}

SBT_TC(call_runs_a_function_in_a_child_in_the_vnet,
    "call runs a C function in a child attached to the vnet; its return "
    "value is the exit status", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	ino_t ns, before;
	int status;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	ns = sbt_vnet_ns(v);
	before = sbt_self_ns();
	OK(pk_vnet_call(v, in_vnet, &ns, &status, &err));
	ATF_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	ATF_CHECK_EQ(sbt_self_ns(), before);
	FAILS(pk_vnet_call(v, NULL, NULL, &status, &err), EINVAL);
	sbt_close(sb);
}

SBT_TC(sysctl_is_per_vnet,
    "a sysctl set in a vnet reads back there and does not change the "
    "host's", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v, *h;
	struct pk_if *a, *b;
	char buf[32];

	sb = sbt_open();
	h = pk_sandbox_host(sb);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_epair_create(sb, v, NULL, &a, &b, &err));
	OK(pk_sysctl_get(h, "net.ipv4.ip_forward", buf, sizeof(buf), &err));
	ATF_CHECK_STREQ(buf, "0");
	OK(pk_sysctl_set(v, "net.ipv4.ip_forward", "1", &err));
	OK(pk_sysctl_get(v, "net.ipv4.ip_forward", buf, sizeof(buf), &err));
	ATF_CHECK_STREQ(buf, "1");
	OK(pk_sysctl_get(h, "net.ipv4.ip_forward", buf, sizeof(buf), &err));
	ATF_CHECK_STREQ(buf, "0");
	/* The slash form, for names with dots in them. */
	OK(pk_sysctl_set(v, "net/ipv6/conf/epair0a/hop_limit", "7", &err));
	OK(pk_sysctl_get(v, "net.ipv6.conf.epair0a.hop_limit", buf,
	    sizeof(buf), &err));
	ATF_CHECK_STREQ(buf, "7");
	/* DAD is off in new vnets. */
	OK(pk_sysctl_get(v, "net.ipv6.conf.epair0a.accept_dad", buf,
	    sizeof(buf), &err));
	ATF_CHECK_STREQ(buf, "0");
	sbt_close(sb);
}

SBT_TC(sysctl_rejects_bad_input,
    "a sysctl that does not exist, a bad name or a refused value fails "
    "saying which", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char buf[32];

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	FAILS(pk_sysctl_set(v, "net.ipv4.no_such_thing", "1", &err), ENOENT);
	MSG_HAS("net.ipv4.no_such_thing");
	FAILS(pk_sysctl_set(v, "net..ipv4", "1", &err), EINVAL);
	FAILS(pk_sysctl_set(v, "../../etc/passwd", "1", &err), EINVAL);
	FAILS(pk_sysctl_set(v, "net.ipv4.ip forward", "1", &err), EINVAL);
	FAILS(pk_sysctl_set(v, "net.ipv4.ip_forward", "banana", &err),
	    EINVAL);
	MSG_HAS("net.ipv4.ip_forward=banana");
	FAILS(pk_sysctl_get(v, "", buf, sizeof(buf), &err), EINVAL);
	sbt_close(sb);
}

SBT_TC(forwarding_turns_both_families_on_and_off,
    "the portable forwarding switch sets IPv4 and IPv6 forwarding", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char b4[8], b6[8];

	sb = sbt_open();
	OK(pk_vnet_create(sb, "router", &v, &err));
	OK(pk_vnet_forwarding(v, 1, &err));
	OK(pk_sysctl_get(v, "net.ipv4.ip_forward", b4, sizeof(b4), &err));
	OK(pk_sysctl_get(v, "net.ipv6.conf.all.forwarding", b6, sizeof(b6),
	    &err));
	ATF_CHECK_STREQ(b4, "1");
	ATF_CHECK_STREQ(b6, "1");
	OK(pk_vnet_forwarding(v, 0, &err));
	OK(pk_sysctl_get(v, "net.ipv4.ip_forward", b4, sizeof(b4), &err));
	OK(pk_sysctl_get(v, "net.ipv6.conf.all.forwarding", b6, sizeof(b6),
	    &err));
	ATF_CHECK_STREQ(b4, "0");
	ATF_CHECK_STREQ(b6, "0");
	sbt_close(sb);
}

static const char ruleset_ok[] =
    "table inet pktkit {\n"
    "  chain input {\n"
    "    type filter hook input priority 0; policy accept;\n"
    "    udp dport 9 drop\n"
    "  }\n"
    "}\n";

static int
list_ruleset(struct pk_vnet *v, char *buf, size_t size)
{
	char *nft[] = { "nft", "list", "ruleset", NULL };
	struct pk_run_result res;

	if (access("/usr/sbin/nft", X_OK) == 0)
		nft[0] = "/usr/sbin/nft";
	OK(pk_vnet_run(v, nft, NULL, &res, &err));
	snprintf(buf, size, "%s", res.out);
	pk_run_result_free(&res);
	return (0);
}

SBT_TC(fw_load_installs_rules_in_the_vnet_only,
    "a good ruleset is loaded into the vnet and nowhere else", )
{
	struct pk_ruleset rs = { .nft = ruleset_ok, .pf = NULL };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char buf[4096];

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_fw_load(v, &rs, &err));
	list_ruleset(v, buf, sizeof(buf));
	ATF_CHECK_MSG(strstr(buf, "table inet pktkit") != NULL, "%s", buf);
	ATF_CHECK_MSG(strstr(buf, "udp dport 9 drop") != NULL, "%s", buf);
	list_ruleset(pk_sandbox_host(sb), buf, sizeof(buf));
	ATF_CHECK_MSG(strstr(buf, "pktkit") == NULL, "%s", buf);
	sbt_close(sb);
}

SBT_TC(fw_load_rejects_a_bad_ruleset_with_nfts_message,
    "a ruleset nft rejects fails with nft's own message on one line, and "
    "nothing is loaded", )
{
	struct pk_ruleset bad = {
		.nft = "table inet pktkit {\n chain c { type filter hook "
		    "input priority 0; bogus; }\n}\n",
		.pf = NULL
	};
	struct pk_ruleset pfonly = { .nft = NULL, .pf = "pass all\n" };
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char buf[4096];

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	FAILS(pk_fw_load(v, &bad, &err), EINVAL);
	MSG_HAS("vnet alcatraz: nft rejected the ruleset");
	MSG_HAS("syntax error");
	ATF_CHECK_MSG(strchr(err.msg, '\n') == NULL, "several lines: %s",
	    err.msg);
	list_ruleset(v, buf, sizeof(buf));
	ATF_CHECK_MSG(strstr(buf, "pktkit") == NULL, "%s", buf);
	FAILS(pk_fw_load(v, &pfonly, &err), ENOTSUP);
	FAILS(pk_fw_load(v, NULL, &err), ENOTSUP);
	sbt_close(sb);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, run_captures_output_and_status);
	ATF_TP_ADD_TC(tp, run_happens_inside_the_vnet);
	ATF_TP_ADD_TC(tp, run_fails_for_a_missing_program);
	ATF_TP_ADD_TC(tp, spawn_runs_in_background_and_kill_reaps);
	ATF_TP_ADD_TC(tp, spawn_is_killed_when_its_vnet_goes);
	ATF_TP_ADD_TC(tp, call_runs_a_function_in_a_child_in_the_vnet);
	ATF_TP_ADD_TC(tp, sysctl_is_per_vnet);
	ATF_TP_ADD_TC(tp, sysctl_rejects_bad_input);
	ATF_TP_ADD_TC(tp, forwarding_turns_both_families_on_and_off);
	ATF_TP_ADD_TC(tp, fw_load_installs_rules_in_the_vnet_only);
	ATF_TP_ADD_TC(tp, fw_load_rejects_a_bad_ruleset_with_nfts_message);
	return (atf_no_error());
}
