/*
 * vnet_test: creating, finding, entering and destroying vnets.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <dirent.h>

#include "sbtest.h"

/* How many pins in /run/netns start with prefix. */
static int
pins_with(const char *prefix)
{
	struct dirent *de;
	DIR *d;
	int n;

	if ((d = opendir("/run/netns")) == NULL)
		return (0);
	n = 0;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return (n);
}

SBT_TC(vnet_create_pins_it_with_loopback_up,
    "a new vnet is pinned under a per-process name, reachable with "
    "ip netns exec, loopback up, and unpinned at close", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char want[64], pin[256];
	struct stat st;
	int up;

	sb = sbt_open();
	snprintf(want, sizeof(want), "pk%d", (int)getpid());
	ATF_CHECK_STREQ(pk_vnet_kname(pk_sandbox_host(sb)), want);
	ATF_CHECK_STREQ(pk_vnet_name(pk_sandbox_host(sb)), "host");
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	snprintf(want, sizeof(want), "pk%d.alcatraz", (int)getpid());
	ATF_CHECK_STREQ(pk_vnet_kname(v), want);
	ATF_CHECK_STREQ(pk_vnet_name(v), "alcatraz");
	ATF_CHECK(pk_vnet_sandbox(v) == sb);
	ATF_CHECK(pk_vnet_lookup(sb, "alcatraz") == v);
	ATF_CHECK(pk_vnet_lookup(sb, "host") == pk_sandbox_host(sb));
	ATF_CHECK(pk_vnet_lookup(sb, "nowhere") == NULL);
	sbt_pin(v, pin, sizeof(pin));
	ATF_REQUIRE(stat(pin, &st) == 0);
	ATF_CHECK(st.st_ino != sbt_self_ns());
	up = 0;
	ATF_CHECK(sbt_has_if(v, "lo", &up));
	ATF_CHECK_EQ(up, 1);
	/* What a human debugging a paused case would type. */
	ATF_CHECK_EQ(sbt_sh("ip netns exec %s ip link show lo | "
	    "grep -q 'state UNKNOWN'", pk_vnet_kname(v)), 0);
	sbt_close(sb);
	ATF_CHECK_MSG(stat(pin, &st) != 0 && errno == ENOENT,
	    "%s still there after close", pin);
	snprintf(want, sizeof(want), "pk%d", (int)getpid());
	ATF_CHECK_EQ(pins_with(want), 0);
}

SBT_TC(vnet_destroy_is_synchronous,
    "when destroy returns, the vnet, its pin, its epair ends in the host "
    "and its canary are gone", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v, *keep, *h;
	struct pk_if *a, *b;
	struct pk_report rep = PK_REPORT_INIT;
	char pin[256], canary[32];
	struct stat st;

	sb = sbt_open();
	h = pk_sandbox_host(sb);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_create(sb, "keep", &keep, &err));
	OK(pk_epair_create(sb, NULL, v, &a, &b, &err));
	ATF_REQUIRE(sbt_has_if(h, pk_if_name(a), NULL));
	snprintf(canary, sizeof(canary), "pkc%d.0", (int)getpid());
	ATF_REQUIRE_MSG(sbt_has_if(h, canary, NULL), "no canary %s", canary);
	sbt_pin(v, pin, sizeof(pin));
	if (pk_vnet_destroy(v, &rep, &err) != 0 || rep.n != 0)
		sbt_report_fail("destroy", &rep);
	ATF_CHECK(pk_sandbox_settle_us(sb) >= 0);
	ATF_CHECK(stat(pin, &st) != 0);
	ATF_CHECK_MSG(!sbt_has_if(h, pk_if_name(a), NULL),
	    "%s still in the host", pk_if_name(a));
	ATF_CHECK_MSG(!sbt_has_if(h, canary, NULL), "canary still there");
	ATF_CHECK(pk_vnet_lookup(sb, "alcatraz") == NULL);
	ATF_CHECK(pk_vnet_lookup(sb, "keep") == keep);
	/* Handles stay valid; using them says what happened. */
	FAILS(pk_addr_add(a, "192.0.2.1/24", &err), ENOENT);
	FAILS(pk_vnet_destroy(v, NULL, &err), ENOENT);
	FAILS(pk_sysctl_set(v, "net.ipv4.ip_forward", "1", &err), ENOENT);
	MSG_HAS("alcatraz");
	FAILS(pk_vnet_destroy(h, NULL, &err), EINVAL);
	/* The name can be used again. */
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	sbt_close(sb);
}

