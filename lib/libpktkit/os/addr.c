/*
 * addr.c: addresses as text, the same on every OS.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>

#include "os_common.h"

void
pk_os_inaddr_str(const struct pk_os_inaddr *a, char *buf, size_t size)
{

	if (inet_ntop(a->family, a->addr, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
}
