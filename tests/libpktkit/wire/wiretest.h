/*
 * wiretest.h: what the wire test programs share.
 */
#ifndef WIRETEST_H
#define WIRETEST_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "pktkit.h"

#define	WT_UNUSED	__attribute__((__unused__))

/* The first layer of protocol p in d, or fail the case. */
static WT_UNUSED const struct pk_dlayer *
wt_layer(const struct pk_dpkt *d, enum pk_proto p)
{
	const struct pk_dlayer *l;

	l = pk_dpkt_find(d, p, 0);
	ATF_REQUIRE_MSG(l != NULL, "no %s layer", pk_proto_name(p));
	return (l);
}

static WT_UNUSED int
wt_ip4_is(const struct in_addr *a, const char *s)
{
	struct in_addr b;

	ATF_REQUIRE(inet_pton(AF_INET, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

static WT_UNUSED int
wt_ip6_is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b;

	ATF_REQUIRE(inet_pton(AF_INET6, s, &b) == 1);
	return (memcmp(a, &b, sizeof(b)) == 0);
}

/*
 * Standard error into a file for the rest of the body, so that a case
 * can check the library wrote nothing there.  wt_stderr_empty() puts
 * the real one back and shows what the file got (atf's own check
 * failures land there too, so they are not lost).
 */
#define	WT_STDERR	"stderr.out"

static int	wt_saved_stderr = -1;

static WT_UNUSED void
wt_stderr_capture(void)
{
	int fd;

	fflush(stderr);
	wt_saved_stderr = dup(STDERR_FILENO);
	fd = open(WT_STDERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd >= 0 && wt_saved_stderr >= 0);
	ATF_REQUIRE(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	close(fd);
}

static WT_UNUSED void
wt_stderr_empty(void)
{
	char buf[4096];
	size_t n;
	FILE *f;

	fflush(stderr);
	ATF_REQUIRE(dup2(wt_saved_stderr, STDERR_FILENO) == STDERR_FILENO);
	close(wt_saved_stderr);
	f = fopen(WT_STDERR, "r");
	ATF_REQUIRE(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (n > 0)
		fprintf(stderr, "%s", buf);
	ATF_CHECK_EQ_MSG(n, 0, "%zu bytes on stderr", n);
}

#endif /* !WIRETEST_H */
