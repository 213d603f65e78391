/*
 * pk_sandbox.h: throw-away virtual network stacks joined by interface
 * pairs, torn down synchronously.
 *
 * Vocabulary (FreeBSD's, since that is where the tests come from):
 *
 *   sandbox  everything one test case (or one tool run) builds.  It owns a
 *            "host" vnet and every vnet, epair and process made under it.
 *   vnet     a virtual network stack: a network namespace on Linux, a vnet
 *            jail on FreeBSD.  Tests name vnets logically ("alcatraz",
 *            "router"); the kernel-visible name is unique per process, so
 *            cases can run in parallel.
 *   epair    a pair of Ethernet interfaces joined back to back: veth on
 *            Linux, epair(4) on FreeBSD.  Either end may be created
 *            directly inside any vnet of the sandbox.
 *
 * Everything a sandbox creates is written to its journal (a state file)
 * before it exists in the kernel, so that a separate process can remove
 * it after a crash with pk_sandbox_recover(), touching nothing else.
 *
 * Teardown is synchronous: pk_vnet_destroy() and pk_sandbox_close()
 * return when the kernel has really dismantled the vnets (not when the
 * kernel accepted the request), or fail after a deadline with a report
 * that names what still holds each vnet: the pid and command line of a
 * process inside it, the path of an open descriptor or a mount, the
 * addresses and TCP state of a socket.
 *
 * Teardown findings are lines in a struct pk_report.  A line starting
 * "leak: " is a failure (a vnet that outlived its deadline, an interface
 * that is still there); other lines are notes on what was done to make
 * teardown succeed ("reaped: ", "removed: ") or left alone ("note: ").
 *
 * Handles (struct pk_vnet, pk_if, pk_proc) stay valid until the sandbox
 * is closed, even after what they name was destroyed: calls on a
 * destroyed vnet or interface then fail with ENOENT.
 *
 * This is the core layer: calls return -1 (or NULL) and fill a struct
 * pk_err, and never print.  Not thread-safe: one thread drives a sandbox.
 * Calls that work inside a vnet switch the calling thread's network
 * stack for their duration and switch it back.
 */
#ifndef PK_SANDBOX_H
#define PK_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../pk_err.h"
#include "../pk_report.h"
#include "../pk_time.h"

struct pk_sandbox;
struct pk_vnet;
struct pk_if;
struct pk_proc;

#define	PK_VNET_NAME_MAX	32	/* logical vnet names, [A-Za-z0-9_.-],
					   starting with a letter or digit */
#define	PK_IF_NAME_MAX		15	/* interface names */

struct pk_sandbox_conf {
	/*
	 * Path of the journal (state file), or NULL for none.  A test case
	 * keeps it in its work directory; a tool needs none.
	 */
	const char	*journal;
	/*
	 * Non-zero: first move the calling process into a fresh vnet of its
	 * own, which becomes the sandbox's host.  Nothing the sandbox does
	 * then touches the machine's own network stack.  Must be called
	 * before the process starts threads.  Zero: the vnet the caller is
	 * in is the host (a tool run inside "ip netns exec" or jexec).
	 */
	int		 private_host;
	/*
	 * Deadline, in milliseconds, for a destroyed vnet to be really gone
	 * before teardown reports what holds it.  0 means the default (5000,
	 * scaled by pk_deadline_ms()).
	 */
	unsigned	 settle_ms;
	/*
	 * Non-zero: make teardown synchronous on purpose when orphaned
	 * sockets would hold a vnet.  Before dropping its last reference to
	 * a vnet, teardown destroys every orphaned TCP socket in it (no
	 * process holds it, it is not in TIME-WAIT; sock_diag SOCK_DESTROY
	 * on Linux) and flushes its neighbour tables.  Each reaped socket is
	 * still reported, on a line starting "reaped: ".  Zero: such sockets
	 * are left alone and, if the vnet outlives its deadline, named in
	 * the "leak: " line.
	 */
	int		 reap;
};

/*
 * Open a sandbox.  On success *sbp owns a host vnet (see
 * pk_sandbox_conf.private_host) and its journal.  A journal that exists
 * is appended to, never truncated: what it records is still recovered.
 * Kernel-visible names start with "pk" and the process id: on Linux the
 * private host is pinned as /run/netns/pk<pid> and vnets as
 * /run/netns/pk<pid>.<name>.  A name that is already taken (a stale
 * pin) is left alone: a private host takes the next name of the process
 * (pk<pid>s<n>, as a later sandbox of the process would), anything else
 * fails with EEXIST.  If the process moved into its private host and a
 * later step fails, it stays there.
 */
