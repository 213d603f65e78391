/*
 * teardown_test: a vnet that something still holds is reported by name
 * (process, descriptor, mount, socket, orphaned TCP connection), and
 * goes once that thing is gone; orphans can be reaped on request.
 */
#define	_GNU_SOURCE
#include <sys/mount.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <sched.h>
#include <signal.h>

#include "sbtest.h"

/*
 * A process of the test's own (not the sandbox's) that enters the vnet
 * through its pin, as "ip netns exec" would, and runs sleep 60.  Returns
 * once it has exec'd.
 */
static pid_t
hold_with_process(struct pk_vnet *v)
{
	char pin[256], c;
	int p[2], fd;
	pid_t pid;

	sbt_pin(v, pin, sizeof(pin));
	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0) {
		close(p[0]);
		if ((fd = open(pin, O_RDONLY)) < 0 ||
		    setns(fd, CLONE_NEWNET) != 0)
			_exit(126);
		close(fd);
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	/* End of file: the write end was closed by exec. */
	ATF_REQUIRE(read(p[0], &c, 1) == 0);
	close(p[0]);
	return (pid);
}

static void
must_leak(struct pk_vnet *v, struct pk_report *rep)
{

	pk_report_free(rep);
	ATF_REQUIRE_MSG(pk_vnet_destroy(v, rep, &err) != 0,
	    "destroy of a held vnet succeeded");
	ATF_CHECK_EQ(err.code, EBUSY);
	MSG_HAS("1 vnet still alive");
}

static void
must_settle(struct pk_sandbox *sb)
{
	struct pk_report rep = PK_REPORT_INIT;

	if (pk_sandbox_settle(sb, 10000, &rep, &err) != 0 || rep.n != 0)
		sbt_report_fail("settle", &rep);
}

SBT_TC(teardown_names_a_process_inside,
    "a vnet held by a process inside it is reported with the pid and "
    "command line, and goes once the process does", )
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char want[128];
	pid_t pid;

	sb = sbt_open_conf(0, 300);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	pid = hold_with_process(v);
	must_leak(v, &rep);
	snprintf(want, sizeof(want), "held by pid %d (sleep 60) via its "
	    "network namespace", (int)pid);
	REPORT_HAS(&rep, "leak: vnet alcatraz still alive after", want, NULL);
	ATF_CHECK_EQ(rep.n, 1);
	kill(pid, SIGKILL);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	must_settle(sb);
	pk_report_free(&rep);
	sbt_close(sb);
}

SBT_TC(teardown_names_an_open_descriptor,
    "a vnet held by a descriptor open on it is reported with the pid and "
    "descriptor; the others of the batch go; close waits for it again", )
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v, *w;
	char pin[256], want[128];
	int fd;

	sb = sbt_open_conf(0, 300);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	OK(pk_vnet_create(sb, "free", &w, &err));
	sbt_pin(v, pin, sizeof(pin));
	ATF_REQUIRE((fd = open(pin, O_RDONLY | O_CLOEXEC)) >= 0);
	ATF_REQUIRE(pk_vnet_destroy_all(sb, &rep, &err) != 0);
	snprintf(want, sizeof(want), "held by pid %d (", (int)getpid());
	REPORT_HAS(&rep, "leak: vnet alcatraz still alive", want, NULL);
	snprintf(want, sizeof(want), "via fd %d (net:[", fd);
	REPORT_HAS(&rep, "leak: vnet alcatraz", want, NULL);
	ATF_CHECK_EQ(rep.n, 1);
	ATF_CHECK(pk_vnet_lookup(sb, "free") == NULL);
	close(fd);
	pk_report_free(&rep);
	/* No settle: close gives the dying vnet one more deadline. */
	sbt_close(sb);
}

SBT_TC(teardown_names_a_bind_mount,
    "a vnet held by a bind mount of its namespace is reported with the "
    "mount point", sbt_cleanup_foreign())
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char pin[256], cwd[PATH_MAX], where[PATH_MAX + 16];
	char want[PATH_MAX + 128];
	int fd;

	sb = sbt_open_conf(0, 300);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	sbt_pin(v, pin, sizeof(pin));
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(where, sizeof(where), "%s/holder", cwd);
	ATF_REQUIRE((fd = open(where, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	sbt_note_foreign(where);
	ATF_REQUIRE(mount(pin, where, NULL, MS_BIND, NULL) == 0);
	must_leak(v, &rep);
	snprintf(want, sizeof(want), "held by a mount of it on %s (mount "
	    "namespace of pid ", where);
	REPORT_HAS(&rep, "leak: vnet alcatraz still alive", want, NULL);
	ATF_REQUIRE(umount(where) == 0);
	must_settle(sb);
	pk_report_free(&rep);
	sbt_close(sb);
}

static int
udp_socket(void *arg)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return (-1);
	*(int *)arg = fd;
	return (0);
}

SBT_TC(teardown_names_a_socket_held_elsewhere,
    "a vnet held by a socket made in it but kept by a process outside is "
    "reported with the socket's kind and address", )
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v;
	char want[128];
	int fd;

	sb = sbt_open_conf(0, 300);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	ATF_REQUIRE_EQ(pk_vnet_enter_do(v, udp_socket, &fd, &err), 0);
	must_leak(v, &rep);
	snprintf(want, sizeof(want), "via fd %d (udp socket 127.0.0.1:7)",
	    fd);
	REPORT_HAS(&rep, "leak: vnet alcatraz still alive", want, NULL);
	close(fd);
	must_settle(sb);
	pk_report_free(&rep);
	sbt_close(sb);
}

