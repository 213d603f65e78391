/*
 * pk_wire.h: send, sniff and expect packets on interfaces in any vnet.
 *
 * A wire context (struct pk_wire) belongs to one sandbox and holds every
 * capture it opened.  A capture is one per (vnet, interface), opened on
 * first use by a sniffer or a send and kept until the vnet is destroyed
 * or the context closed: on Linux, closing a packet socket waits for an
 * RCU grace period (8 to 24 ms), so captures are never opened and closed
 * per expectation, and all of a context's captures are closed at once,
 * in parallel.
 *
 * A sniffer is a capture seen through a pcap filter and a direction.  It
 * is live before pk_sniff_open() returns: a frame that reaches the
 * interface after that is never missed, with no sleep anywhere.  What it
 * sees goes into its log, in arrival order, with kernel timestamps; the
 * log is read from the kernel whenever a call on the context waits or
 * sends.  Frames the context sends itself on a sniffed interface are
 * logged too (direction out, PK_SEEN_SENT), in the order they were sent.
 *
 * Expectations look at the log.  A positive expectation takes the first
 * matching packet that no earlier expectation took ("consumed" it) and
 * that came after pk_sniff_clear(), waiting for it until a deadline; it
 * consumes and returns it.  A negative expectation looks at every packet
 * not consumed, until the deadline or, with a sentinel, until the
 * sentinel arrives.  Matching is a pcap filter (compiled once per text,
 * run in user space) and/or a C predicate over the dissected packet.
 *
 * Deadlines are nominal milliseconds scaled by pk_deadline_ms(); 0 is an
 * error.  Waits are poll(2) on the captures, never sleeps.
 *
 * Fast absence.  A negative check that waits out its whole deadline costs
 * that deadline.  When the test can name a sentinel, a packet that takes
 * the same path as the probe and must arrive, the check ends as soon as
 * the sentinel is seen.  This is sound because the probe, sent first,
 * would have arrived first: see "Ordering" in pk_wire.3.  Every send pins
 * the calling thread to the CPU it runs on until the next expectation
 * starts, so that the probe and the sentinel leave from one CPU; and the
 * sentinel counts only if it arrived after the first send since the last
 * expectation.
 *
 * Core layer: calls return -1 (or NULL) and fill a struct pk_err, and
 * never print.  One thread drives a context, as for its sandbox.
 */
#ifndef PK_WIRE_H
#define PK_WIRE_H

#include <sys/time.h>

#include <stddef.h>
#include <stdint.h>

#include "../pk_err.h"
#include "../pk_report.h"
#include "../packet/pk_packet.h"
#include "../sandbox/pk_sandbox.h"

struct pk_wire;
struct pk_sniffer;

/* A deadline for callers with nothing better to say (nominal ms). */
#define	PK_WIRE_MS_DEFAULT	2000

/*
 * Contexts.
 */

/*
 * Open a wire context on sb.  It registers itself with the sandbox (see
 * pk_vnet_hold()): destroying a vnet closes the context's captures in
 * it, and closing the sandbox closes all of them, so a context may be
 * closed before or after its sandbox.  After the sandbox is closed, the
 * context still answers pk_sniff_count(), pk_sniff_get() and
 * pk_wire_evidence() from its logs; sends and waits fail with ENOENT.
 */
int	pk_wire_open(struct pk_sandbox *sb, struct pk_wire **wp,
	    struct pk_err *err);

/*
 * Close every capture still open, in parallel (one thread each, so that
 * their grace periods overlap: about one grace period in all), and free
 * the context, its sniffers and their logs.
 */
void	pk_wire_close(struct pk_wire *w);

/*
 * Close and free the context without waiting for any grace period: the
 * sockets are handed to a detached child process that closes them after
 * the caller's copies are gone, and exits.  The child keeps no standard
 * stream open, so a shell reading the caller's output is not held up.
 * For a tool that has printed its result and wants to exit at once (an
 * exiting process otherwise waits for its sockets' grace periods, one
 * after the other: 40 to 70 ms for a send and a receive interface).  If
 * the child cannot be made, this falls back to pk_wire_close() and
 * returns -1 with err set; the context is freed either way.
 */
