/*
 * ping.h: pft_ping's parts: the command line and what it means
 * (ping_opts.c), the probe's bytes (ping_probe.c), and what each
 * sniffer accepts (ping_match.c).  The I/O lives in pft_ping.c.
 *
 * The parts take no interface and open no socket, so that the test
 * programs and the fuzz target can drive them directly.
 */
#ifndef PING_H
#define PING_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "pk_err.h"
#include "packet/pk_packet.h"

enum ping_type {
	PING_ICMP,
	PING_TCPSYN,
	PING_TCP3WAY,
	PING_UDP
};

/* Which packet a sniffer waits for. */
enum ping_dir {
	PING_REQUEST,		/* --recvif: the probe, on its way */
	PING_REPLY		/* --replyif: the answer from --to */
};

/* IPv4 flags as scapy numbers them (the --*-flags strings). */
#define	PING_FLAG_MF	0x1
#define	PING_FLAG_DF	0x2
#define	PING_FLAG_EVIL	0x4	/* the reserved bit */

/* At most this many sniffers, so that no failure mask reaches
 * PFT_EXIT_ERROR (255). */
#define	PING_MAX_SNIFFERS	7

/* The TCP and UDP ports of the probes (scapy's source default 20). */
#define	PING_SPORT_DEFAULT	20
#define	PING_DPORT_TCPSYN	666
#define	PING_DPORT_DISCARD	9	/* tcp3way and udp */
#define	PING_MSS_DEFAULT	1280
#define	PING_LENGTH_DEFAULT	4

union ping_addr {
	struct in_addr	v4;
	struct in6_addr	v6;
};

/*
 * The command line.  Numeric send and expect values follow the
 * original's rule that zero means "not given" (see pft_ping.8): after
 * ping_opts_finish() a field is 0 exactly when the option is to have no
 * effect.
 */
struct ping_opts {
	const char	*sendif;
	const char	*to;
	const char	*fromaddr;
	enum ping_type	 type;
	const char	*recvif[PING_MAX_SNIFFERS];	/* point into argv */
	int		 nrecvif;	/* as given, may exceed the array */
	const char	*replyif[PING_MAX_SNIFFERS];
	int		 nreplyif;

	const char	*send_flags_s;	/* as given, for the messages */
	int		 send_flags;	/* PING_FLAG_* */
	int64_t		 send_frag_length;
	int64_t		 send_hlim;
	int64_t		 send_length;
	int		 send_length_given;
	int64_t		 send_mss;
	int64_t		 send_seq;
	int64_t		 send_sport;
	int64_t		 send_tc;
	int		 send_tcpopt_unaligned;
	int		 send_nop;

	const char	*expect_flags_s;
	int		 expect_flags;	/* -1: not given */
	int64_t		 expect_hlim;
	int64_t		 expect_mss;
	int64_t		 expect_seq;
	int64_t		 expect_tc;

	int		 verbose;

	/* Derived by ping_opts_finish(). */
	int		 af;		/* of --to */
	union ping_addr	 to_addr;
	int		 from_given;
	union ping_addr	 from_addr;
	int		 defrag;	/* sniffers reassemble, count all */
};

/*
 * Parse argv into o.  Returns 0; PK_ARGS_HELP after -h (the help text
 * is ping_opts_help()'s); or -1 with a usage error's one line in err.
 * On success the options are also checked and normalised
 * (ping_opts_finish()).
 */
int	ping_opts_parse(struct ping_opts *o, int argc, char *const *argv,
	    struct pk_err *err);
size_t	ping_opts_help(char *buf, size_t size);

/*
 * What only the sender knows, found on the sending interface.
 */
struct ping_env {
	uint8_t		 src_mac[6];
	uint8_t		 dst_mac[6];	/* the next hop's */
	union ping_addr	 src;		/* used when --fromaddr is absent */
};

/* The frames of one probe: one, or the fragments. */
#define	PING_FRAMES_MAX	8200	/* a 64 KB datagram in 8-byte pieces */
struct ping_frames {
	size_t		  n;
	uint8_t		**buf;
	size_t		 *len;
};

/*
 * Build the probe o describes into f (Ethernet frames, fragmented if
 * --send-frag-length says so; IPv6 fragments carry identification id6).
 * Returns 0, or -1 with err set.  ping_frames_free() releases f.
 */
int	ping_probe_build(const struct ping_opts *o, const struct ping_env *env,
	    uint32_t id6, struct ping_frames *f, struct pk_err *err);
void	ping_frames_free(struct ping_frames *f);

/*
 * The ACK that completes a tcp3way handshake, for the SYN-ACK synack
 * (dissected).  Returns 0, or -1 with err set.
 */
int	ping_ack_build(const struct ping_opts *o, const struct ping_env *env,
	    const struct pk_dpkt *synack, uint8_t *buf, size_t size,
	    size_t *lenp, struct pk_err *err);

/*
 * Whether dissected packet d is what a sniffer of direction dir waits
 * for.  partial says that the capture found its TCP or UDP checksum left
 * for the device to complete (PK_SEEN_CSUM_PARTIAL).  Returns 1 or 0;
 * when 0 and why is not NULL, a short reason for --verbose goes there
 * ("wrong TTL 63, expected 64").
 */
int	ping_match(const struct ping_opts *o, enum ping_dir dir,
	    const struct pk_dpkt *d, int partial, char *why, size_t whysize);

#endif /* !PING_H */
