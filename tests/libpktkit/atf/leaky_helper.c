/*
 * leaky_helper: cases that leak on purpose, one per kind of leak, for
 * leak_matrix_test to run and judge.  Each would pass but for its leak.
 * Not listed in the Kyuafile: run under kyua on its own, every case but
 * reap_allows_an_orphaned_tcp_socket fails.
 */
#define	_GNU_SOURCE
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"
#include "helper.h"

/* A vnet held on purpose needs no long wait to be found out. */
#define	HELD_SETTLE_MS	300

/* The descriptor leak_vnet_held_by_an_fd keeps open. */
#define	HOLDING_FD	77

PK_TC(leak_interface_in_host, "leaves a veth pair in the case host");
PK_TC_BODY(leak_interface_in_host, t)
{

	pk_run_ok(t, NULL, "ip link add leak0 type veth peer name leak1");
}

PK_TC(leak_interface_moved_from_a_vnet, "creates a veth pair inside a "
    "vnet and moves both ends to the case host");
PK_TC_BODY(leak_interface_moved_from_a_vnet, t)
{
	struct pk_vnet *v;
	const char *host;

	v = pk_vnet(t, "alcatraz");
	host = pk_vnet_kname(pk_host(t));
	pk_run_ok(t, v, "ip link add leak2 type veth peer name leak3 && "
	    "ip link set leak2 netns %s && ip link set leak3 netns %s", host,
	    host);
}

PK_TC_CONF(leak_vnet_held_by_a_process, "starts a process in a vnet "
    "behind the framework's back (a shell's &)",
    .settle_ms = HELD_SETTLE_MS);
PK_TC_BODY(leak_vnet_held_by_a_process, t)
{
	struct pk_vnet *v;

	v = pk_vnet(t, "alcatraz");
	pk_run_ok(t, v, "sleep 86397 </dev/null >/dev/null 2>&1 &");
}

/* The same, with the deadline left to the run (pktkit_settle_ms). */
PK_TC(leak_vnet_held_by_a_process_run_deadline, "starts a process in a "
    "vnet behind the framework's back; no deadline of its own");
PK_TC_BODY(leak_vnet_held_by_a_process_run_deadline, t)
{
	struct pk_vnet *v;

	v = pk_vnet(t, "alcatraz");
	pk_run_ok(t, v, "sleep 86396 </dev/null >/dev/null 2>&1 &");
}

static void
pin_of(struct pk_vnet *v, char *buf, size_t size)
{

	snprintf(buf, size, "/run/netns/%s", pk_vnet_kname(v));
}

PK_TC_CONF(leak_vnet_held_by_an_fd, "keeps a descriptor open on a vnet's "
    "pin", .settle_ms = HELD_SETTLE_MS);
PK_TC_BODY(leak_vnet_held_by_an_fd, t)
{
	char pin[PATH_MAX];
	int fd;

	pin_of(pk_vnet(t, "alcatraz"), pin, sizeof(pin));
	if ((fd = open(pin, O_RDONLY)) < 0)
		pk_fail(t, "%s: %s", pin, strerror(errno));
	if (dup2(fd, HOLDING_FD) != HOLDING_FD)
		pk_fail(t, "dup2: %s", strerror(errno));
	close(fd);
}

PK_TC_CONF(leak_vnet_held_by_a_mount, "bind-mounts a vnet's pin in the "
    "work directory", .settle_ms = HELD_SETTLE_MS);