int	pk_wire_close_bg(struct pk_wire *w, struct pk_err *err);

/*
 * Sniffers.
 */

enum pk_dir {
	PK_DIR_BOTH = 0,	/* received and sent by the interface */
	PK_DIR_IN,		/* received */
	PK_DIR_OUT		/* sent */
};

struct pk_sniff_conf {
	enum pk_dir	 dir;
	/*
	 * Non-zero: IPv4 and IPv6 fragments are reassembled (see
	 * pk_reasm_add()).  Fragments stay in the log, flagged
	 * PK_SEEN_FRAG, but expectations skip them; each completed
	 * datagram follows its last fragment as a frame of its own (that
	 * fragment's link header, then the whole datagram), flagged
	 * PK_SEEN_REASM, and expectations match it like any packet.
	 */
	int		 reassemble;
	/* Bytes of frames kept in the log; 0: 64 MB.  Frames past the
	 * limit are counted (pk_sniff_stats()) but not kept. */
	size_t		 max_bytes;
	/* Socket receive buffer of the interface's capture, in bytes, if
	 * this sniffer opens it; 0: 4 MB. */
	size_t		 bufsize;
};

/*
 * Start sniffing ifp (in whatever vnet it is now) for frames that match
 * filter (pcap syntax; NULL or "" for all) in direction conf->dir (conf
 * may be NULL: both directions, no reassembly).  Live when this returns.
 * A filter that does not compile fails with pcap's message; an interface
 * that is gone, or whose link type is not Ethernet or raw IP, fails too.
 */
int	pk_sniff_open(struct pk_wire *w, struct pk_if *ifp, const char *filter,
	    const struct pk_sniff_conf *conf, struct pk_sniffer **sp,
	    struct pk_err *err);

/*
 * Stop logging and free the sniffer and its log (the interface's capture
 * stays open for the context's other users).  Packets it returned are
 * freed with it.
 */
void	pk_sniff_close(struct pk_sniffer *s);

/* pk_seen.flags */
#define	PK_SEEN_SENT		0x01	/* sent by this context */
#define	PK_SEEN_FRAG		0x02	/* a fragment being reassembled:
					   expectations skip it */
#define	PK_SEEN_REASM		0x04	/* a datagram reassembled from the
					   fragments before it */
#define	PK_SEEN_CSUM_PARTIAL	0x08	/* the sending stack left the L4
					   checksum to the device (offload):
					   the checksum field is not final */
#define	PK_SEEN_TRUNC		0x10	/* longer than the capture kept */

/*
 * A packet in a sniffer's log.  d is its dissection (d.buf, d.len are
 * the bytes); the record lives as long as the sniffer.
 */
struct pk_seen {
	struct pk_dpkt		 d;
	struct timeval		 ts;	/* when the kernel saw it */
	size_t			 wirelen;
	enum pk_dir		 dir;	/* PK_DIR_IN or PK_DIR_OUT */
	int			 flags;	/* PK_SEEN_* */
	size_t			 index;	/* position in the log, from 0 */
	struct pk_sniffer	*s;
};

/*
 * Read what the kernel holds for the sniffer's interface now, without
 * waiting.  Expectations and sends do this themselves.
 */
int	pk_sniff_poll(struct pk_sniffer *s, struct pk_err *err);

/*
 * The number of packets in the log (after pk_sniff_poll()), and the
 * i-th of them, dissected (NULL if i is out of range or memory ran out).
 */
size_t	pk_sniff_count(const struct pk_sniffer *s);
const struct pk_seen *pk_sniff_get(struct pk_sniffer *s, size_t i);

/*
 * Make expectations ignore everything logged so far (after reading what
 * the kernel holds).  The log itself is kept, for evidence.
 */
int	pk_sniff_clear(struct pk_sniffer *s, struct pk_err *err);

