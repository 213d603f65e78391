/*
 * wiretest.h: what the wire test programs share.
 */
#ifndef WIRETEST_H
#define WIRETEST_H

#include <sys/types.h>

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
 * can check the library wrote nothing there.
 */
#define	WT_STDERR	"stderr.out"

static WT_UNUSED void
wt_stderr_capture(void)
{
	int fd;

	fd = open(WT_STDERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	close(fd);
}

static WT_UNUSED void
wt_stderr_empty(void)
{
	FILE *f;
	long n;

	fflush(stderr);
	f = fopen(WT_STDERR, "r");
	ATF_REQUIRE(f != NULL);
	ATF_REQUIRE(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	fclose(f);
	ATF_CHECK_EQ_MSG(n, 0, "%ld bytes on stderr", n);
}

#endif /* !WIRETEST_H */