SBT_TC(vnet_destroy_all_takes_every_vnet_but_the_host,
    "destroy_all removes every vnet in one batch and keeps the sandbox "
    "usable", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v[3];
	struct pk_report rep = PK_REPORT_INIT;
	char want[64];
	int i;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "one", &v[0], &err));
	OK(pk_vnet_create(sb, "two", &v[1], &err));
	OK(pk_vnet_create(sb, "three", &v[2], &err));
	OK(pk_epair_create(sb, v[0], v[1], NULL, NULL, &err));
	snprintf(want, sizeof(want), "pk%d.", (int)getpid());
	ATF_CHECK_EQ(pins_with(want), 3);
	if (pk_vnet_destroy_all(sb, &rep, &err) != 0 || rep.n != 0)
		sbt_report_fail("destroy_all", &rep);
	ATF_CHECK_EQ(pins_with(want), 0);
	for (i = 0; i < 3; i++)
		ATF_CHECK(pk_vnet_lookup(sb, pk_vnet_name(v[i])) == NULL);
	OK(pk_vnet_create(sb, "four", &v[0], &err));
	OK(pk_epair_create(sb, v[0], NULL, NULL, NULL, &err));
	sbt_close(sb);
}

SBT_TC(vnet_rejects_bad_names,
    "names that are empty, too long or have odd characters fail with a "
    "message saying why, and create nothing", )
{
	static const char *const bad[] = {
		"a b", "a/b", "-x", ".hidden", "tab\there", "semi;colon",
		"quote'", "\xc3\xa9t\xc3\xa9",
	};
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char want[64];
	size_t i;

	sb = sbt_open();
	snprintf(want, sizeof(want), "pk%d.", (int)getpid());
	FAILS(pk_vnet_create(sb, "", &v, &err), EINVAL);
	MSG_HAS("empty");
	FAILS(pk_vnet_create(sb, NULL, &v, &err), EINVAL);
	FAILS(pk_vnet_create(sb, "abcdefghijklmnopqrstuvwxyz0123456", &v,
	    &err), ENAMETOOLONG);
	MSG_HAS("longer than 32");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FAILS(pk_vnet_create(sb, bad[i], &v, &err), EINVAL);
		MSG_HAS("vnet name");
	}
	FAILS(pk_vnet_create(sb, "a b", &v, &err), EINVAL);
	MSG_HAS("' '");
	ATF_CHECK_EQ(pins_with(want), 0);
	/* Exactly 32 is fine. */
	OK(pk_vnet_create(sb, "abcdefghijklmnopqrstuvwxyz012345", &v, &err));
	ATF_CHECK_EQ(pins_with(want), 1);
	sbt_close(sb);
}

SBT_TC(vnet_rejects_duplicate_names,
    "a logical name already in use (the host's included) fails with "
    "EEXIST", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v, *w;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	FAILS(pk_vnet_create(sb, "alcatraz", &w, &err), EEXIST);
	MSG_HAS("alcatraz already exists");
	FAILS(pk_vnet_create(sb, "host", &w, &err), EEXIST);
	ATF_CHECK(pk_vnet_lookup(sb, "alcatraz") == v);
	sbt_close(sb);
}

static int	order[8];
static int	norder;

static void
release_note(void *arg)
{

	order[norder++] = *(int *)arg;
}

static void
release_close(void *arg)
{

	order[norder++] = 100;
	close(*(int *)arg);
}

static int
open_udp(void *arg)
{
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	*(int *)arg = fd;
	return (fd < 0 ? -1 : 0);
}

SBT_TC(vnet_hold_releases_most_recent_first,
    "holders are released, most recent first, before the vnet is "
    "destroyed; unheld ones are not called", )
{
	static int one = 1, two = 2, three = 3;
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_report rep = PK_REPORT_INIT;
	int fd, h;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	/* A socket opened inside holds the vnet until its holder closes it. */
	ATF_REQUIRE_EQ(pk_vnet_enter_do(v, open_udp, &fd, &err), 0);
	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE(pk_vnet_hold(v, release_close, &fd, &err) >= 0);
	ATF_REQUIRE(pk_vnet_hold(v, release_note, &one, &err) >= 0);
	ATF_REQUIRE((h = pk_vnet_hold(v, release_note, &two, &err)) >= 0);
	ATF_REQUIRE(pk_vnet_hold(v, release_note, &three, &err) >= 0);
	pk_vnet_unhold(v, h);
	FAILS(pk_vnet_hold(v, NULL, NULL, &err), EINVAL);
	if (pk_vnet_destroy(v, &rep, &err) != 0)
		sbt_report_fail("destroy", &rep);
	ATF_REQUIRE_EQ(norder, 3);
	ATF_CHECK_EQ(order[0], 3);
	ATF_CHECK_EQ(order[1], 1);
	ATF_CHECK_EQ(order[2], 100);
	sbt_close(sb);
}

