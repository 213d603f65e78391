/*
 * pk_os.h: the OS seam.  Every operation the portable core needs from the
 * operating system, and nothing else.  A backend is one set of files named
 * *_<os>.c that implements all of them: *_linux.c (network namespaces,
 * veth, rtnetlink through libmnl, /proc) builds on Linux, *_freebsd.c
 * (vnet jails, epair(4), routing socket, sysctl) on FreeBSD.  An
 * operation that is the same on every OS is written once instead, in a
 * portable file of os/ (os/watch.c, ...), on top of the others; the
 * helpers those files share with the backends are in os/os_common.h.
 *
 * Conventions.  Calls that can fail return -1 and fill err (see pk_err.h);
 * they never print and never exit.  A backend never decides what to touch:
 * the core tells it exactly which vnet, interface or process, and has
 * journalled it before it exists (see pk_sandbox.h).  "Identity" strings
 * (ident) are a backend's proof that an object it finds later is the one
 * it made: the core stores them in the journal without looking inside.
 *
 * How the two backends map (FreeBSD in brackets):
 *
 *   vnet        network namespace, pinned by a bind mount on
 *               /run/netns/<kname>   [persistent vnet jail named <kname>]
 *   epair       veth pair, each end created directly where it belongs
 *               [epair(4) by SIOCIFCREATE2, ends moved by SIOCSIFVNET]
 *   release     unmount the pin, close every descriptor we hold
 *               [jail_remove(2)]
 *   watch       a canary veth with one end in the observer and the other
 *               in the vnet: the kernel deletes the observer's end when it
 *               dismantles the vnet (RTM_DELLINK)  [routing socket: the
 *               jail's epair ends arrive back in the host (RTM_IFANNOUNCE),
 *               and the jail leaves the dying list]
 */
#ifndef PK_OS_H
#define PK_OS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>

#include "../pk_err.h"

struct pk_ruleset;

#define	PK_OS_IFNAMSIZ	16	/* interface names, with the NUL */
#define	PK_OS_KINDSIZ	16	/* interface kinds ("veth", "epair") */
#define	PK_OS_IDENTSIZ	160	/* identity strings, with the NUL */
#define	PK_OS_IDSIZ	48	/* printable vnet ids, with the NUL */

struct pk_os_vnet;		/* a backend's handle on one vnet */
struct pk_os_watch;		/* a backend's way of seeing vnets die */

/*
 * Vnets.
 */

enum pk_os_vnet_how {
	PK_OS_VNET_NEW,		/* a fresh vnet; the caller stays put */
	PK_OS_VNET_ENTER,	/* a fresh vnet the calling process moves
				   into for good (a private host) */
	PK_OS_VNET_CURRENT,	/* the vnet the caller is in now: never
				   pinned, never released */
	PK_OS_VNET_SCRATCH	/* a fresh vnet that is never pinned and
				   dies with its handle (an observer) */
};

/*
 * First half of making a vnet: make it (or take the current one) without
 * anything that would outlive the calling process, and write its
 * identity to ident (PK_OS_IDENTSIZ bytes) for the journal.  kname is
 * the kernel-visible name it will be pinned under (NULL for CURRENT and
 * SCRATCH).  A new vnet has its loopback up and IPv6 duplicate address
 * detection off, so that addresses are never tentative.  ENTER must be
 * called before the process starts threads.
 */
int	pk_os_vnet_prepare(const char *kname, enum pk_os_vnet_how how,
	    struct pk_os_vnet **ovp, char *ident, struct pk_err *err);

/*
 * Second half: pin the vnet under its kname so that it outlives us and a
 * human ("ip netns exec", "jexec") or a recovering process can reach it.
 * Fails with EEXIST, touching nothing, if the name is taken.  A no-op for
 * CURRENT and SCRATCH.
 */
int	pk_os_vnet_commit(struct pk_os_vnet *ov, struct pk_err *err);

#define	PK_OS_GONE	0	/* nothing by that name any more */
#define	PK_OS_FOUND	1	/* found, and it is ours: *ovp is set */
#define	PK_OS_FOREIGN	2	/* something else has the name now */

/*
 * Find a vnet again from its kname and ident (as written by
 * pk_os_vnet_prepare()) in a process that did not make it.  For a CURRENT
 * ident (kname NULL), which has no pin, FOUND means the caller or some
 * other process is still in that vnet, and the handle reaches it; GONE
 * that no process is.  Returns PK_OS_GONE, PK_OS_FOUND or PK_OS_FOREIGN,
 * or -1.
 */
