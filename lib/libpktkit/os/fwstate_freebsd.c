/*
 * fwstate_freebsd.c: pf states, read and killed through /dev/pf (see
 * pk_os_fw_states()).
 *
 * pf's ioctls act on the vnet of the calling thread, whatever jail the
 * descriptor was opened in, so every ioctl here runs in a function that
 * pk_fbsd_call() places inside the jail.  The states come back as the
 * kernel's own export records (DIOCGETSTATESV2), each followed by the
 * label of the rule that made it, and are translated in the caller.
 *
 * A state is killed by its id and creator id (DIOCKILLSTATES with
 * psk_pfcmp set), which is what "pfctl -k id -k <id>" does: a new state
 * for the same addresses after the listing is not killed by mistake.
 *
 * Labels: the export record names the rule by number only; the label is
 * that rule's first, read with DIOCGETRULENV (libnv).  A state made by
 * a rule inside an anchor has no label here.
 *
 * Compile-checked only (make cross-freebsd): nothing here has run.
 */
#include <sys/param.h>
#include <sys/endian.h>
#include <sys/ioctl.h>
#include <sys/nv.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/pfvar.h>
#include <netinet/in.h>
#include <netinet/tcp_fsm.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os_freebsd.h"
#include "../sandbox/pk_sandbox.h"

#define	PF_DEV		"/dev/pf"
#define	GROW_TRIES	8	/* doublings before giving up */
#define	RULE_NV_SIZE	8192	/* first guess: a packed rule */

/* One state as the function in the jail hands it back. */
struct fw_rec {
	struct pf_state_export	st;
	char			label[PF_RULE_LABEL_SIZE];
};

/* What a state's key holds: the ids exactly as the kernel exported them. */
struct pf_key {
	uint64_t	id;
	uint32_t	creatorid;
};

_Static_assert(sizeof(struct pf_key) <= PK_FW_KEYSIZE,
    "PK_FW_KEYSIZE is too small for a pf state key");

struct kill_req {
	const struct pk_fw_state	*s;
	size_t				 n;
};

/*
 * Open /dev/pf; *fdp = -1 (and 0 returned) when pf is not loaded, which
 * means a firewall that tracks nothing.
 */
static int
pf_open(int *fdp)
{

	if ((*fdp = open(PF_DEV, O_RDWR | O_CLOEXEC)) >= 0)
		return (0);
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
		return (0);
	return (errno);
}

/*
 * Every state, into *vp (malloc'd), *np of them.  DIOCGETSTATESV2 stops
 * at the first hash row that does not fit and says nothing, so the
 * buffer is doubled until the answer fills less than half of it.
 */
static int
states_get(int fd, struct pf_state_export **vp, size_t *np)
{
	struct pfioc_states_v2 ps;
	struct pf_state_export *v;
	size_t size;
	int i;

	memset(&ps, 0, sizeof(ps));
	ps.ps_req_version = PF_STATE_VERSION;
	if (ioctl(fd, DIOCGETSTATESV2, &ps) != 0)
		return (errno);
	size = (size_t)ps.ps_len + 16 * sizeof(*v);
	for (i = 0; i < GROW_TRIES; i++, size *= 2) {
		if (size > INT_MAX || (v = malloc(size)) == NULL)
			return (ENOMEM);
		memset(&ps, 0, sizeof(ps));
		ps.ps_req_version = PF_STATE_VERSION;
		ps.ps_len = (int)size;
		ps.ps_states = v;
		if (ioctl(fd, DIOCGETSTATESV2, &ps) != 0) {
			free(v);
			return (errno);
		}
		if ((size_t)ps.ps_len <= size / 2) {
			*vp = v;
			*np = (size_t)ps.ps_len / sizeof(*v);
			return (0);
		}
		free(v);
	}
	return (EAGAIN);
}

/*
 * The first label of filter rule nr of the main ruleset (ticket from
 * DIOCGETRULES) into label; "" when it has none.
 */
