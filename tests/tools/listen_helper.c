/*
 * listen_helper: listen on a TCP port (IPv4 and IPv6) until killed, so
 * that handshakes to it complete; what a discard service is to the
 * tcp3way probes of FreeBSD's tests.  The kernel completes handshakes
 * for a listening socket on its own; nothing is accepted or read.
 *
 *	listen_helper port fifo
 *
 * Once listening it writes "ready" into fifo, which the test waits on
 * (see listen_on() in compat.h), and then waits to be killed.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in6 sin6;
	int s, fd, on, off;

	if (argc != 3) {
		fprintf(stderr, "usage: listen_helper port fifo\n");
		return (2);
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((uint16_t)atoi(argv[1]));
	sin6.sin6_addr = in6addr_any;
	on = 1;
	off = 0;
	if ((s = socket(AF_INET6, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ==
	    -1 ||
	    bind(s, (struct sockaddr *)&sin6, sizeof(sin6)) == -1 ||
	    listen(s, 128) == -1) {
		perror("listen_helper");
		return (1);
	}
	if ((fd = open(argv[2], O_WRONLY)) == -1 ||
	    write(fd, "ready\n", 6) != 6 || close(fd) == -1) {
		perror(argv[2]);
		return (1);
	}
	for (;;)
		pause();
}