int	pk_sandbox_open(struct pk_sandbox **sbp,
	    const struct pk_sandbox_conf *conf, struct pk_err *err);

/*
 * Tear down everything the sandbox made, in reverse order of creation:
 * stop its processes, release what holds its vnets (see pk_vnet_hold()),
 * destroy its epairs and vnets, and wait until the kernel has dismantled
 * each vnet (as pk_vnet_destroy_all(); vnets an earlier destroy left
 * dying get one more deadline).  Every finding is appended to rep (may
 * be NULL); the return is -1 if any was a leak.  The sandbox is freed
 * either way.  The private host, if any, is unpinned last; the calling
 * process stays in it.
 */
int	pk_sandbox_close(struct pk_sandbox *sb, struct pk_report *rep,
	    struct pk_err *err);

/*
 * Remove whatever a journal records and still exists, after its writer
 * died or gave up: kill recorded processes that are still the same
 * processes, destroy recorded interfaces and vnets, wait for the kernel
 * as pk_sandbox_close() does.  Idempotent; touches only what the journal
 * names and what still matches it (a vnet pin must still refer to the
 * namespace recorded, a process must have the recorded start time, an
 * interface the recorded MAC address).  Meant for a fresh process, such
 * as an atf cleanup routine, in any network stack.  settle_ms 0 means
 * the default.  Findings go to rep ("removed: " for what it removed,
 * "note: " for what it left alone, "leak: " for what did not go); returns
 * -1 if anything could not be removed or did not go away before the
 * deadline.  A journal that does not exist is not an error.
 */
int	pk_sandbox_recover(const char *journal, unsigned settle_ms, int reap,
	    struct pk_report *rep, struct pk_err *err);

/*
 * Wait up to ms (0: the sandbox's settle_ms) for every vnet that an
 * earlier destroy left dying to be dismantled; report each one still
 * alive, with what holds it, as a "leak: " line.  Returns -1 if any.
 */
int	pk_sandbox_settle(struct pk_sandbox *sb, unsigned ms,
	    struct pk_report *rep, struct pk_err *err);

/*
 * Microseconds the last teardown waited, from dropping its last
 * reference to the kernel's confirmation that the last of its vnets was
 * dismantled; -1 if there was none.  For benchmarks.
 */
int64_t	pk_sandbox_settle_us(const struct pk_sandbox *sb);

/*
 * The sandbox's host vnet ("vnet0" of the case).
 */
struct pk_vnet	*pk_sandbox_host(struct pk_sandbox *sb);

/*
 * Create a vnet with logical name name, loopback up, and pin it so that
 * "ip netns exec <pk_vnet_kname()>" (Linux) or "jexec" (FreeBSD) reaches
 * it.  Names must be unique within the sandbox ("host" is the host's).
 * IPv6 duplicate address detection is off in it, so that no address,
 * link-local ones included, is ever tentative.  On Linux the vnet also
 * holds the peer of a canary interface (see pk_sandbox.3).
 */
int	pk_vnet_create(struct pk_sandbox *sb, const char *name,
	    struct pk_vnet **vp, struct pk_err *err);

/*
 * Destroy one vnet now, synchronously (see the file comment): release
 * its holders, kill its processes, drop every reference, and wait for
 * the kernel.  Its interfaces are destroyed with it; those on the other
 * side of its epairs go too.  Findings go to rep (may be NULL).  Returns
 * -1 if it was still alive at the deadline (it is then left "dying":
 * see pk_sandbox_settle()) or anything else leaked.  The host cannot be
 * destroyed this way.
 */
int	pk_vnet_destroy(struct pk_vnet *v, struct pk_report *rep,
	    struct pk_err *err);

/*
 * Destroy every vnet of the sandbox but its host, in one batch: all
 * references are dropped first, then all deaths awaited together (the
 * kernel dismantles namespaces one batch at a time, so destroying them
 * one by one costs a kernel teardown each).  The sandbox stays open.
 */
int	pk_vnet_destroy_all(struct pk_sandbox *sb, struct pk_report *rep,
	    struct pk_err *err);

/*
 * Look a live vnet up by logical name; NULL if the sandbox has none.
 */
struct pk_vnet	*pk_vnet_lookup(struct pk_sandbox *sb, const char *name);

const char	*pk_vnet_name(const struct pk_vnet *v);	/* logical */
/* Kernel-visible name; "" for a host that is not private (not pinned). */
const char	*pk_vnet_kname(const struct pk_vnet *v);
struct pk_sandbox *pk_vnet_sandbox(const struct pk_vnet *v);

