/*
 * pcapfile.c: writing and reading pcap files through libpcap.
 */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_packet_impl.h"

#define	SNAPLEN_DEFAULT	262144

struct pk_pcapw {
	pcap_t		*p;
	pcap_dumper_t	*d;
	int		 snaplen;
};

struct pk_pcapw *
pk_pcapw_open(const char *path, int dlt, int snaplen, struct pk_err *err)
{
	struct pk_pcapw *w;

	if (snaplen <= 0)
		snaplen = SNAPLEN_DEFAULT;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		pk_err_sys(err, errno, "pcap %s", path);
		return (NULL);
	}
	w->snaplen = snaplen;
	if ((w->p = pcap_open_dead(dlt, snaplen)) == NULL) {
		pk_err_set(err, 0, "pcap %s: cannot open link type %d", path,
		    dlt);
		free(w);
		return (NULL);
	}
	if ((w->d = pcap_dump_open(w->p, path)) == NULL) {
		pk_err_set(err, 0, "pcap %s: %s", path, pcap_geterr(w->p));
		pcap_close(w->p);
		free(w);
		return (NULL);
	}
	return (w);
}

int
pk_pcapw_write(struct pk_pcapw *w, const uint8_t *buf, size_t len,
    const struct timeval *ts, struct pk_err *err)
{
	struct pcap_pkthdr h;

	if (len > UINT_MAX)
		return (pk_err_set(err, EINVAL, "pcap: frame of %zu bytes",
		    len));
	memset(&h, 0, sizeof(h));
	if (ts != NULL)
		h.ts = *ts;
	else
		(void)gettimeofday(&h.ts, NULL);
	h.len = (bpf_u_int32)len;
	h.caplen = (bpf_u_int32)(len < (size_t)w->snaplen ? len :
	    (size_t)w->snaplen);
	pcap_dump((u_char *)w->d, &h, buf);
	return (0);
}

int
pk_pcapw_close(struct pk_pcapw *w, struct pk_err *err)
{
	int rc;

	if (w == NULL)
		return (0);
	rc = 0;
	/* pcap_dump() cannot fail visibly; a full disk shows here. */
	if (pcap_dump_flush(w->d) == -1 || ferror(pcap_dump_file(w->d)))
		rc = pk_err_set(err, EIO, "pcap: write failed");
	pcap_dump_close(w->d);
	pcap_close(w->p);
	free(w);
	return (rc);
}

int
pk_pcap_read(const char *path, pk_pcap_cb *cb, void *arg, struct pk_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int n, rc, dlt;

	ebuf[0] = '\0';
	if ((p = pcap_open_offline(path, ebuf)) == NULL)
		return (pk_err_set(err, 0, "pcap %s: %s", path, ebuf));
	dlt = pcap_datalink(p);
	n = 0;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		n++;
		if (cb(arg, data, h->caplen, h->len, &h->ts, dlt) != 0)
			break;
	}
	if (rc == -1) {
		pk_err_set(err, 0, "pcap %s: %s", path, pcap_geterr(p));
		n = -1;
	}
	pcap_close(p);
	return (n);
}
