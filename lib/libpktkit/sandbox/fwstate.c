/*
 * fwstate.c: a vnet's firewall states, listed, matched and killed (see
 * pk_fw_state_list()).  The backend lists them all; matching is done
 * here, so that both OSes select states by the same rules.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_sandbox_impl.h"

/*
 * Is address text a the same address as b?  Compared as addresses, so
 * that "2001:db8::1" and "2001:db8:0::1" are one.
 */
static int
same_addr(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int af;

	af = strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, a, x) != 1 || inet_pton(af, b, y) != 1)
		return (0);
	return (memcmp(x, y, af == AF_INET6 ? 16 : 4) == 0);
}

static int
addr_ok(const char *a)
{
	unsigned char x[16];

	if (a == NULL)
		return (1);
	return (inet_pton(AF_INET, a, x) == 1 ||
	    inet_pton(AF_INET6, a, x) == 1);
}

int
pk_fw_state_matches(const struct pk_fw_state *s, const struct pk_fw_match *m)
{

	if (m == NULL)
		return (1);
	if ((m->af != 0 && m->af != s->af) ||
	    (m->proto != 0 && m->proto != s->proto) ||
	    (m->id != 0 && m->id != s->id))
		return (0);
	if (m->src != NULL && !same_addr(m->src, s->src) &&
	    !(m->nat && same_addr(m->src, s->rdst)))
		return (0);
	if (m->dst != NULL && !same_addr(m->dst, s->dst) &&
	    !(m->nat && same_addr(m->dst, s->rsrc)))
		return (0);
	if (m->sport != 0 && m->sport != s->sport &&
	    !(m->nat && m->sport == s->rdport))
		return (0);
	if (m->dport != 0 && m->dport != s->dport &&
	    !(m->nat && m->dport == s->rsport))
		return (0);
	if (m->label != NULL && strcmp(m->label, s->label) != 0)
		return (0);
	if (m->state != NULL && strcmp(m->state, s->state) != 0)
		return (0);
	return (1);
}

/*
 * Keep only the states m matches, in place.
 */
static size_t
filter(struct pk_fw_state *v, size_t n, const struct pk_fw_match *m)
{
	size_t i, k;

	for (i = k = 0; i < n; i++)
		if (pk_fw_state_matches(&v[i], m)) {
			if (k != i)
				v[k] = v[i];
			k++;
		}
	return (k);
}

static int
list(struct pk_vnet *v, const struct pk_fw_match *m,
    struct pk_fw_state **sp, size_t *np, struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (m != NULL && (!addr_ok(m->src) || !addr_ok(m->dst)))
		return (pk_err_set(err, EINVAL, "firewall states: bad address "
		    "'%s'", !addr_ok(m->src) ? m->src : m->dst));
	if (pk_os_fw_states(v->os, sp, np, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	*np = filter(*sp, *np, m);
	if (*np == 0) {
		free(*sp);
		*sp = NULL;
	}
	return (0);
}

int
pk_fw_state_list(struct pk_vnet *v, const struct pk_fw_match *m,
    struct pk_fw_state **sp, size_t *np, struct pk_err *err)
{

	if (sp == NULL || np == NULL)
		return (pk_err_set(err, EINVAL, "firewall states: no result"));
	*sp = NULL;
	*np = 0;
	return (list(v, m, sp, np, err));
}

int
pk_fw_state_kill(struct pk_vnet *v, const struct pk_fw_match *m,
    size_t *np, struct pk_err *err)
{
	struct pk_fw_state *s;
	size_t n, killed;
	int rc;

	if (np != NULL)
		*np = 0;
	if (list(v, m, &s, &n, err) != 0)
		return (-1);
	rc = pk_os_fw_kill_states(v->os, s, n, &killed, err);
	free(s);
	if (rc != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	if (np != NULL)
		*np = killed;
	return (0);
}

static void
endpoint(const struct pk_fw_state *s, const char *a, uint16_t port,
    char *buf, size_t size)
{

	if (s->af == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

size_t
pk_fw_state_line(const struct pk_fw_state *s, char *buf, size_t size)
{
	char a[PK_FW_ADDRSTRLEN + 8], b[PK_FW_ADDRSTRLEN + 8];
	char c[PK_FW_ADDRSTRLEN + 8], d[PK_FW_ADDRSTRLEN + 8];
	char proto[16], label[32];
	int n;

	switch (s->proto) {
	case IPPROTO_TCP:
		snprintf(proto, sizeof(proto), "tcp");
		break;
	case IPPROTO_UDP:
		snprintf(proto, sizeof(proto), "udp");
		break;
	case IPPROTO_ICMP:
		snprintf(proto, sizeof(proto), "icmp");
		break;
	case IPPROTO_ICMPV6:
		snprintf(proto, sizeof(proto), "icmp6");
		break;
	default:
		snprintf(proto, sizeof(proto), "proto %d", s->proto);
		break;
	}
	endpoint(s, s->src, s->sport, a, sizeof(a));
	endpoint(s, s->dst, s->dport, b, sizeof(b));
	endpoint(s, s->rsrc, s->rsport, c, sizeof(c));
	endpoint(s, s->rdst, s->rdport, d, sizeof(d));
	label[0] = '\0';
	if (s->label[0] != '\0')
		snprintf(label, sizeof(label), " label %s", s->label);
	n = snprintf(buf, size, "%s %s -> %s (%s -> %s)%s%s%s id %llu", proto,
	    a, b, c, d, s->state[0] != '\0' ? " " : "", s->state, label,
	    (unsigned long long)s->id);
	if (n < 0) {
		if (size > 0)
			buf[0] = '\0';
		return (0);
	}
	return ((size_t)n);
}