/*
 * Register something that keeps v alive (a capture, a socket, a helper
 * process): release(arg) is called, most recent first, before v is
 * destroyed or the sandbox closed.  Returns a handle for pk_vnet_unhold(),
 * which the owner calls when it releases the thing itself first.
 */
int	pk_vnet_hold(struct pk_vnet *v, void (*release)(void *), void *arg,
	    struct pk_err *err);
void	pk_vnet_unhold(struct pk_vnet *v, int handle);

/*
 * An interface as a vnet's interface list shows it.
 */
struct pk_ifinfo {
	char		name[PK_IF_NAME_MAX + 1];
	int		index;
	char		kind[16];	/* the OS's word: "veth", "loopback" */
	int		up;		/* administratively up */
};

/*
 * Every interface in v, the sandbox's own and others, in index order:
 * *listp is malloc'd (caller frees), *np entries.  The canary (Linux)
 * is among them.
 */
int	pk_vnet_if_list(struct pk_vnet *v, struct pk_ifinfo **listp,
	    size_t *np, struct pk_err *err);

/*
 * Run fn(arg) in the calling thread with v as its network stack, then
 * return to the previous one.  Sockets fn opens stay in v.  Where an OS
 * cannot leave a vnet once it entered (FreeBSD jails), this fails with
 * ENOTSUP; code that must be portable uses pk_vnet_call().
 */
int	pk_vnet_enter_do(struct pk_vnet *v, int (*fn)(void *), void *arg,
	    struct pk_err *err);

/*
 * Interfaces.  Ends of an epair are named like FreeBSD's ("epair0a",
 * "epair0b"); names are unique within the sandbox.
 */

/*
 * Create an epair with end a in va and end b in vb (NULL: the host).
 * Both ends are created directly where they belong, which on Linux is
 * several times faster than creating in the host and moving.  Both ends
 * are up, with random locally administered MAC addresses.  The unit
 * number is the next free one, skipping names taken by others.
 */
int	pk_epair_create(struct pk_sandbox *sb, struct pk_vnet *va,
	    struct pk_vnet *vb, struct pk_if **ap, struct pk_if **bp,
	    struct pk_err *err);

/*
 * Destroy the epair that ifp belongs to (both ends).  On Linux this costs
 * an RCU grace period (about 20 ms); epairs that end in vnets go with
 * them at no cost.
 */
int	pk_epair_destroy(struct pk_if *ifp, struct pk_err *err);

/*
 * Move an interface into another vnet of the same sandbox.  Its
 * addresses are lost, as the kernel does; it is brought up again.
 */
int	pk_if_move(struct pk_if *ifp, struct pk_vnet *to, struct pk_err *err);

/*
 * Find an interface by name in v, including ones the sandbox did not
 * create ("lo").  The handle is valid until the sandbox is closed; the
 * sandbox never destroys an interface it did not create, and refuses to
 * change one in a host that is not private (EPERM).
 */
struct pk_if	*pk_if_lookup(struct pk_vnet *v, const char *name,
		    struct pk_err *err);

const char	*pk_if_name(const struct pk_if *ifp);
struct pk_vnet	*pk_if_vnet(const struct pk_if *ifp);
int		 pk_if_index(const struct pk_if *ifp);
/* The peer of an epair end, or NULL. */
struct pk_if	*pk_if_peer(const struct pk_if *ifp);
/* Copy the interface's link-layer (MAC) address to mac. */
int		 pk_if_mac(const struct pk_if *ifp, uint8_t mac[6],
		    struct pk_err *err);

int	pk_if_up(struct pk_if *ifp, int up, struct pk_err *err);
int	pk_if_mtu(struct pk_if *ifp, unsigned mtu, struct pk_err *err);

/*
 * Add or remove an address given as "192.0.2.1/24" or "2001:db8::1/64"
 * (no prefix length means /32 or /128).  An IPv6 address is usable as
 * soon as this returns: no duplicate address detection, never tentative.
 */
int	pk_addr_add(struct pk_if *ifp, const char *cidr, struct pk_err *err);
int	pk_addr_del(struct pk_if *ifp, const char *cidr, struct pk_err *err);

/*
 * Routes in v.  dst is "default", "default6", or a prefix
 * ("198.51.100.0/24", "2001:db8:1::/64"); gw is a gateway address or
 * NULL; oif an outgoing interface or NULL.  At least one of gw and oif
 * must be given.
 */
int	pk_route_add(struct pk_vnet *v, const char *dst, const char *gw,
	    struct pk_if *oif, struct pk_err *err);
