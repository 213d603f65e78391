/*
 * helper.h: what the helper programs that tests run share.
 */
#ifndef HELPER_H
#define HELPER_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"

/*
 * Tell the test running this helper (see hrun.h) that the topology is
 * built: one line, with our pid, on the FIFO named by the config
 * variable ready_fifo.  Without it (a plain kyua run), nothing.
 */
static __attribute__((__unused__)) void
helper_ready(struct pk_tc *t)
{
	const char *path;
	char line[32];
	int fd, n;

	path = atf_tc_get_config_var_wd(pk_tc_atf(t), "ready_fifo", NULL);
	if (path == NULL)
		return;
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		pk_fail(t, "%s: %s", path, strerror(errno));
	n = snprintf(line, sizeof(line), "ready %d\n", (int)getpid());
	if (write(fd, line, (size_t)n) != n)
		pk_fail(t, "%s: %s", path, strerror(errno));
	close(fd);
}

#endif /* !HELPER_H */
