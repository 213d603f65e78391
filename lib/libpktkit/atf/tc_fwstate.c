/*
 * tc_fwstate.c: firewall states as a test case lists, counts and kills
 * them (see pk_fw_state_list()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_atf.h"
#include "pk_atf_impl.h"

static struct pk_fw_state *
tc_list(struct pk_tc *t, const char *file, int line, struct pk_vnet *v,
    const struct pk_fw_match *m, size_t *np)
{
	struct pk_fw_state *s;
	struct pk_err err;

	if (v == NULL)
		v = pk_sandbox_host(pk_tc_sandbox(t));
	if (pk_fw_state_list(v, m, &s, np, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
	return (s);
}

size_t
pk_tc_fw_count(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v, const struct pk_fw_match *m)
{
	size_t n;

	free(tc_list(t, file, line, v, m, &n));
	return (n);
}

const struct pk_fw_state *
pk_tc_fw_states(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v, size_t *np, const struct pk_fw_match *m)
{
	struct pk_fw_state *s;

	s = tc_list(t, file, line, v, m, np);
	if (s != NULL)
		pk_tc_own(t, s);
	return (s);
}

size_t
pk_tc_fw_kill(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v, const struct pk_fw_match *m)
{
	struct pk_err err;
	size_t n;

	if (v == NULL)
		v = pk_sandbox_host(pk_tc_sandbox(t));
	if (pk_fw_state_kill(v, m, &n, &err) != 0)
		pk_tc_fail_err(t, file, line, &err);
	return (n);
}

void
pk_tc_fw_expect_count(struct pk_tc *t, const char *file, int line,
    struct pk_vnet *v, size_t n, const struct pk_fw_match *m)
{
	struct pk_fw_state *s;
	char msg[1536], one[256];
	size_t all, got, i, len;

	s = tc_list(t, file, line, v, NULL, &all);
	got = 0;
	for (i = 0; i < all; i++)
		if (pk_fw_state_matches(&s[i], m))
			got++;
	if (got == n) {
		free(s);
		return;
	}
	len = (size_t)snprintf(msg, sizeof(msg), "expected %zu matching "
	    "firewall states, found %zu; the vnet has %zu:", n, got, all);
	for (i = 0; i < all && len < sizeof(msg); i++) {
		pk_fw_state_line(&s[i], one, sizeof(one));
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
		    i == 0 ? " " : "; ", one);
	}
	free(s);
	pk_tc_fail(t, file, line, "%s", msg);
}
