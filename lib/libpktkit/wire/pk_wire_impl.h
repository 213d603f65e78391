/*
 * pk_wire_impl.h: the wire module's insides, shared by its sources.
 * Not installed.
 */
#ifndef PK_WIRE_IMPL_H
#define PK_WIRE_IMPL_H

#include <sys/queue.h>
#include <sys/time.h>

#include <pthread.h>
#include <pcap/pcap.h>

#include "pk_wire.h"
#include "../os/pk_os.h"

struct pk_wvnet;

/* One packet in a sniffer's log. */
struct pk_entry {
	uint8_t		*buf;
	uint32_t	 caplen;
	uint32_t	 wirelen;
	struct timeval	 ts;
	uint8_t		 dir;		/* PK_DIR_IN or PK_DIR_OUT */
	uint8_t		 flags;		/* PK_SEEN_* */
	uint8_t		 consumed;	/* taken by an expectation */
	struct pk_seen	*seen;		/* dissected, once asked for */
};

/* A capture: one per (vnet, interface) of a context. */
struct pk_wcap {
	TAILQ_ENTRY(pk_wcap)	 link;
	struct pk_wire		*w;
	struct pk_wvnet		*wv;
	struct pk_if		*ifp;
	int			 index;		/* ifp's index when opened */
	char			 ifname[PK_IF_NAME_MAX + 1];
	char			 vname[PK_VNET_NAME_MAX + 1];
	struct pk_os_cap	*os;		/* NULL once closed */
	int			 dlt;
	int			 listening;
	uint8_t			 mac[6];
	uint64_t		 drops;
	TAILQ_HEAD(, pk_sniffer) sniffers;
};

/* A vnet where a context has captures, and its hold on that vnet. */
struct pk_wvnet {
	TAILQ_ENTRY(pk_wvnet)	 link;
	struct pk_wire		*w;
	struct pk_vnet		*v;
	int			 hold;
	int			 released;
};

struct pk_sniffer {
	TAILQ_ENTRY(pk_sniffer)	 clink;		/* on its capture */
	TAILQ_ENTRY(pk_sniffer)	 wlink;		/* on its context */
	struct pk_wire		*w;
	struct pk_wcap		*cap;
	unsigned		 id;
	int			 internal;	/* pk_wire_request()'s own */
	char			*filter;
	struct bpf_program	 prog;
	int			 has_prog;
	enum pk_dir		 dir;
	struct pk_reasm		*reasm;
	struct pk_entry		*log;
	size_t			 n, cap_n;
	size_t			 bytes, max_bytes;
	size_t			 start;		/* pk_sniff_clear() */
	size_t			 scan;		/* nothing before is free */
	size_t			 send_mark;	/* see wire_arm() */
	struct pk_sniff_stats	 st;
	char			 desc[192];
};

/* A compiled filter, cached by text and link type. */
struct pk_wfilter {
	TAILQ_ENTRY(pk_wfilter)	 link;
	int			 dlt;
	char			*text;
	struct bpf_program	 prog;
};

struct pk_wire {
	struct pk_sandbox	*sb;
	int			 host_hold;
	int			 shut;		/* its sandbox was closed */
	TAILQ_HEAD(, pk_wcap)	 caps;
	TAILQ_HEAD(, pk_wvnet)	 vnets;
	TAILQ_HEAD(, pk_sniffer) sniffers;
	TAILQ_HEAD(pk_wfilters, pk_wfilter) filters; /* most recent first */
	size_t			 nfilters;
	pcap_t			*dead_en10mb;
	pcap_t			*dead_raw;
	pthread_t		*closers;
	size_t			 nclosers;
	struct pk_os_pin	*pin;
	int			 armed;		/* sent since the last wait */
	int			 unpinned;	/* ...but could not pin */
	unsigned		 nsniff;
	struct timeval		 t0;
	uint8_t			*buf;		/* PK_PKT_MAX, for building */
	uint16_t		 ping_id;
	uint16_t		 ping_seq;
};

/* wire.c */
int	pk_w_live(struct pk_wire *w, struct pk_err *err);
int	pk_w_cap(struct pk_wire *w, struct pk_if *ifp, int listen,
	    size_t bufsize, struct pk_wcap **cp, struct pk_err *err);
int	pk_w_drain(struct pk_wcap *c, struct pk_err *err);
int	pk_w_drain_all(struct pk_wire *w, struct pk_err *err);
void	pk_w_arm(struct pk_wire *w);
void	pk_w_disarm(struct pk_wire *w);

/* sniff.c */
void	pk_w_dispatch(struct pk_wcap *c, const struct pk_os_frame *f,
	    int sent);
void	pk_w_sniff_free(struct pk_sniffer *s);
struct pk_seen *pk_w_seen(struct pk_sniffer *s, size_t i);

/* expect.c */
int	pk_w_filter(struct pk_wire *w, int dlt, const char *text,
	    const struct bpf_program **pp, struct pk_err *err);
void	pk_w_filters_free(struct pk_wire *w);
int	pk_w_entry_pass(const struct bpf_program *prog,
	    const struct pk_entry *e);

#endif /* !PK_WIRE_IMPL_H */