int	pk_route_del(struct pk_vnet *v, const char *dst, const char *gw,
	    struct pk_if *oif, struct pk_err *err);

/*
 * Static neighbour (ARP or NDP) entry on ifp: ip ("192.0.2.2" or
 * "2001:db8::2") is at mac ("02:00:00:00:00:01").
 */
int	pk_neigh_add(struct pk_if *ifp, const char *ip, const char *mac,
	    struct pk_err *err);
/*
 * Look up the neighbour entry for ip on ifp.  Returns 1 and fills mac if
 * the vnet has a usable (reachable, stale, permanent...) entry, 0 if it
 * has none, -1 on error.  No resolution is attempted here.
 */
int	pk_neigh_get(struct pk_if *ifp, const char *ip, uint8_t mac[6],
	    struct pk_err *err);

/*
 * Sysctls inside v, by the OS's own name ("net.ipv4.ip_forward" on
 * Linux, "net.inet.ip.forwarding" on FreeBSD).
 */
int	pk_sysctl_set(struct pk_vnet *v, const char *name, const char *value,
	    struct pk_err *err);
int	pk_sysctl_get(struct pk_vnet *v, const char *name, char *buf,
	    size_t size, struct pk_err *err);

/*
 * A protocol statistic of v, for tests that must see what a stack did
 * with a packet it did not answer: "Ip.ReasmFails", "Ip6.ReasmTimeout",
 * "Icmp6.OutParmProblems", "TcpExt.SyncookiesSent" (Linux's names from
 * /proc/net/snmp, snmp6 and netstat; other OSes map them).  ENOENT for
 * a name this OS does not have.
 */
int	pk_vnet_stat(struct pk_vnet *v, const char *name, uint64_t *val,
	    struct pk_err *err);

/*
 * Wait up to ms (nominal, see pk_deadline_ms()) for statistic name of v
 * to reach at least min, for what leaves only a counter behind (a
 * reassembly queue that expires without an error to send).  The kernel
 * does not announce counter changes, so the value is read again every
 * few milliseconds; a value already reached returns at once.  Returns 1
 * when reached, 0 at the deadline (err says what was waited for and the
 * last value), -1 on error; *val (may be NULL) gets the last value read.
 */
int	pk_vnet_stat_wait(struct pk_vnet *v, const char *name, uint64_t min,
	    unsigned ms, uint64_t *val, struct pk_err *err);

/*
 * Portable switches tests need often, mapped to the OS's sysctls.
 */
int	pk_vnet_forwarding(struct pk_vnet *v, int on, struct pk_err *err);

/*
 * Firewalls.  A ruleset carries one text per firewall, so a test can
 * stay OS-neutral; pk_fw_load() loads the one for this OS (nftables with
 * "nft -f -" on Linux, pf with "pfctl -f -" on FreeBSD) into v.  A
 * ruleset the firewall rejects fails with the firewall's own message.
 * A missing text for this OS fails with ENOTSUP.
 */
struct pk_ruleset {
	const char	*nft;	/* nftables (Linux) */
	const char	*pf;	/* pf (FreeBSD) */
};
int	pk_fw_load(struct pk_vnet *v, const struct pk_ruleset *rs,
	    struct pk_err *err);

/*
 * Firewall states: the connections a vnet's firewall keeps track of
 * (conntrack entries on Linux, pf states on FreeBSD), so that a test can
 * count them, look at them and kill them, as pfctl -ss and -k do.
 *
 * A state is described by its first packet, the original direction, and
 * by the reply direction the firewall expects, which differs from the
 * original one reversed when the connection is translated (NAT).  Ports
 * are TCP, UDP and SCTP ports; for ICMP and ICMPv6 echo both hold the
 * echo identifier, as pf does.
 */
#define	PK_FW_ADDRSTRLEN	46	/* INET6_ADDRSTRLEN */
#define	PK_FW_KEYSIZE		160

struct pk_fw_state {
	int		 af;		/* AF_INET or AF_INET6 */
	int		 proto;		/* IPPROTO_TCP, IPPROTO_ICMP, ... */
	char		 src[PK_FW_ADDRSTRLEN];	/* original direction */
	char		 dst[PK_FW_ADDRSTRLEN];
	uint16_t	 sport;
	uint16_t	 dport;
	char		 rsrc[PK_FW_ADDRSTRLEN];	/* reply direction */
	char		 rdst[PK_FW_ADDRSTRLEN];
	uint16_t	 rsport;
	uint16_t	 rdport;
	/*
	 * TCP: the firewall's view of the connection, in conntrack's
	 * words ("SYN_SENT", "ESTABLISHED", "TIME_WAIT", "CLOSE"...);
	 * empty for other protocols.
	 */
	char		 state[16];
	int		 replied;	/* traffic was seen both ways */
	/*
	 * The label of the rule that made the state.  pf has rule labels;
	 * Linux has none on connections, so a ruleset writes up to four
	 * ASCII characters into the connection mark instead ("ct mark set
	 * 0x666f6f" for "foo"), which reads back as that text.  Any other
	 * non-zero mark reads as "0x..."; no mark, as "".
	 */
	char		 label[16];
	uint64_t	 id;		/* the firewall's id for the state */
	unsigned char	 key[PK_FW_KEYSIZE];	/* the backend's handle */
};

