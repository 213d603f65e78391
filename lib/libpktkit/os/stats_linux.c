/*
 * stats_linux.c: a vnet's protocol statistics (see pk_os_stat_get()).
 *
 * Linux keeps them per network namespace in /proc/net/snmp and
 * /proc/net/netstat ("Group: Name Name ..." then "Group: value value
 * ...") and /proc/net/snmp6 ("Ip6Name value").  /proc/thread-self/net
 * shows the namespace of the calling thread, which is why the file is
 * opened after entering the vnet.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_os.h"
#include "os_linux.h"

#define	STATS_MAX	(64 * 1024)

/*
 * Read a whole /proc/thread-self/net file of ov into buf.
 */
static int
stats_read(struct pk_os_vnet *ov, const char *file, char *buf, size_t size,
    struct pk_err *err)
{
	char path[64];
	struct pk_os_saved sv;
	size_t len;
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	if (pk_linux_enter_fd(ov->nsfd, &sv, err) != 0)
		return (-1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	e = errno;
	(void)pk_os_vnet_leave(&sv, NULL);
	if (fd < 0)
		return (pk_err_sys(err, e, "%s", path));
	len = 0;
	while (len < size - 1 && (n = read(fd, buf + len,
	    size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (0);
}

/*
 * In "Group: A B C\nGroup: 1 2 3\n" text, find field of group.
 * Returns 1 and *val if found.
 */
static int
stats_find_table(char *text, const char *group, const char *field,
    uint64_t *val)
{
	char *names, *values, *nsave, *vsave, *n, *v, *line, *next;
	size_t glen;

	glen = strlen(group);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next == NULL)
			return (0);
		*next++ = '\0';
		if (strncmp(line, group, glen) != 0 || line[glen] != ':')
			continue;
		names = line + glen + 1;
		values = next;
		if ((next = strchr(values, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(values, group, glen) != 0 || values[glen] != ':')
			return (0);
		values += glen + 1;
		n = strtok_r(names, " ", &nsave);
		v = strtok_r(values, " ", &vsave);
		for (; n != NULL && v != NULL; n = strtok_r(NULL, " ", &nsave),
		    v = strtok_r(NULL, " ", &vsave))
			if (strcmp(n, field) == 0) {
				*val = strtoull(v, NULL, 10);
				return (1);
			}
		return (0);
	}
	return (0);
}

/*
 * In snmp6's "Ip6ReasmFails 3" lines, find name.
 */
static int
stats_find_pairs(const char *text, const char *name, uint64_t *val)
{
	const char *p;
	size_t len;

	len = strlen(name);
	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, name, len) == 0 && (p[len] == ' ' ||
		    p[len] == '\t')) {
			*val = strtoull(p + len, NULL, 10);
			return (1);
		}
	}
	return (0);
}

int
pk_os_stat_get(struct pk_os_vnet *ov, const char *name, uint64_t *val,
    struct pk_err *err)
{
	char group[32], full[96], *buf;
	const char *dot;
	size_t glen;
	int found;

	dot = strchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0' ||
	    (glen = (size_t)(dot - name)) >= sizeof(group))
		return (pk_err_set(err, EINVAL, "statistic %s: not of the form "
		    "Group.Name (Ip.ReasmFails, Ip6.ReasmFails, "
		    "TcpExt.SyncookiesSent)", name));
	memcpy(group, name, glen);
	group[glen] = '\0';
	if ((buf = malloc(STATS_MAX)) == NULL)
		return (pk_err_sys(err, errno, "statistic %s", name));
	found = 0;
	if (glen > 1 && group[glen - 1] == '6') {
		/* snmp6 spells Ip6.ReasmFails as Ip6ReasmFails. */
		snprintf(full, sizeof(full), "%s%s", group, dot + 1);
		if (stats_read(ov, "snmp6", buf, STATS_MAX, err) == 0)
			found = stats_find_pairs(buf, full, val);
		else
			goto fail;
	} else {
		if (stats_read(ov, "snmp", buf, STATS_MAX, err) != 0)
			goto fail;
		found = stats_find_table(buf, group, dot + 1, val);
		if (!found) {
			if (stats_read(ov, "netstat", buf, STATS_MAX, err) != 0)
				goto fail;
			found = stats_find_table(buf, group, dot + 1, val);
		}
	}
	free(buf);
	if (!found)
		return (pk_err_set(err, ENOENT, "statistic %s: no such "
		    "statistic", name));
	return (0);
fail:
	free(buf);
	return (-1);
}
