/*
 * evidence_test: a failed expectation leaves evidence: a one-line
 * reason, the packets on stderr, and pcap files that read back.
 *
 * Each case runs a case of evidence_helper (which fails on purpose) as
 * a test runner would, body then cleanup, in a directory of its own.
 */
#include <sys/stat.h>

#include <limits.h>

#include "wiretest.h"

struct count {
	int	frames;
	int	icmp_echo;
	int	udp;
};

static int
count_frame(void *arg, const uint8_t *buf, size_t caplen, size_t wirelen,
    const struct timeval *ts, int dlt)
{
	const struct pk_dlayer *l;
	struct count *c;
	struct pk_dpkt d;

	(void)wirelen;
	(void)ts;
	c = arg;
	c->frames++;
	if (pk_dissect(buf, caplen, dlt, &d) != 0)
		return (0);
	if ((l = pk_dpkt_find(&d, PK_PROTO_ICMP4, 0)) != NULL &&
	    l->u.icmp.type == 8)
		c->icmp_echo++;
	if (pk_dpkt_find(&d, PK_PROTO_UDP, 0) != NULL)
		c->udp++;
	return (0);
}

static struct count
read_pcap(const char *path)
{
	struct count c;
	struct pk_err err;

	memset(&c, 0, sizeof(c));
	ATF_REQUIRE_MSG(pk_pcap_read(path, count_frame, &c, &err) >= 0,
	    "%s", err.msg);
	return (c);
}

static char *
slurp(const char *path)
{
	static char buf[65536];
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	ATF_REQUIRE_MSG(f != NULL, "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

/*
 * Run helper case name in dir (made here) with the given extra
 * environment and options, then its cleanup; the helper's stderr goes
 * to dir/stderr.
 */
static void
run_helper(struct pk_tc *t, const char *dir, const char *env,
    const char *opts, const char *name)
{
	const char *srcdir;

	srcdir = atf_tc_get_config_var(pk_tc_atf(t), "srcdir");
	ATF_REQUIRE(mkdir(dir, 0755) == 0);
	pk_run(t, NULL, "cd %s && %s %s/evidence_helper -r result %s %s "
	    "2>stderr", dir, env, srcdir, opts, name);
	ATF_CHECK_EQ_MSG(pk_run(t, NULL, "cd %s && %s/evidence_helper "
	    "-r cleanup.result %s:cleanup", dir, srcdir, name), 0,
	    "helper cleanup failed: %s", pk_errout(t));
}

PK_TC(expect_failure_leaves_evidence, "a failed expectation names itself, "
    "the packets seen and where the pcaps are; stderr shows every sniffer "
    "and packet; the pcap files read back");
PK_TC_BODY(expect_failure_leaves_evidence, t)
{
	char cwd[PATH_MAX], ev[PATH_MAX + 8], path[PATH_MAX + 64];
	const char *res, *err;
	struct count c;

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(ev, sizeof(ev), "%s/ev", cwd);
	run_helper(t, "run", "", "-v pktkit_evidence_dir=ev/", "expect_fails");
	snprintf(ev, sizeof(ev), "%s/run/ev/", cwd);
	res = slurp("run/result");
	ATF_CHECK_MSG(strncmp(res, "failed: ", 8) == 0, "%s", res);
	ATF_CHECK_MSG(strstr(res, "evidence_helper.c:") != NULL, "%s", res);
	ATF_CHECK_MSG(strstr(res, "no packet matching 'tcp' on epair0a in "
	    "vnet host, filter 'icmp'") != NULL, "%s", res);
	ATF_CHECK_MSG(strstr(res, "within 200 ms: 2 packets seen, pcaps in "
	    "ev/") != NULL, "%s", res);
	ATF_CHECK_MSG(strchr(res, '\n') == strrchr(res, '\n'),
	    "more than one line: %s", res);
	err = slurp("run/stderr");
	ATF_CHECK_MSG(strstr(err, "pktkit: sniffer s1 (epair0a in vnet host, "
	    "filter 'icmp', in and out): 2 packets, saved to "
	    "ev//expect_fails-s1-epair0a.pcap") != NULL, "%s", err);
	ATF_CHECK_MSG(strstr(err, "pktkit:   s1 #0 ") != NULL &&
	    strstr(err, "ICMP echo request") != NULL &&
	    strstr(err, "[sent]") != NULL, "%s", err);
	ATF_CHECK_MSG(strstr(err, "pktkit: sniffer s2 (epair0b in vnet peer") !=
	    NULL, "%s", err);
	snprintf(path, sizeof(path), "run/ev/expect_fails-s1-epair0a.pcap");
	c = read_pcap(path);
	ATF_CHECK_EQ(c.frames, 2);
	ATF_CHECK_EQ(c.icmp_echo, 1);
	snprintf(path, sizeof(path), "run/ev/expect_fails-s2-epair0b.pcap");
	c = read_pcap(path);
	ATF_CHECK_EQ(c.frames, 2);
	ATF_CHECK_EQ(c.icmp_echo, 1);
}

PK_TC(evidence_dir_from_environment, "PKTKIT_EVIDENCE_DIR chooses where "
    "the pcaps go; a forbidden packet is shown with its filter");
PK_TC_BODY(evidence_dir_from_environment, t)
{
	const char *res;
	struct count c;

	ATF_REQUIRE(mkdir("envdir", 0755) == 0);
	run_helper(t, "run", "PKTKIT_EVIDENCE_DIR=../envdir", "",
	    "expect_none_fails");
	res = slurp("run/result");
	ATF_CHECK_MSG(strstr(res, "a packet matching 'udp dst port 4321' "
	    "came on epair0b in vnet peer") != NULL, "%s", res);
	ATF_CHECK_MSG(strstr(res, "1 packet seen, pcaps in ../envdir") !=
	    NULL, "%s", res);
	c = read_pcap("envdir/expect_none_fails-s1-epair0b.pcap");
	ATF_CHECK_EQ(c.frames, 1);
	ATF_CHECK_EQ(c.udp, 1);
}

PK_TC(evidence_defaults_to_work_dir, "without a directory chosen, the "
    "pcaps go to the case's work directory");
PK_TC_BODY(evidence_defaults_to_work_dir, t)
{
	char cwd[PATH_MAX], want[PATH_MAX + 64];
	const char *res;
	struct count c;

	run_helper(t, "run", "env -u PKTKIT_EVIDENCE_DIR", "", "expect_fails");
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), "pcaps in %s/run", cwd);
	res = slurp("run/result");
	ATF_CHECK_MSG(strstr(res, want) != NULL, "%s", res);
	c = read_pcap("run/expect_fails-s1-epair0a.pcap");
	ATF_CHECK_EQ(c.frames, 2);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, expect_failure_leaves_evidence);
	ATF_TP_ADD_TC(tp, evidence_dir_from_environment);
	ATF_TP_ADD_TC(tp, evidence_defaults_to_work_dir);
	return (atf_no_error());
}