PK_TC_BODY(leak_vnet_held_by_a_mount, t)
{
	char pin[PATH_MAX], where[PATH_MAX + 16], cwd[PATH_MAX];
	int fd;

	pin_of(pk_vnet(t, "alcatraz"), pin, sizeof(pin));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		pk_fail(t, "getcwd: %s", strerror(errno));
	snprintf(where, sizeof(where), "%s/holder", cwd);
	if ((fd = open(where, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) < 0)
		pk_fail(t, "%s: %s", where, strerror(errno));
	close(fd);
	pk_run_ok(t, NULL, "mount --bind %s %s", pin, where);
}

/*
 * An orphaned TCP socket with unsent data: a listener in the server
 * vnet that never accepts, a client that fills the window and closes.
 * The server's output is dropped first, so that neither its ACKs nor the
 * RST its listener sends when it closes can save the client's socket.
 */
struct conn {
	int	listener;
	int	client;
};

static void
sin_of(struct sockaddr_in *sin, const char *addr)
{

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(9);
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

static int
listen_on_9(void *arg)
{
	struct conn *c = arg;
	struct sockaddr_in sin;

	sin_of(&sin, "192.0.2.2");
	if ((c->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
	    0)) < 0 ||
	    bind(c->listener, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(c->listener, 1) != 0)
		return (-1);
	return (0);
}

/* Connect (the kernel completes it for the listener), then fill. */
static int
connect_and_fill(void *arg)
{
	struct conn *c = arg;
	struct sockaddr_in sin;
	char buf[16384];

	sin_of(&sin, "192.0.2.2");
	if ((c->client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(c->client, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    fcntl(c->client, F_SETFL, O_NONBLOCK) != 0)
		return (-1);
	memset(buf, 'x', sizeof(buf));
	while (write(c->client, buf, sizeof(buf)) > 0)
		continue;
	return (errno == EAGAIN ? 0 : -1);
}

static const char drop_output[] =
    "table inet mute {\n"
    "  chain out {\n"
    "    type filter hook output priority 0; policy drop;\n"
    "  }\n"
    "}\n";

/*
 * client (or the case host if client is NULL) -- server, and an orphan
 * from the one to the other.
 */
static void
make_orphan(struct pk_tc *t, struct pk_vnet *client)
{
	struct pk_ruleset mute = { .nft = drop_output, .pf = NULL };
	struct pk_vnet *server;
	struct pk_epair *ep;
	struct pk_err err;
	struct conn c;

	pk_err_clear(&err);
	server = pk_vnet(t, "server");
	ep = pk_epair(t, client, server);
	pk_addr(t, ep->a, "192.0.2.1/24");
	pk_addr(t, ep->b, "192.0.2.2/24");
	if (pk_vnet_enter_do(server, listen_on_9, &c, &err) != 0)
		pk_fail(t, "listen in server: %s", err.msg[0] != '\0' ?
		    err.msg : strerror(errno));
	if (client != NULL &&
	    pk_vnet_enter_do(client, connect_and_fill, &c, &err) != 0)
		pk_fail(t, "connect from client: %s", err.msg[0] != '\0' ?
		    err.msg : strerror(errno));
	if (client == NULL && connect_and_fill(&c) != 0)
		pk_fail(t, "connect from the host: %s", strerror(errno));
	pk_fw(t, server, &mute);
	close(c.client);
	close(c.listener);
}

PK_TC_CONF(leak_orphaned_tcp_socket, "leaves an orphaned TCP socket with "
    "unsent data in a vnet", .require_progs = "nft");
PK_TC_BODY(leak_orphaned_tcp_socket, t)
{

	make_orphan(t, pk_vnet(t, "client"));
}

PK_TC_CONF(leak_orphaned_tcp_socket_in_the_host, "leaves an orphaned TCP "
    "socket with unsent data in the case host", .require_progs = "nft");
PK_TC_BODY(leak_orphaned_tcp_socket_in_the_host, t)
{

	make_orphan(t, NULL);
}

PK_TC_CONF(reap_allows_an_orphaned_tcp_socket, "leaves an orphaned TCP "
    "socket in a vnet, and says it expects to", .require_progs = "nft",
    .reap = 1);
PK_TC_BODY(reap_allows_an_orphaned_tcp_socket, t)
{

	make_orphan(t, pk_vnet(t, "client"));
}

/* Kept open to the end of the process. */
static int	leaked_socket = -1;

PK_TC_CONF(leak_socket_count, "leaves a TCP socket open, in exclusive "
    "mode", .exclusive = 1);
PK_TC_BODY(leak_socket_count, t)
{

	if ((leaked_socket = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		pk_fail(t, "socket: %s", strerror(errno));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, leak_interface_in_host);
	ATF_TP_ADD_TC(tp, leak_interface_moved_from_a_vnet);
	ATF_TP_ADD_TC(tp, leak_vnet_held_by_a_process);
	ATF_TP_ADD_TC(tp, leak_vnet_held_by_a_process_run_deadline);
	ATF_TP_ADD_TC(tp, leak_vnet_held_by_an_fd);
	ATF_TP_ADD_TC(tp, leak_vnet_held_by_a_mount);
	ATF_TP_ADD_TC(tp, leak_orphaned_tcp_socket);
	ATF_TP_ADD_TC(tp, leak_orphaned_tcp_socket_in_the_host);
	ATF_TP_ADD_TC(tp, reap_allows_an_orphaned_tcp_socket);
	ATF_TP_ADD_TC(tp, leak_socket_count);
	return (atf_no_error());
}