int	pk_os_vnet_recover(const char *kname, const char *ident,
	    struct pk_os_vnet **ovp, struct pk_err *err);

/*
 * Remove the pin: the vnet is no longer reachable by name.  It stays
 * alive while anything (our own handle included) references it.
 */
int	pk_os_vnet_unpin(struct pk_os_vnet *ov, struct pk_err *err);

/*
 * Drop every reference we hold on the vnet (descriptors, sockets in it).
 * After release the handle still names the vnet (for pk_os_watch_wait()
 * and pk_os_holders()) but can do nothing in it.  Releasing several
 * vnets back to back lets the kernel dismantle them in one batch.
 */
void	pk_os_vnet_release(struct pk_os_vnet *ov);

/*
 * Release several vnets as one batch, so that the kernel dismantles them
 * together (see pk_os_vnet_release()).
 */
void	pk_os_vnet_release_batch(struct pk_os_vnet *const *ovs, size_t n);

/*
 * Release and free the handle.  Never unpins.
 */
void	pk_os_vnet_free(struct pk_os_vnet *ov);

/*
 * A printable, stable identifier of the vnet for reports
 * ("net:[4026532281]", "jid 12").
 */
const char *pk_os_vnet_id(const struct pk_os_vnet *ov);

/*
 * Run the calling thread in ov until pk_os_vnet_leave().  Sockets opened
 * meanwhile belong to ov.  ENOTSUP where a thread cannot come back
 * (FreeBSD).
 */
struct pk_os_saved {
	int	fd;
};
int	pk_os_vnet_enter(struct pk_os_vnet *ov, struct pk_os_saved *sv,
	    struct pk_err *err);
int	pk_os_vnet_leave(struct pk_os_saved *sv, struct pk_err *err);

/*
 * In a freshly forked child: attach the calling process to ov for good.
 * Only async-signal-safe calls; returns an errno value, 0 on success.
 */
int	pk_os_vnet_attach(const struct pk_os_vnet *ov);

/*
 * Move the calling process into a fresh network stack of its own that
 * nothing pins and nothing journals: it dies with the process (Linux:
 * unshare(CLONE_NEWNET); FreeBSD: a vnet jail without "persist" that
 * the process attaches to).  For test programs and benches that call
 * the core directly and must not touch the machine's stack.  Call it
 * before the process starts threads.
 */
int	pk_os_private_stack(struct pk_err *err);

/*
 * Interfaces.  Operations name an interface by name and by the index the
 * core learnt from the backend; a backend uses whichever it needs.
 */

struct pk_os_link {
	char		name[PK_OS_IFNAMSIZ];
	int		index;
	char		kind[PK_OS_KINDSIZ];	/* "veth", "loopback", ... */
	int		up;			/* administratively up */
	unsigned	mtu;
	uint8_t		mac[6];			/* zero if none */
};

/*
 * Create an epair: end na (MAC maca) in va, end nb (MAC macb) in vb,
 * each created directly in its vnet, both up if up is non-zero.  If a
 * and b are not NULL they receive what the ends look like.  EEXIST if
 * either name is taken; nothing is left behind on failure.
 */
int	pk_os_link_pair(struct pk_os_vnet *va, const char *na,
	    const uint8_t maca[6], struct pk_os_vnet *vb, const char *nb,
	    const uint8_t macb[6], int up, struct pk_os_link *a,
	    struct pk_os_link *b, struct pk_err *err);

/*
 * Look up one interface by name in ov: 1 and *l filled if found, 0 if
 * ov has none by that name, -1 on error.
 */
int	pk_os_link_get(struct pk_os_vnet *ov, const char *name,
	    struct pk_os_link *l, struct pk_err *err);

/*
 * Every interface of ov (NULL: the vnet the caller is in): *lp is a
 * malloc'd array of *np entries, in index order.  The leak checker's
 * view of a vnet.
 */
int	pk_os_link_list(struct pk_os_vnet *ov, struct pk_os_link **lp,
	    size_t *np, struct pk_err *err);

int	pk_os_link_delete(struct pk_os_vnet *ov, const char *name, int index,
	    struct pk_err *err);

/*
 * Move an interface from ov to "to", keeping its name; *l gets what it
 * looks like there (its index may change).  Addresses are lost.
 */
