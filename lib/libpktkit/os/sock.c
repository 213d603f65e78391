/*
 * sock.c: sockets as the socket dumps show them, the same on every OS.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "os_common.h"

void
pk_os_sock_endpoint(int family, const void *addr, uint16_t port, char *buf,
    size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, a, sizeof(a)) == NULL)
		strcpy(a, "?");
	if (family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, ntohs(port));
	else
		snprintf(buf, size, "%s:%u", a, ntohs(port));
}