struct pk_sniff_stats {
	uint64_t	seen;		/* frames that passed filter and
					   direction */
	uint64_t	logged;		/* of which kept in the log */
	uint64_t	reassembled;	/* datagrams completed */
	uint64_t	kernel_drops;	/* frames the interface's capture
					   lost in the kernel (buffer full),
					   for every sniffer on it */
};
int	pk_sniff_stats(struct pk_sniffer *s, struct pk_sniff_stats *st,
	    struct pk_err *err);

/* "epair0a in vnet alcatraz, filter 'icmp', in" */
const char *pk_sniff_describe(const struct pk_sniffer *s);
struct pk_if *pk_sniff_if(const struct pk_sniffer *s);

/*
 * Save the whole log as a pcap file (the capture's link type).
 */
int	pk_sniff_save(struct pk_sniffer *s, const char *path,
	    struct pk_err *err);

/*
 * Expectations.  filter is pcap syntax (NULL or "": any packet); pred,
 * if not NULL, must also return non-zero for the dissected packet.
 */
typedef int pk_pred(const struct pk_dpkt *d, void *arg);

/*
 * Wait up to ms for a matching packet; consume it and set *sp (if sp is
 * not NULL).  Returns 1 if one came, 0 if none did by the deadline (err
 * says what was expected), -1 on error.
 */
int	pk_sniff_expect(struct pk_sniffer *s, const char *filter, pk_pred *pred,
	    void *arg, unsigned ms, const struct pk_seen **sp,
	    struct pk_err *err);

/*
 * Check that no matching packet arrives.  Without a sentinel, watch for
 * ms.  With one (a pcap filter), stop as soon as a packet matching it
 * arrives that was logged after the first send since the previous
 * expectation on this context (it is consumed); a sentinel that has not
 * come by the deadline is an error (ETIMEDOUT): the path it shares with
 * the probe is broken, so absence would prove nothing.  Returns 1 if no
 * matching packet came, 0 if one did (*sp, if sp is not NULL, is the
 * first; err says what was not expected), -1 on error.
 */
int	pk_sniff_expect_none(struct pk_sniffer *s, const char *filter,
	    pk_pred *pred, void *arg, const char *sentinel, unsigned ms,
	    const struct pk_seen **sp, struct pk_err *err);

/*
 * Check that exactly n matching packets arrive: watch for ms, or with a
 * sentinel until it arrives (as for pk_sniff_expect_none()); stop early
 * once more than n came.  The matches are consumed.  *got (may be NULL)
 * gets the count.  Returns 1 if it was n, 0 if not (err says how many),
 * -1 on error.
 */
int	pk_sniff_expect_n(struct pk_sniffer *s, const char *filter,
	    pk_pred *pred, void *arg, unsigned n, const char *sentinel,
	    unsigned ms, unsigned *got, struct pk_err *err);

/*
 * Sending.
 */

/*
 * Build pkt and send it on ifp at the link layer.  Unset fields take
 * their defaults from the interface's vnet: the interface's MAC as the
 * Ethernet source, its address towards the destination as the IP
 * source, and as the Ethernet destination the MAC of the next hop (the
 * gateway of the vnet's route to the destination through ifp, or the
 * destination itself when on-link), taken from the neighbour table or,
 * when there is no entry, resolved by the vnet's kernel with an ARP or
 * neighbour solicitation exchange waited for with a deadline (for IPv6,
 * with solicitations of its own 5, 10, 20 ms... apart meanwhile, see
 * pk_wire.3).  No answer is an error, never a silent broadcast.  A
 * packet that starts with IPv4 or IPv6 gets an Ethernet header with
 * those defaults.
 */
int	pk_wire_send(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t pkt,
	    struct pk_err *err);

/* Send a frame as it is. */
int	pk_wire_send_raw(struct pk_wire *w, struct pk_if *ifp,
	    const void *frame, size_t len, struct pk_err *err);

