/*
 * watch.c: waiting for vnets to die, the part that is the same on every
 * OS.
 *
 * Both backends see a vnet die through its canary, an interface in the
 * observer that the kernel removes when it dismantles the vnet (see
 * watch_linux.c and watch_freebsd.c).  So waiting for vnets is waiting
 * for a set of interfaces to leave the observer: the set is made here,
 * and the backend waits on its own events for them
 * (pk_os_watch_links()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "os_common.h"

int
pk_os_linkset_check(struct pk_os_vnet *observer, struct pk_os_linkset *ls,
    struct pk_err *err)
{
	struct pk_os_link *l;
	size_t nl, i, j;

	if (pk_os_link_list(observer, &l, &nl, err) != 0)
		return (-1);
	ls->left = 0;
	for (i = 0; i < ls->n; i++) {
		if (ls->gone[i])
			continue;
		for (j = 0; j < nl; j++)
			if (strcmp(l[j].name, ls->names[i]) == 0 &&
			    (ls->index[i] == 0 || l[j].index == ls->index[i]))
				break;
		if (j == nl)
			ls->gone[i] = 1;
		else {
			ls->index[i] = l[j].index;
			ls->left++;
		}
	}
	free(l);
	return (ls->left);
}

int
pk_os_watch_wait(struct pk_os_watch *w, struct pk_os_vnet *const *ovs,
    size_t n, int64_t end_ms, int *gone, struct pk_err *err)
{
	struct pk_os_linkset ls;
	const char **names;
	int *index, idx, rc;
	size_t i;

	for (i = 0; i < n; i++) {
		gone[i] = 0;
		(void)pk_os_vnet_canary(ovs[i], &idx);
		if (idx <= 0)
			return (pk_err_set(err, EINVAL, "vnet %s has no canary",
			    pk_os_vnet_id(ovs[i])));
	}
	names = calloc(n + 1, sizeof(*names));
	index = calloc(n + 1, sizeof(*index));
	if (names == NULL || index == NULL) {
		free(names);
		free(index);
		return (pk_err_sys(err, ENOMEM, "watch"));
	}
	for (i = 0; i < n; i++)
		names[i] = pk_os_vnet_canary(ovs[i], &index[i]);
	ls.names = names;
	ls.index = index;
	ls.gone = gone;
	ls.n = n;
	rc = pk_os_watch_links(w, &ls, end_ms, err);
	free(names);
	free(index);
	return (rc);
}

int
pk_os_watch_gone(struct pk_os_watch *w, const char *const *names, size_t n,
    int64_t end_ms, struct pk_err *err)
{
	struct pk_os_linkset ls;
	int *index, *gone, rc;

	index = calloc(n + 1, sizeof(*index));
	gone = calloc(n + 1, sizeof(*gone));
	if (index == NULL || gone == NULL) {
		free(index);
		free(gone);
		return (pk_err_sys(err, ENOMEM, "watch"));
	}
	ls.names = names;
	ls.index = index;
	ls.gone = gone;
	ls.n = n;
	rc = pk_os_watch_links(w, &ls, end_ms, err);
	free(index);
	free(gone);
	return (rc);
}