int	pk_os_link_move(struct pk_os_vnet *ov, const char *name, int index,
	    struct pk_os_vnet *to, struct pk_os_link *l, struct pk_err *err);

/*
 * Set an interface up (1) or down (0) or leave it (-1), and its MTU
 * (0: leave it).
 */
int	pk_os_link_set(struct pk_os_vnet *ov, const char *name, int index,
	    int up, unsigned mtu, struct pk_err *err);

/*
 * Addresses, routes, neighbours.
 */

struct pk_os_inaddr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* network byte order */
	unsigned	plen;		/* prefix length */
};

/*
 * Add (add != 0) or remove an address on an interface.  An IPv6 address
 * is added without duplicate address detection: usable at once.
 */
int	pk_os_addr_change(struct pk_os_vnet *ov, const char *name, int index,
	    int add, const struct pk_os_inaddr *a, struct pk_err *err);

/*
 * Add or remove a unicast route to dst via gw (NULL: directly connected)
 * out of interface oif (NULL: the kernel chooses).
 */
int	pk_os_route_change(struct pk_os_vnet *ov, int add,
	    const struct pk_os_inaddr *dst, const struct pk_os_inaddr *gw,
	    const char *oif, int oifindex, struct pk_err *err);

/*
 * A static (permanent) neighbour entry: ip is at mac on the interface.
 */
int	pk_os_neigh_add(struct pk_os_vnet *ov, const char *name, int index,
	    const struct pk_os_inaddr *ip, const uint8_t mac[6],
	    struct pk_err *err);

/*
 * Look up a usable neighbour entry: 1 and mac filled, 0 if none, -1.
 */
int	pk_os_neigh_get(struct pk_os_vnet *ov, const char *name, int index,
	    const struct pk_os_inaddr *ip, uint8_t mac[6], struct pk_err *err);

/*
 * Remove every neighbour entry in ov (packets queued on unresolved
 * entries can keep a dying vnet's sockets alive).
 */
int	pk_os_neigh_flush(struct pk_os_vnet *ov, struct pk_err *err);

/*
 * Sysctls and firewall.
 */

/*
 * Set or read a sysctl inside ov by the OS's own name.  get stores the
 * value, without a trailing newline, in buf (size bytes).
 */
int	pk_os_sysctl_set(struct pk_os_vnet *ov, const char *name,
	    const char *value, struct pk_err *err);
int	pk_os_sysctl_get(struct pk_os_vnet *ov, const char *name, char *buf,
	    size_t size, struct pk_err *err);

/*
 * A protocol statistic of ov, named Group.Name as Linux's /proc/net/snmp,
 * snmp6 and netstat files group them ("Ip.ReasmFails", "Ip6.ReasmFails",
 * "Icmp6.OutParmProblems", "TcpExt.SyncookiesSent").  ENOENT if there is
 * no such statistic.  (FreeBSD: the same names mapped onto the
 * net.inet.*.stats structures.)
 */
int	pk_os_stat_get(struct pk_os_vnet *ov, const char *name, uint64_t *val,
	    struct pk_err *err);

/*
 * Turn IPv4 and IPv6 forwarding on or off in ov.
 */
int	pk_os_forwarding(struct pk_os_vnet *ov, int on, struct pk_err *err);

/*
 * How this OS loads a ruleset: *argvp is the command to run inside the
 * vnet (nft -f -, pfctl -f -), *textp what to feed it on standard input.
 * ENOTSUP if rs has no text for this OS's firewall.
 */
int	pk_os_fw_command(const struct pk_ruleset *rs, char *const **argvp,
	    const char **textp, struct pk_err *err);

/*
 * Processes.
 */

/*
 * When pid started, in the OS's own units: with the pid, the identity of
 * a process that survives pid reuse.
 */
int	pk_os_proc_start_time(pid_t pid, uint64_t *start, struct pk_err *err);

/*
 * The command line of pid, arguments separated by spaces, truncated to
 * size; "?" if it cannot be read.
 */
void	pk_os_proc_describe(pid_t pid, char *buf, size_t size);

/*
 * Kill pid (not necessarily our child) with SIGKILL if it is still the
 * process that started at start, and wait until it has exited, at most
 * until end_ms (pk_now_ms() time).  Returns 1 if it was killed and is
 * gone, 0 if no such process exists any more, -1 on error or if it was
 * still alive at the deadline.
 */
