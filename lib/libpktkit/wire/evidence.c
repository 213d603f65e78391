/*
 * evidence.c: what a failed expectation shows: every sniffer's log as
 * lines, and as pcap files Wireshark can open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_wire_impl.h"

/* A file name that is not taken yet: "<dir>/<prefix>s3-epair0a.pcap". */
static int
pcap_path(const char *dir, const char *prefix, const struct pk_sniffer *s,
    char *path, size_t size)
{
	int i;

	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(path, size, "%s/%ss%u-%s.pcap", dir, prefix,
			    s->id, s->cap->ifname);
		else
			snprintf(path, size, "%s/%ss%u-%s.%d.pcap", dir,
			    prefix, s->id, s->cap->ifname, i);
		if (access(path, F_OK) != 0)
			return (0);
	}
	return (-1);
}

static const char *
flag_words(int flags, char *buf, size_t size)
{

	snprintf(buf, size, "%s%s%s%s%s", flags & PK_SEEN_SENT ? " [sent]" : "",
	    flags & PK_SEEN_FRAG ? " [fragment]" : "",
	    flags & PK_SEEN_REASM ? " [reassembled]" : "",
	    flags & PK_SEEN_CSUM_PARTIAL ? " [checksum offloaded]" : "",
	    flags & PK_SEEN_TRUNC ? " [truncated]" : "");
	return (buf);
}

static void
packet_lines(struct pk_wire *w, struct pk_sniffer *s, struct pk_report *rep)
{
	char line[512], fw[80];
	const struct pk_seen *sn;
	double t;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if ((sn = pk_w_seen(s, i)) == NULL)
			continue;
		(void)pk_dpkt_line(&sn->d, line, sizeof(line));
		t = (double)(sn->ts.tv_sec - w->t0.tv_sec) +
		    (double)(sn->ts.tv_usec - w->t0.tv_usec) / 1e6;
		(void)pk_report_add(rep, "  s%u #%zu %+.6f %-3s %s%s%s", s->id,
		    i, t, sn->dir == PK_DIR_OUT ? "out" : "in", line,
		    flag_words(sn->flags, fw, sizeof(fw)),
		    s->log[i].consumed ? " (expected)" : "");
	}
}

static int
one_sniffer(struct pk_wire *w, struct pk_sniffer *s, const char *dir,
    const char *prefix, struct pk_report *rep, struct pk_err *err)
{
	char path[1024], drops[64];
	struct pk_sniff_stats st;
	struct pk_err e;
	int rc;

	(void)pk_sniff_stats(s, &st, NULL);
	drops[0] = '\0';
	if (st.kernel_drops > 0 || st.seen > st.logged)
		snprintf(drops, sizeof(drops), " (%ju lost by the kernel, %ju "
		    "not kept)", (uintmax_t)st.kernel_drops,
		    (uintmax_t)(st.seen - st.logged));
	rc = 0;
	if (dir == NULL) {
		(void)pk_report_add(rep, "sniffer s%u (%s): %zu packet%s%s",
		    s->id, s->desc, s->n, s->n == 1 ? "" : "s", drops);
		packet_lines(w, s, rep);
		return (0);
	}
	if (pcap_path(dir, prefix, s, path, sizeof(path)) != 0)
		rc = pk_err_set(&e, EEXIST, "%s: no free file name", dir);
	else
		rc = pk_sniff_save(s, path, &e);
	if (rc == 0)
		(void)pk_report_add(rep, "sniffer s%u (%s): %zu packet%s%s, "
		    "saved to %s", s->id, s->desc, s->n, s->n == 1 ? "" : "s",
		    drops, path);
	else {
		(void)pk_report_add(rep, "sniffer s%u (%s): %zu packet%s%s, "
		    "not saved: %s", s->id, s->desc, s->n, s->n == 1 ? "" :
		    "s", drops, e.msg);
		if (err != NULL)
			*err = e;
	}
	packet_lines(w, s, rep);
	return (rc);
}

int
pk_wire_evidence(struct pk_wire *w, struct pk_sniffer *s, const char *dir,
    const char *prefix, struct pk_report *rep, struct pk_err *err)
{
	struct pk_sniffer *o;
	size_t n;
	int rc;

	if (w == NULL || rep == NULL)
		return (pk_err_set(err, EINVAL, "evidence: nothing to write "
		    "to"));
	if (prefix == NULL)
		prefix = "";
	rc = 0;
	if (s != NULL && one_sniffer(w, s, dir, prefix, rep, err) != 0)
		rc = -1;
	TAILQ_FOREACH(o, &w->sniffers, wlink)
		if (o != s && one_sniffer(w, o, dir, prefix, rep,
		    rc == 0 ? err : NULL) != 0)
			rc = -1;
	if (rc != 0)
		return (-1);
	if (s != NULL)
		n = s->n;
	else {
		n = 0;
		TAILQ_FOREACH(o, &w->sniffers, wlink)
			n += o->n;
	}
	return (n > INT32_MAX ? INT32_MAX : (int)n);
}