/*
 * Which states: every member left 0 (or NULL) matches anything.  src
 * and dst are the original direction's addresses; sport and dport its
 * ports (the echo identifier for ICMP).  With nat set, an address or a
 * port also matches the reply direction's, the way pfctl -M also takes
 * the other half of a translated connection.
 */
struct pk_fw_match {
	int		 af;
	int		 proto;
	const char	*src;
	const char	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	const char	*label;
	uint64_t	 id;
	const char	*state;
	int		 nat;
};

/*
 * The states of v that m matches (m NULL: all), in the firewall's order:
 * *sp is malloc'd (caller frees; NULL when there are none), *np entries.
 * A vnet whose firewall tracks nothing has none.  A malformed address in
 * m fails with EINVAL.
 */
int	pk_fw_state_list(struct pk_vnet *v, const struct pk_fw_match *m,
	    struct pk_fw_state **sp, size_t *np, struct pk_err *err);

/*
 * Kill the states of v that m matches (m NULL: all); *np (may be NULL)
 * gets how many.  A state that goes away on its own meanwhile is not
 * an error.  Traffic of a killed connection is then new to the
 * firewall.
 */
int	pk_fw_state_kill(struct pk_vnet *v, const struct pk_fw_match *m,
	    size_t *np, struct pk_err *err);

/*
 * Does m match s?
 */
int	pk_fw_state_matches(const struct pk_fw_state *s,
	    const struct pk_fw_match *m);

/*
 * One line describing s, pfctl -ss style ("tcp 192.0.2.1:4201 ->
 * 198.51.100.2:9 (198.51.100.2:9 -> 203.0.113.1:4201) ESTABLISHED"),
 * into buf; returns the length the whole line needs, like snprintf(3).
 */
size_t	pk_fw_state_line(const struct pk_fw_state *s, char *buf,
	    size_t size);

/*
 * Processes inside a vnet.
 */

struct pk_run_result {
	int	 status;	/* as from waitpid(2) */
	char	*out;		/* stdout, NUL-terminated, caller frees */
	size_t	 outlen;
	char	*errout;	/* stderr, NUL-terminated, caller frees */
	size_t	 errlen;
};

/*
 * Run argv (argv[0] looked up in PATH) inside v with input (may be NULL)
 * on its stdin; wait for it and capture stdout and stderr.  Fails only
 * if it could not be run; its exit status is in res->status.  Returns
 * once the command has exited and both streams are closed (a daemon it
 * leaves running with them open keeps it waiting).
 */
int	pk_vnet_run(struct pk_vnet *v, char *const argv[], const char *input,
	    struct pk_run_result *res, struct pk_err *err);
void	pk_run_result_free(struct pk_run_result *res);

/*
 * Start argv inside v in the background, stdin/stdout/stderr on
 * /dev/null unless redirected by the caller through argv[0] being a
 * shell.  The process is journalled before it runs and killed (SIGKILL,
 * then reaped) when v is destroyed if still alive.
 */
int	pk_vnet_spawn(struct pk_vnet *v, char *const argv[],
	    struct pk_proc **pp, struct pk_err *err);
pid_t	pk_proc_pid(const struct pk_proc *p);
/*
 * Send sig (0: none) to p and, if wait is non-zero, reap it; *status
 * gets its wait status (may be NULL).  ESRCH once p has been reaped.
 */
int	pk_proc_kill(struct pk_proc *p, int sig, int wait, int *status,
	    struct pk_err *err);

/*
 * Run fn(arg) in a forked child attached to v and wait for it; *status
 * gets the child's wait status, whose exit code is fn's return value.
 * The child keeps the caller's standard streams.  The portable way to
 * run C code in a vnet.
 */
int	pk_vnet_call(struct pk_vnet *v, int (*fn)(void *), void *arg,
	    int *status, struct pk_err *err);

#endif /* !PK_SANDBOX_H */