int	pk_os_proc_kill_match(pid_t pid, uint64_t start, int64_t end_ms,
	    struct pk_err *err);

/*
 * Teardown: seeing vnets die, and finding what keeps them alive.
 */

/*
 * Prepare ov so that its death can be seen from observer (the sandbox's
 * host): on Linux a canary veth named name in observer whose peer is in
 * ov.  Must be done while ov is alive and before pk_os_watch_open().
 */
int	pk_os_vnet_arm(struct pk_os_vnet *observer, struct pk_os_vnet *ov,
	    const char *name, struct pk_err *err);

/*
 * Start listening in observer for armed vnets dying.  Open the watch
 * before releasing the vnets, so that no death can be missed.
 */
int	pk_os_watch_open(struct pk_os_vnet *observer, struct pk_os_watch **wp,
	    struct pk_err *err);

/*
 * Wait until every vnet in ovs (armed, then released) has been
 * dismantled by the kernel, or until end_ms.  gone[i] is set to 1 for
 * each one that has.  Returns the number still alive, or -1 on error.
 * Waits on events only.  (Portable: os/watch.c.)
 */
int	pk_os_watch_wait(struct pk_os_watch *w, struct pk_os_vnet *const *ovs,
	    size_t n, int64_t end_ms, int *gone, struct pk_err *err);

/*
 * Wait until none of the named interfaces is in the observer any more,
 * or until end_ms.  Returns the number still there, or -1.  (For
 * interfaces the sandbox did not make, such as those of a comparison in
 * a benchmark, and for the leak checker.)  (Portable: os/watch.c.)
 */
int	pk_os_watch_gone(struct pk_os_watch *w, const char *const *names,
	    size_t n, int64_t end_ms, struct pk_err *err);

/*
 * What the two waits above need from the backend.  The canary
 * pk_os_vnet_arm() gave ov: its name in the observer, and in *index its
 * index there (0 if ov was never armed).  And a wait on w's events
 * until every interface of ls (see os_common.h) has left the observer,
 * or until end_ms: returns the number still there, or -1.
 */
struct pk_os_linkset;
const char *pk_os_vnet_canary(const struct pk_os_vnet *ov, int *index);
int	pk_os_watch_links(struct pk_os_watch *w, struct pk_os_linkset *ls,
	    int64_t end_ms, struct pk_err *err);

void	pk_os_watch_close(struct pk_os_watch *w);

/*
 * A socket inside a vnet, as the kernel's socket tables show it.
 */
struct pk_os_sock {
	char		proto[8];	/* "tcp", "tcp6" */
	char		state[16];	/* "ESTABLISHED", "FIN-WAIT-1" */
	char		local[56];	/* "192.0.2.1:80", "[2001:db8::1]:80" */
	char		remote[56];
	uint32_t	sendq;		/* bytes not yet acknowledged */
	uint32_t	recvq;		/* bytes not yet read */
	uint64_t	inode;		/* 0: no file refers to it */
	int		orphan;		/* held by no process, not in
					   TIME-WAIT: keeps its vnet alive */
	unsigned char	key[72];	/* the backend's handle on it */
};

/*
 * Every TCP socket in ov (the sockets that can keep a vnet alive on
 * their own).  *sp is malloc'd, *np entries.
 */
int	pk_os_sock_dump(struct pk_os_vnet *ov, struct pk_os_sock **sp,
	    size_t *np, struct pk_err *err);

/*
 * Destroy one socket from a dump of ov (sock_diag SOCK_DESTROY on Linux;
 * TCP drop on FreeBSD).  A socket already gone is not an error.
 */
int	pk_os_sock_destroy(struct pk_os_vnet *ov, const struct pk_os_sock *s,
	    struct pk_err *err);

/*
 * Find what still references ov (after pk_os_vnet_release()): processes
 * or threads inside it, descriptors open on it or on its sockets, mounts
 * of it.  found(arg, what) is called once per holder with a phrase such
 * as "pid 4242 (nc -l 9) via its network namespace".  Returns the number
 * found, or -1.
 */
int	pk_os_holders(const struct pk_os_vnet *ov,
	    void (*found)(void *, const char *), void *arg, struct pk_err *err);

/*
 * The leak checker's view.
 */