struct where {
	ino_t	ns;
};

static int
note_ns(void *arg)
{

	((struct where *)arg)->ns = sbt_self_ns();
	return (42);
}

SBT_TC(vnet_enter_do_runs_there_and_comes_back,
    "enter_do runs the function with the vnet's stack and returns the "
    "thread to where it was", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct where w;
	ino_t before;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	before = sbt_self_ns();
	ATF_REQUIRE_EQ(pk_vnet_enter_do(v, note_ns, &w, &err), 42);
	ATF_CHECK_EQ(w.ns, sbt_vnet_ns(v));
	ATF_CHECK_EQ(sbt_self_ns(), before);
	ATF_REQUIRE_EQ(pk_vnet_enter_do(pk_sandbox_host(sb), note_ns, &w,
	    &err), 42);
	ATF_CHECK_EQ(w.ns, before);
	sbt_close(sb);
}

SBT_TC(vnet_if_list_shows_kind_and_state,
    "the interface list names every interface with its kind and whether "
    "it is up", )
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	struct pk_if *a, *b;
	struct pk_ifinfo *l;
	size_t n, i;
	int seen;

	sb = sbt_open();
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_epair_create(sb, NULL, v, &a, &b, &err));
	OK(pk_if_up(b, 0, &err));
	OK(pk_vnet_if_list(v, &l, &n, &err));
	ATF_REQUIRE_EQ(n, 3);		/* lo, canary, epair0b */
	seen = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			ATF_CHECK(l[i].index > l[i - 1].index);
		if (strcmp(l[i].name, "lo") == 0) {
			ATF_CHECK_STREQ(l[i].kind, "loopback");
			ATF_CHECK_EQ(l[i].up, 1);
			seen |= 1;
		} else if (strcmp(l[i].name, "epair0b") == 0) {
			ATF_CHECK_STREQ(l[i].kind, "veth");
			ATF_CHECK_EQ(l[i].up, 0);
			ATF_CHECK_EQ(l[i].index, pk_if_index(b));
			seen |= 2;
		} else if (strncmp(l[i].name, "pkc", 3) == 0) {
			ATF_CHECK_STREQ(l[i].kind, "veth");
			ATF_CHECK_EQ(l[i].up, 0);
			seen |= 4;
		}
	}
	free(l);
	ATF_CHECK_EQ(seen, 7);
	sbt_close(sb);
}

SBT_TC(sandbox_refuses_stale_pin,
    "a pin that already exists under the name a vnet would get is "
    "reported and left exactly as it was", sbt_cleanup_foreign())
{
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char pin[256];
	struct stat before, after;
	int fd;

	sb = sbt_open();
	snprintf(pin, sizeof(pin), "/run/netns/pk%d.alcatraz", (int)getpid());
	/* Remember it, so that cleanup removes it if the body dies. */
	sbt_note_foreign(pin);
	ATF_REQUIRE((fd = open(pin, O_CREAT | O_EXCL | O_WRONLY, 0600)) >= 0);
	ATF_REQUIRE(write(fd, "x", 1) == 1);
	close(fd);
	ATF_REQUIRE(stat(pin, &before) == 0);
	FAILS(pk_vnet_create(sb, "alcatraz", &v, &err), EEXIST);
	MSG_HAS("stale or foreign pin");
	MSG_HAS(pin);
	OK(pk_vnet_create(sb, "other", &v, &err));
	sbt_close(sb);
	ATF_REQUIRE(stat(pin, &after) == 0);
	ATF_CHECK_EQ(before.st_ino, after.st_ino);
	ATF_CHECK_EQ(after.st_size, 1);
	ATF_CHECK(unlink(pin) == 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, vnet_create_pins_it_with_loopback_up);
	ATF_TP_ADD_TC(tp, vnet_destroy_is_synchronous);
	ATF_TP_ADD_TC(tp, vnet_destroy_all_takes_every_vnet_but_the_host);
	ATF_TP_ADD_TC(tp, vnet_rejects_bad_names);
	ATF_TP_ADD_TC(tp, vnet_rejects_duplicate_names);
	ATF_TP_ADD_TC(tp, vnet_hold_releases_most_recent_first);
	ATF_TP_ADD_TC(tp, vnet_enter_do_runs_there_and_comes_back);
	ATF_TP_ADD_TC(tp, vnet_if_list_shows_kind_and_state);
	ATF_TP_ADD_TC(tp, sandbox_refuses_stale_pin);
	return (atf_no_error());
}