static int
rule_label(int fd, uint32_t ticket, uint32_t nr, char *label, size_t size)
{
	const char *const *labels;
	struct pfioc_nv nv;
	nvlist_t *in, *out;
	const nvlist_t *rule;
	void *packed;
	size_t len, cap, n;
	int rc;

	label[0] = '\0';
	if ((in = nvlist_create(0)) == NULL)
		return (ENOMEM);
	nvlist_add_number(in, "nr", nr);
	nvlist_add_number(in, "ticket", ticket);
	nvlist_add_string(in, "anchor", "");
	nvlist_add_number(in, "ruleset", PF_PASS);
	packed = nvlist_pack(in, &len);
	nvlist_destroy(in);
	if (packed == NULL)
		return (ENOMEM);
	for (cap = RULE_NV_SIZE; ; cap *= 2) {
		memset(&nv, 0, sizeof(nv));
		if (cap < len || (nv.data = malloc(cap)) == NULL) {
			free(packed);
			return (ENOMEM);
		}
		memcpy(nv.data, packed, len);
		nv.len = len;
		nv.size = cap;
		if (ioctl(fd, DIOCGETRULENV, &nv) == 0)
			break;
		rc = errno;
		free(nv.data);
		if (rc != ENOSPC || cap >= 16 * RULE_NV_SIZE) {
			free(packed);
			return (rc);
		}
	}
	free(packed);
	out = nvlist_unpack(nv.data, nv.len, 0);
	free(nv.data);
	if (out == NULL)
		return (EIO);
	if (nvlist_exists_nvlist(out, "rule")) {
		rule = nvlist_get_nvlist(out, "rule");
		if (nvlist_exists_string_array(rule, "labels")) {
			labels = nvlist_get_string_array(rule, "labels", &n);
			if (n > 0)
				snprintf(label, size, "%s", labels[0]);
		}
	}
	nvlist_destroy(out);
	return (0);
}

/* The main filter ruleset's ticket, for rule_label(). */
static int
rules_ticket(int fd, uint32_t *ticket)
{
	struct pfioc_rule pr;

	memset(&pr, 0, sizeof(pr));
	pr.rule.action = PF_PASS;
	if (ioctl(fd, DIOCGETRULES, &pr) != 0)
		return (errno);
	*ticket = pr.ticket;
	return (0);
}

/* Runs in the jail: put every state, with its rule's label. */
static int
states_fn(void *arg, struct pk_fbsd_out *o)
{
	struct pf_state_export *v;
	struct fw_rec r;
	uint32_t ticket;
	size_t i, n;
	int fd, rc, have_ticket;

	(void)arg;
	if ((rc = pf_open(&fd)) != 0 || fd < 0)
		return (rc);
	/*
	 * The ticket first: a ruleset loaded after it makes the label
	 * lookups fail (EBUSY), rather than name another rule's label.
	 */
	have_ticket = rules_ticket(fd, &ticket) == 0;
	if ((rc = states_get(fd, &v, &n)) != 0) {
		close(fd);
		return (rc);
	}
	for (i = 0; i < n && rc == 0; i++) {
		memset(&r, 0, sizeof(r));
		r.st = v[i];
		/*
		 * Rule numbers are exported in network order and count
		 * within their ruleset; -1 is none.
		 */
		if (have_ticket && v[i].anchor == UINT32_MAX &&
		    v[i].rule != UINT32_MAX)
			(void)rule_label(fd, ticket, ntohl(v[i].rule), r.label,
			    sizeof(r.label));
		rc = pk_fbsd_put(o, &r, sizeof(r)) != 0 ? EIO : 0;
	}
	free(v);
	close(fd);
	return (rc);
}

/*
 * pf's view of a TCP connection (one state per peer, tcp_fsm.h's
 * numbers) in conntrack's words, which is what pk_fw_state promises.
 */
static const char *
tcp_word(unsigned src, unsigned dst)
{

	if (src > TCPS_TIME_WAIT || dst > TCPS_TIME_WAIT)
		return ("SYN_SENT");		/* synproxy at work */
	if (src >= TCPS_FIN_WAIT_2 && dst >= TCPS_FIN_WAIT_2)
		return ("TIME_WAIT");
	if (src >= TCPS_CLOSING)
		return ("FIN_WAIT");
	if (dst >= TCPS_CLOSING)
		return ("CLOSE_WAIT");
	if (src == TCPS_ESTABLISHED && dst == TCPS_ESTABLISHED)
		return ("ESTABLISHED");
	if (dst >= TCPS_SYN_SENT)
		return ("SYN_RECV");
	if (src >= TCPS_SYN_SENT)
		return ("SYN_SENT");
	return ("NONE");
}

/*
 * One side of a state key as addresses and ports: a state made by an
 * inbound packet keeps its source at index 0, an outbound one at 1.
 */
static void
key_ends(const struct pf_state_export *st, const struct pf_state_key_export *k,
    char *src, char *dst, uint16_t *sport, uint16_t *dport)
{
	int si, di;

	si = st->direction == PF_IN ? 0 : 1;
	di = 1 - si;
	(void)inet_ntop(st->af, &k->addr[si], src, PK_FW_ADDRSTRLEN);
	(void)inet_ntop(st->af, &k->addr[di], dst, PK_FW_ADDRSTRLEN);
	*sport = ntohs(k->port[si]);
	*dport = ntohs(k->port[di]);
}

