/*
 * own_test: what existed before a case is left alone by its teardown and
 * by its cleanup routine, even when it is named like the framework's own
 * things: pins named after the case's pid, interfaces named like its
 * canaries and epairs, a pin put where the journal recorded one.
 *
 * The helper's "machine" is this case's private host: the look-alikes
 * are made there, and in /run/netns, once the helper's pid is known and
 * before its body starts.
 */
#define	_GNU_SOURCE
#include "hrun.h"

#include <sys/mount.h>

#define	HELPER	"topo_helper"
#define	NPINS	3

/* Look-alike pins, removed by us at exit even if the test fails. */
static char	lookalike_pins[NPINS + 1][64];

static void
remove_pins(void)
{
	char path[320];
	size_t i;

	for (i = 0; i < NPINS + 1; i++) {
		if (lookalike_pins[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s",
		    lookalike_pins[i]);
		(void)umount2(path, MNT_DETACH);
		(void)unlink(path);
		lookalike_pins[i][0] = '\0';
	}
}

struct lookalikes {
	ino_t	 ino[NPINS + 1];
	char	*links;		/* "ip -o link" of the look-alike interfaces */
};

static ino_t
pin_ino(const char *name)
{
	char path[320];
	struct stat st;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (stat(path, &st) != 0)
		return (0);
	return (st.st_ino);
}

static const char *
links_of(struct pk_tc *t, pid_t p)
{

	return (pk_run_ok(t, NULL, "ip -o link show | grep -E ': "
	    "(epair0a|epair0b|pkc%u\\.0|pkr%u\\.0|pk%d|pk%d\\.x)[@:]'",
	    (unsigned)p % 10000000, (unsigned)p % 10000000, (int)p, (int)p));
}

/*
 * Pins named after the helper, which its sandbox does not use (vnet
 * "other", a sandbox it never opens), and interfaces named like its
 * canaries, its recovery's canaries and its first epair, and like its
 * private host.
 */
static void
make_lookalikes(struct pk_tc *t, pid_t p, struct lookalikes *lk)
{
	size_t i;

	ATF_REQUIRE(atexit(remove_pins) == 0);
	snprintf(lookalike_pins[0], sizeof(lookalike_pins[0]), "pk%d.other",
	    (int)p);
	snprintf(lookalike_pins[1], sizeof(lookalike_pins[1]), "pk%ds7",
	    (int)p);
	snprintf(lookalike_pins[2], sizeof(lookalike_pins[2]),
	    "pk%ds1.quiesce2", (int)p);
	for (i = 0; i < NPINS; i++) {
		pk_run_ok(t, NULL, "ip netns add %s", lookalike_pins[i]);
		ATF_REQUIRE((lk->ino[i] = pin_ino(lookalike_pins[i])) != 0);
	}
	pk_run_ok(t, NULL, "ip link add pkc%u.0 type veth peer name pkr%u.0",
	    (unsigned)p % 10000000, (unsigned)p % 10000000);
	pk_run_ok(t, NULL, "ip link add epair0a type veth peer name epair0b");
	pk_run_ok(t, NULL, "ip link add pk%d type veth peer name pk%d.x",
	    (int)p, (int)p);
	ATF_REQUIRE((lk->links = strdup(links_of(t, p))) != NULL);
	ATF_REQUIRE_MSG(strstr(lk->links, "epair0b") != NULL, "%s",
	    lk->links);
}

static void
check_lookalikes(struct pk_tc *t, pid_t p, struct lookalikes *lk)
{
	size_t i;

	for (i = 0; i < NPINS; i++)
		ATF_CHECK_MSG(pin_ino(lookalike_pins[i]) == lk->ino[i],
		    "pin %s was touched", lookalike_pins[i]);
	ATF_CHECK_STREQ(links_of(t, p), lk->links);
	free(lk->links);
	remove_pins();
	pk_run_ok(t, NULL, "ip link del epair0a && ip link del pk%d && "
	    "ip link del pkc%u.0", (int)p, (unsigned)p % 10000000);
}

PK_TC_CONF(teardown_leaves_lookalikes_alone, "a case's teardown and "
    "cleanup leave alone pins and interfaces named like its own",
    .require_progs = "nft");
PK_TC_BODY(teardown_leaves_lookalikes_alone, t)
{
	struct hstate before, after;
	struct lookalikes lk;
	struct hrun r;

	hrun_subreaper();
	hrun_init(&r, t, HELPER, "clean_everything");
	hrun_start(&r);
	make_lookalikes(t, r.pid, &lk);
	hstate_take(&before, r.pid, r.dir);
	hrun_go(&r);
	hrun_wait(&r);
	hrun_passed(&r);
	hrun_cleanup(&r);
	hrun_cleanup_ok(&r);
	/* Cleanup found nothing of the case's left: it says nothing. */
	ATF_CHECK_STREQ(r.cout, "");
	hstate_take(&after, r.pid, r.dir);
	ATF_CHECK_STREQ(after.text, before.text);
	check_lookalikes(t, r.pid, &lk);
	hrun_free(&r);
}

PK_TC_CONF(cleanup_after_a_crash_leaves_lookalikes_alone, "the cleanup "
    "routine after a crash removes the case's things and nothing named "
    "like them", .require_progs = "nft");
PK_TC_BODY(cleanup_after_a_crash_leaves_lookalikes_alone, t)
{
	struct hstate before, after;
	struct lookalikes lk;
	struct hrun r;

	hrun_subreaper();
	hrun_init(&r, t, HELPER, "crash_blocks");
	hrun_start(&r);
	make_lookalikes(t, r.pid, &lk);
	hstate_take(&before, r.pid, r.dir);
	hrun_go(&r);
	hrun_require_ready(&r);
	hrun_kill(&r, SIGKILL);
	hrun_wait(&r);
	hrun_cleanup(&r);
	hrun_cleanup_ok(&r);
	HAS(r.cout, "removed: vnet alcatraz");
	LACKS(r.cout, "other");
	LACKS(r.cout, "note:");
	hstate_take(&after, r.pid, r.dir);
	ATF_CHECK_STREQ(after.text, before.text);
	check_lookalikes(t, r.pid, &lk);
	hrun_free(&r);
}

PK_TC_CONF(cleanup_leaves_a_replaced_pin_alone, "after a crash, a pin "
    "that someone else put where the journal recorded one is reported "
    "and left alone", .require_progs = "nft");
PK_TC_BODY(cleanup_leaves_a_replaced_pin_alone, t)
{
	char name[64], path[320], want[320];
	struct hstate before, after;
	struct hrun r;
	ino_t ino;

	hrun_subreaper();
	hrun_init(&r, t, HELPER, "crash_blocks");
	hrun_start(&r);
	hstate_take(&before, r.pid, r.dir);
	hrun_go(&r);
	hrun_require_ready(&r);
	hrun_kill(&r, SIGKILL);
	hrun_wait(&r);
	/*
	 * Someone replaces the router's pin with one of their own.  The
	 * router stays alive only through the process in it that escaped
	 * the kill, which the cleanup kills.
	 */
	snprintf(name, sizeof(name), "pk%d.router", (int)r.pid);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	ATF_REQUIRE(atexit(remove_pins) == 0);
	ATF_REQUIRE(umount(path) == 0);
	ATF_REQUIRE(unlink(path) == 0);
	snprintf(lookalike_pins[NPINS], sizeof(lookalike_pins[NPINS]), "%s",
	    name);
	pk_run_ok(t, NULL, "ip netns add %s", name);
	ATF_REQUIRE((ino = pin_ino(name)) != 0);
	hrun_cleanup(&r);
	hrun_cleanup_ok(&r);
	snprintf(want, sizeof(want), "pktkit cleanup: note: %s is not the "
	    "vnet router the journal recorded: left alone", name);
	HAS(r.cout, want);
	HAS(r.cout, "sleep 86393)");
	ATF_CHECK_EQ(pin_ino(name), ino);
	remove_pins();
	hstate_take(&after, r.pid, r.dir);
	ATF_CHECK_STREQ(after.text, before.text);
	hrun_free(&r);
}

PK_TC_CONF(a_stale_pin_by_the_case_name_is_left_alone, "a pin left by "
    "another process that had the case's pid (pk<pid>) is left alone: "
    "the case takes the next name and passes", .require_progs = "nft");
PK_TC_BODY(a_stale_pin_by_the_case_name_is_left_alone, t)
{
	char want[64];
	struct hrun r;
	ino_t ino;

	hrun_init(&r, t, HELPER, "clean_everything");
	hrun_start(&r);
	ATF_REQUIRE(atexit(remove_pins) == 0);
	snprintf(lookalike_pins[0], sizeof(lookalike_pins[0]), "pk%d",
	    (int)r.pid);
	pk_run_ok(t, NULL, "ip netns add %s", lookalike_pins[0]);
	ATF_REQUIRE((ino = pin_ino(lookalike_pins[0])) != 0);
	hrun_go(&r);
	hrun_require_ready(&r);
	/* While it runs, its host is pinned under the next name. */
	snprintf(want, sizeof(want), "pk%ds1", (int)r.pid);
	ATF_CHECK_MSG(pin_ino(want) != 0, "no pin %s", want);
	hrun_wait(&r);
	hrun_cleanup(&r);
	hrun_passed(&r);
	hrun_cleanup_ok(&r);
	ATF_CHECK_EQ(pin_ino(lookalike_pins[0]), ino);
	ATF_CHECK_EQ(pin_ino(want), 0);
	remove_pins();
	hrun_free(&r);
}

PK_TC(framework_epairs_skip_a_foreign_epair0a, "an epair0a the body made "
    "by hand in its host is skipped by the framework's epairs and left "
    "alone when they are destroyed");
PK_TC_BODY(framework_epairs_skip_a_foreign_epair0a, t)
{
	struct hrun r;

	hrun_init(&r, t, HELPER, "foreign_epair_in_the_host");
	hrun_run(&r);
	hrun_passed(&r);
	hrun_cleanup_ok(&r);
	hrun_free(&r);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, teardown_leaves_lookalikes_alone);
	ATF_TP_ADD_TC(tp, cleanup_after_a_crash_leaves_lookalikes_alone);
	ATF_TP_ADD_TC(tp, cleanup_leaves_a_replaced_pin_alone);
	ATF_TP_ADD_TC(tp, a_stale_pin_by_the_case_name_is_left_alone);
	ATF_TP_ADD_TC(tp, framework_epairs_skip_a_foreign_epair0a);
	return (atf_no_error());
}
