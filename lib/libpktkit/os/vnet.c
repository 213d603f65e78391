/*
 * vnet.c: what making a vnet checks before it asks the kernel, the same
 * on every OS.
 */
#include <errno.h>
#include <stdio.h>

#include "os_common.h"

int
pk_os_vnet_named(const char *kname, enum pk_os_vnet_how how,
    struct pk_err *err)
{

	if (how != PK_OS_VNET_NEW && how != PK_OS_VNET_ENTER)
		return (0);
	if (kname == NULL)
		return (pk_err_set(err, EINVAL, "a pinned vnet needs a name"));
	return (1);
}

int
pk_os_kname_copy(char *buf, size_t size, const char *kname,
    struct pk_err *err)
{

	if (kname != NULL && (size_t)snprintf(buf, size, "%s", kname) >= size)
		return (pk_err_set(err, ENAMETOOLONG, "kernel name %s too long",
		    kname));
	return (0);
}