struct orphan {
	int	listener;
	int	client;
};

static int
connect_lo(void *arg)
{
	struct orphan *o = arg;
	struct sockaddr_in sin;
	int on;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	on = 1;
	if ((o->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) < 0 ||
	    setsockopt(o->listener, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) != 0 ||
	    bind(o->listener, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(o->listener, 1) != 0)
		return (-1);
	if ((o->client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(o->client, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return (-1);
	return (0);
}

/*
 * An orphaned TCP socket with unsent data, the kind that keeps a Linux
 * namespace alive for minutes: connect over loopback, cut the path with
 * a firewall, write, close.
 */
static void
make_orphan(struct pk_vnet *v)
{
	static const char drop[] =
	    "table inet cut {\n"
	    "  chain out {\n"
	    "    type filter hook output priority 0;\n"
	    "    tcp dport 9 drop\n"
	    "    tcp sport 9 drop\n"
	    "  }\n"
	    "}\n";
	struct pk_ruleset rs = { .nft = drop, .pf = NULL };
	struct orphan o;
	char buf[16384];

	ATF_REQUIRE_EQ(pk_vnet_enter_do(v, connect_lo, &o, &err), 0);
	OK(pk_fw_load(v, &rs, &err));
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE(write(o.client, buf, sizeof(buf)) == sizeof(buf));
	close(o.client);
	close(o.listener);
}

SBT_TC(teardown_names_an_orphaned_tcp_socket,
    "a vnet held only by an orphaned TCP socket with unsent data is "
    "reported with the socket's addresses, state and queue", )
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v;

	sb = sbt_open_conf(0, 300);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	/* Let the orphan give up after about 1.4 s rather than 100 s. */
	OK(pk_sysctl_set(v, "net.ipv4.tcp_orphan_retries", "2", &err));
	make_orphan(v);
	must_leak(v, &rep);
	REPORT_HAS(&rep, "leak: vnet alcatraz still alive after",
	    "held by an orphaned tcp socket 127.0.0.1:", "-> 127.0.0.1:9 "
	    "(FIN-WAIT-1, send-q 16385, recv-q 0) that no process owns");
	ATF_CHECK_EQ(rep.n, 1);
	must_settle(sb);
	pk_report_free(&rep);
	sbt_close(sb);
}

SBT_TC(teardown_reaps_orphaned_tcp_sockets_on_request,
    "with reap on, an orphaned TCP socket is destroyed, reported as "
    "reaped, and the vnet goes at once", )
{
	struct pk_report rep = PK_REPORT_INIT;
	struct pk_sandbox *sb;
	struct pk_vnet *v;

	sb = sbt_open_conf(1, 3000);
	OK(pk_vnet_create(sb, "alcatraz", &v, &err));
	make_orphan(v);
	if (pk_vnet_destroy(v, &rep, &err) != 0)
		sbt_report_fail("destroy with reap", &rep);
	REPORT_HAS(&rep, "reaped: vnet alcatraz: destroyed orphaned tcp "
	    "socket 127.0.0.1:", "-> 127.0.0.1:9 (FIN-WAIT-1, send-q 16385",
	    NULL);
	/* Without reaping it would have held the vnet for about 100 s. */
	ATF_CHECK_EQ(rep.n, 1);
	pk_report_free(&rep);
	sbt_close(sb);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, teardown_names_a_process_inside);
	ATF_TP_ADD_TC(tp, teardown_names_an_open_descriptor);
	ATF_TP_ADD_TC(tp, teardown_names_a_bind_mount);
	ATF_TP_ADD_TC(tp, teardown_names_a_socket_held_elsewhere);
	ATF_TP_ADD_TC(tp, teardown_names_an_orphaned_tcp_socket);
	ATF_TP_ADD_TC(tp, teardown_reaps_orphaned_tcp_sockets_on_request);
	return (atf_no_error());
}