/*
 * An observer of one network stack: opened in the stack the caller is
 * in, it lists that stack's interfaces later from wherever the caller
 * has moved since.  The leak checker opens one in the machine's stack
 * before a case moves into its private host.  (FreeBSD: a socket opened
 * before the case attaches to its jail; interface ioctls on it work in
 * the stack it was made in.  Inside a kyua-made jail that stack is the
 * jail's, which is all of the machine such a case can see.)
 */
struct pk_os_stackobs;
struct pk_counts;

int	pk_os_stackobs_open(struct pk_os_stackobs **op, struct pk_err *err);
int	pk_os_stackobs_links(struct pk_os_stackobs *o, struct pk_os_link **lp,
	    size_t *np, struct pk_err *err);
void	pk_os_stackobs_close(struct pk_os_stackobs *o);

/*
 * Append the kernel's object counts to c (see pk_counts_read()): on
 * Linux the socket slab caches and sockstat's global TCP figures, on
 * FreeBSD the vm.uma.<zone>.stats.current of the pcb and pf zones.
 */
int	pk_os_counts_read(struct pk_counts *c, struct pk_err *err);

/*
 * Capture: the wire module's view of an interface (see pk_wire.h), and
 * what sending needs besides: raw L3 sends, next hops, neighbour
 * resolution, CPU pinning.
 *
 * A capture is a source of the frames one interface sends and receives,
 * seen from inside the interface's vnet, and a way to put frames on it.
 * On Linux it is one AF_PACKET socket made inside the vnet; on FreeBSD,
 * where only a process attached to a jail may bind BPF to the jail's
 * interfaces, a BPF descriptor that a helper process attached to the
 * jail opens and passes back with SCM_RIGHTS (the backend then reads
 * BPF records from it).  The portable code polls pk_os_cap_fd() for
 * POLLIN and reads frames with pk_os_cap_next(); it never sees a pcap_t
 * or a socket address.
 *
 * Cost (Linux, measured): opening is microseconds; closing waits for an
 * RCU grace period, 8 to 24 ms, so the core keeps captures open and
 * closes many at once from parallel threads.  (libpcap's activate and
 * close set up and tear down a ring, one more grace period each: 8-16
 * ms to open and 24 ms to close, which is why the Linux backend does not
 * use it for live captures.)
 */
struct pk_os_cap;

struct pk_os_frame {
	const uint8_t	*buf;		/* valid until the next call */
	size_t		 caplen;	/* bytes in buf */
	size_t		 len;		/* bytes on the wire */
	struct timeval	 ts;		/* when the kernel saw it */
	int		 out;		/* sent by the interface */
	int		 csum_partial;	/* L4 checksum left to the device */
};

/*
 * Open a capture on the interface name (index index) of ov.  It can
 * send at once and receives nothing until pk_os_cap_listen().  *dltp
 * gets the link type of its frames (PK_DLT_EN10MB or PK_DLT_RAW); other
 * link types fail with ENOTSUP, an interface that is not in ov with
 * ENODEV.
 */
int	pk_os_cap_open(struct pk_os_vnet *ov, const char *name, int index,
	    struct pk_os_cap **cp, int *dltp, struct pk_err *err);

/*
 * Start receiving every frame the interface sends or receives, into a
 * kernel buffer of bufsize bytes.  Frames that reach the interface after
 * this returns are never missed unless that buffer overflows (counted by
 * pk_os_cap_drops()).  Frames the capture itself injects are not seen.
 */
int	pk_os_cap_listen(struct pk_os_cap *c, size_t bufsize,
	    struct pk_err *err);

/* A descriptor to poll for POLLIN. */
int	pk_os_cap_fd(const struct pk_os_cap *c);

/*
 * The next frame, without waiting: 1 and *f filled, 0 if none is
 * queued, -1 on error.  A VLAN tag the device took off is put back.
 */
int	pk_os_cap_next(struct pk_os_cap *c, struct pk_os_frame *f,
	    struct pk_err *err);

/* Put a frame on the interface as it is. */
int	pk_os_cap_inject(struct pk_os_cap *c, const void *buf, size_t len,
	    struct pk_err *err);

/* Frames lost in the kernel so far (buffer full). */
int	pk_os_cap_drops(struct pk_os_cap *c, uint64_t *drops,
	    struct pk_err *err);

/*
 * Close and free.  May block (Linux: one grace period); safe to call
 * from any thread, one capture per thread at a time.
 */
void	pk_os_cap_close(struct pk_os_cap *c);