/*
 * The original direction is the key on the initiator's side (the wire
 * for an inbound state, the stack for an outbound one); the reply
 * direction is the other key, reversed, as conntrack reports it.
 */
static void
state_from(const struct fw_rec *r, struct pk_fw_state *s)
{
	const struct pf_state_export *st = &r->st;
	const struct pf_state_key_export *orig, *other;
	struct pf_key k;

	memset(s, 0, sizeof(*s));
	s->af = st->af;
	s->proto = st->proto;
	orig = &st->key[st->direction == PF_IN ? PF_SK_WIRE : PF_SK_STACK];
	other = &st->key[st->direction == PF_IN ? PF_SK_STACK : PF_SK_WIRE];
	key_ends(st, orig, s->src, s->dst, &s->sport, &s->dport);
	key_ends(st, other, s->rdst, s->rsrc, &s->rdport, &s->rsport);
	if (st->proto == IPPROTO_TCP)
		snprintf(s->state, sizeof(s->state), "%s",
		    tcp_word(st->src.state, st->dst.state));
	s->replied = st->packets[1] != 0;
	snprintf(s->label, sizeof(s->label), "%.*s",
	    (int)strnlen(r->label, sizeof(r->label)), r->label);
	s->id = be64toh(st->id);
	k.id = st->id;
	k.creatorid = st->creatorid;
	memcpy(s->key, &k, sizeof(k));
}

int
pk_os_fw_states(struct pk_os_vnet *ov, struct pk_fw_state **sp, size_t *np,
    struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct fw_rec r;
	size_t i, n;
	int rc;

	*sp = NULL;
	*np = 0;
	if ((rc = pk_fbsd_call(ov, states_fn, NULL, &out, err)) != 0) {
		pk_fbsd_out_free(&out);
		if (rc > 0)
			pk_err_sys(err, rc, PF_DEV " in %s", ov->id);
		return (pk_err_prefix(err, "firewall states"));
	}
	if (out.len % sizeof(r) != 0) {
		pk_fbsd_out_free(&out);
		return (pk_err_set(err, EIO, "firewall states: garbled"));
	}
	n = out.len / sizeof(r);
	if (n > 0 && (*sp = calloc(n, sizeof(**sp))) == NULL) {
		pk_fbsd_out_free(&out);
		return (pk_err_sys(err, ENOMEM, "firewall states"));
	}
	for (i = 0; i < n; i++) {
		memcpy(&r, out.buf + i * sizeof(r), sizeof(r));
		state_from(&r, &(*sp)[i]);
	}
	*np = n;
	pk_fbsd_out_free(&out);
	return (0);
}

/* Runs in the jail: kill each state by id, put how many went. */
static int
kill_fn(void *arg, struct pk_fbsd_out *o)
{
	const struct kill_req *rq = arg;
	struct pfioc_state_kill psk;
	struct pf_key k;
	uint64_t killed;
	size_t i;
	int fd, rc;

	killed = 0;
	if ((rc = pf_open(&fd)) != 0)
		return (rc);
	for (i = 0; fd >= 0 && i < rq->n; i++) {
		memcpy(&k, rq->s[i].key, sizeof(k));
		memset(&psk, 0, sizeof(psk));
		psk.psk_pfcmp.id = k.id;
		psk.psk_pfcmp.creatorid = k.creatorid;
		if (ioctl(fd, DIOCKILLSTATES, &psk) != 0) {
			rc = errno;
			break;
		}
		killed += psk.psk_killed;
	}
	if (fd >= 0)
		close(fd);
	if (pk_fbsd_put(o, &killed, sizeof(killed)) != 0 && rc == 0)
		rc = EIO;
	return (rc);
}

int
pk_os_fw_kill_states(struct pk_os_vnet *ov, const struct pk_fw_state *s,
    size_t n, size_t *killed, struct pk_err *err)
{
	struct pk_fbsd_out out;
	struct kill_req rq;
	uint64_t k;
	int rc;

	if (killed != NULL)
		*killed = 0;
	if (n == 0)
		return (0);
	rq.s = s;
	rq.n = n;
	rc = pk_fbsd_call(ov, kill_fn, &rq, &out, err);
	/* What was killed before a failure is counted all the same. */
	if (killed != NULL && out.len == sizeof(k)) {
		memcpy(&k, out.buf, sizeof(k));
		*killed = (size_t)k;
	}
	pk_fbsd_out_free(&out);
	if (rc != 0) {
		if (rc > 0)
			pk_err_sys(err, rc, PF_DEV " in %s", ov->id);
		return (pk_err_prefix(err, "kill firewall states"));
	}
	return (0);
}