/*
 * Send an IPv4 or IPv6 packet from inside v through its IP stack, which
 * routes it and adds the link layer (a raw socket with the header
 * included).  The kernel fills in a zero IPv4 source address and ID,
 * and always computes the IPv4 total length and header checksum: forced
 * values of those need pk_wire_send().  The source defaults to v's
 * address towards the destination.
 */
int	pk_wire_send_l3(struct pk_wire *w, struct pk_vnet *v, pk_pkt_t pkt,
	    struct pk_err *err);

/*
 * Build what pk_wire_send() would send, without sending it (link header
 * resolved as above) into buf (size bytes); *lenp gets the length.
 */
int	pk_wire_build(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t pkt,
	    uint8_t *buf, size_t size, size_t *lenp, struct pk_err *err);

/*
 * The MAC address of ip ("192.0.2.2", "2001:db8::2") as a neighbour on
 * ifp, from the table or resolved as pk_wire_send() does.
 */
int	pk_wire_resolve(struct pk_wire *w, struct pk_if *ifp, const char *ip,
	    uint8_t mac[6], struct pk_err *err);

/*
 * Request and response.
 */

enum pk_answer {
	PK_ANSWER_NONE = 0,
	PK_ANSWER_ECHOREPLY,	/* ICMP or ICMPv6 echo reply, same id/seq */
	PK_ANSWER_SYNACK,	/* TCP SYN+ACK acknowledging the SYN */
	PK_ANSWER_RST,		/* TCP RST for the segment */
	PK_ANSWER_ICMPERR,	/* ICMP or ICMPv6 error quoting the probe */
	PK_ANSWER_UDP		/* UDP back from the probe's destination
				   port to its source port */
};

/*
 * Is d an answer to probe (both dissected), and which kind?  An answer
 * goes to the probe's source and comes from its destination (from
 * anyone for a multicast or broadcast probe, and for an ICMP error): an
 * echo reply with the request's id and sequence number; for a TCP
 * segment, a SYN-ACK acknowledging a SYN or a RST that answers the
 * segment (acknowledging it, or with the sequence number it
 * acknowledged); UDP between the same ports, reversed; or an ICMP error
 * whose quoted packet has the probe's addresses, protocol, IPv4 ID and
 * ports (or echo id and sequence number).
 */
enum pk_answer pk_answer_of(const struct pk_dpkt *probe,
	    const struct pk_dpkt *d);

/*
 * Send probe on ifp and wait up to ms for its answer (pk_answer_of())
 * on sniffer s, or, if s is NULL, coming in on ifp (through a sniffer
 * the context keeps for that).  Returns 1 with *sp and *kind (may be
 * NULL) set, 0 if no answer came, -1 on error.
 */
int	pk_wire_request(struct pk_wire *w, struct pk_if *ifp, pk_pkt_t probe,
	    struct pk_sniffer *s, unsigned ms, const struct pk_seen **sp,
	    enum pk_answer *kind, struct pk_err *err);

/*
 * An ICMP (IPv4 dst) or ICMPv6 (IPv6 dst) echo request to dst on ifp,
 * with an id and a sequence number of the context's own, and its reply;
 * as pk_wire_request().
 */
int	pk_wire_ping(struct pk_wire *w, struct pk_if *ifp, const char *dst,
	    unsigned ms, const struct pk_seen **sp, struct pk_err *err);

/*
 * Evidence.
 */

/*
 * Describe every sniffer of the context, s first (s may be NULL), and
 * save each one's log as a pcap file in dir (NULL: no files), named
 * "<prefix>s<N>-<interface>.pcap" (a number is added if the name is
 * taken).  rep gets one line per sniffer (what it watched, how many
 * packets, the file) followed by one line per packet (time from the
 * context's start, direction, pk_dpkt_line()).  Returns the number of
 * packets in s's log (in all logs if s is NULL), or -1 if a file could
 * not be written (the lines are there all the same).
 */
int	pk_wire_evidence(struct pk_wire *w, struct pk_sniffer *s,
	    const char *dir, const char *prefix, struct pk_report *rep,
	    struct pk_err *err);

#endif /* !PK_WIRE_H */