/*
 * Send an IPv4 or IPv6 packet (af) from inside ov through its IP stack,
 * header included; dst is the packet's destination (struct in_addr or
 * in6_addr).
 */
int	pk_os_l3_send(struct pk_os_vnet *ov, int af, const void *dst,
	    const void *buf, size_t len, struct pk_err *err);

/*
 * Where ov sends a packet for dst (through interface oif if not 0).
 */
#define	PK_OS_RT_UNICAST	1	/* a neighbour: nh */
#define	PK_OS_RT_LOCAL		2	/* an address of ov itself */
#define	PK_OS_RT_BROADCAST	3
#define	PK_OS_RT_MULTICAST	4
#define	PK_OS_RT_OTHER		5	/* unreachable, blackhole, ... */

struct pk_os_route {
	int			type;	/* PK_OS_RT_* */
	int			gateway; /* nh is a gateway, not dst */
	struct pk_os_inaddr	nh;	/* the neighbour to reach */
	int			oif;	/* outgoing interface index */
	int			has_src;
	struct pk_os_inaddr	src;	/* preferred source address */
};
int	pk_os_route_get(struct pk_os_vnet *ov, const struct pk_os_inaddr *dst,
	    int oif, struct pk_os_route *r, struct pk_err *err);

/*
 * Have ov's kernel resolve ip as a neighbour on the interface (ARP or
 * neighbour solicitation) and wait for the outcome until end_ms
 * (pk_now_ms() time), on events only.  Returns 1 with mac filled, 0 if
 * the kernel gave up or the deadline passed (err says which), -1 on
 * error.
 */
int	pk_os_neigh_resolve(struct pk_os_vnet *ov, const char *name,
	    int index, const struct pk_os_inaddr *ip, int64_t end_ms,
	    uint8_t mac[6], struct pk_err *err);

/*
 * Pin the calling thread to the CPU it is running on, remembering what
 * it was allowed before; unpin restores that and frees the handle.  (On
 * Linux a veth transmit queues the frame to the current CPU's backlog:
 * two frames sent from one CPU are delivered in order.)
 */
struct pk_os_pin;
int	pk_os_cpu_pin(struct pk_os_pin **pp, struct pk_err *err);
void	pk_os_cpu_unpin(struct pk_os_pin *p);

/*
 * In a freshly forked child: close every descriptor but the n in fds.
 * Only async-signal-safe calls.  (For a child that outlives its parent
 * only to close captures: it must not hold anything else open.)
 * (Portable: os/cap.c.)
 */
void	pk_os_fd_keep(const int *fds, size_t n);

/*
 * ------------------------------------------------------------------
 * Firewall states (see struct pk_fw_state in pk_sandbox.h).
 *
 * How the backends map:
 *
 *   list    Linux: a ctnetlink dump (IPCTNL_MSG_CT_GET, NLM_F_DUMP)
 *           over a netfilter netlink socket made inside the vnet; the
 *           id is CTA_ID, the label the connection mark (CTA_MARK)
 *           read as ASCII.  [FreeBSD: DIOCGETSTATESV2 on /dev/pf, run
 *           in the jail (pfctl -ss): the id is the state's id, the
 *           label the first label of its rule (DIOCGETRULENV), the
 *           original direction the key on the initiator's side (wire
 *           for an inbound state, stack for an outbound one) and the
 *           reply direction the other key reversed.]
 *   kill    Linux: IPCTNL_MSG_CT_DELETE with the original tuple, the
 *           zone and the id, one entry at a time.  [FreeBSD:
 *           DIOCKILLSTATES by id and creator id (pfctl -k id -k ...).]
 *
 * Linux conntrack keeps one entry for both directions of a translated
 * connection, where pf keeps two states; a backend reports what its
 * firewall keeps.
 * ------------------------------------------------------------------
 */
struct pk_fw_state;

/*
 * Every state of ov's firewall: *sp is malloc'd (NULL when there are
 * none), *np entries.
 */
int	pk_os_fw_states(struct pk_os_vnet *ov, struct pk_fw_state **sp,
	    size_t *np, struct pk_err *err);

/*
 * Kill the n states in s (from pk_os_fw_states() on the same ov); a
 * state already gone is skipped.  *killed (may be NULL) gets how many
 * were killed.
 */
int	pk_os_fw_kill_states(struct pk_os_vnet *ov, const struct pk_fw_state *s,
	    size_t n, size_t *killed, struct pk_err *err);

#endif /* !PK_OS_H */
