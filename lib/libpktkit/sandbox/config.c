/*
 * config.c: sysctls, forwarding and firewall rulesets inside a vnet.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pk_sandbox_impl.h"

int
pk_sysctl_set(struct pk_vnet *v, const char *name, const char *value,
    struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (name == NULL || value == NULL)
		return (pk_err_set(err, EINVAL, "sysctl: no name or value"));
	if (pk_os_sysctl_set(v->os, name, value, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	return (0);
}

int
pk_sysctl_get(struct pk_vnet *v, const char *name, char *buf, size_t size,
    struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (name == NULL || buf == NULL)
		return (pk_err_set(err, EINVAL, "sysctl: no name or buffer"));
	if (pk_os_sysctl_get(v->os, name, buf, size, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	return (0);
}

int
pk_vnet_stat(struct pk_vnet *v, const char *name, uint64_t *val,
    struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (name == NULL || val == NULL)
		return (pk_err_set(err, EINVAL, "statistic: no name or value"));
	if (pk_os_stat_get(v->os, name, val, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	return (0);
}

int
pk_vnet_forwarding(struct pk_vnet *v, int on, struct pk_err *err)
{

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (pk_os_forwarding(v->os, on, err) != 0)
		return (pk_err_prefix(err, "vnet %s: forwarding %s", v->name,
		    on ? "on" : "off"));
	return (0);
}

/*
 * The firewall's complaint as one line: lines joined with " | ", the
 * caret lines that underline the input dropped, "/dev/stdin:" shortened.
 */
static void
one_line(const char *text, char *buf, size_t size)
{
	const char *p, *e, *s;
	size_t len, used;
	int blank;

	used = 0;
	buf[0] = '\0';
	for (p = text; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(e - p);
		blank = 1;
		for (s = p; s < e; s++)
			if (*s != ' ' && *s != '^' && *s != '~' && *s != '\t')
				blank = 0;
		if (blank)
			continue;
		if (len > 11 && strncmp(p, "/dev/stdin:", 11) == 0) {
			p += 11;
			len -= 11;
		}
		if (used > 0 && used + 3 < size) {
			memcpy(buf + used, " | ", 4);
			used += 3;
		}
		if (used + len >= size)
			len = size - used - 1;
		memcpy(buf + used, p, len);
		used += len;
		buf[used] = '\0';
	}
}

int
pk_fw_load(struct pk_vnet *v, const struct pk_ruleset *rs, struct pk_err *err)
{
	struct pk_run_result res;
	char *const *argv;
	const char *text, *prog;
	char msg[400];

	if (pk_sb_live(v, err) != 0)
		return (-1);
	if (pk_os_fw_command(rs, &argv, &text, err) != 0)
		return (pk_err_prefix(err, "vnet %s", v->name));
	if (pk_vnet_run(v, argv, text, &res, err) != 0)
		return (pk_err_prefix(err, "load firewall rules"));
	if (WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0) {
		pk_run_result_free(&res);
		return (0);
	}
	one_line(res.errout, msg, sizeof(msg));
	if (msg[0] == '\0')
		snprintf(msg, sizeof(msg), "%s", WIFEXITED(res.status) ?
		    "no message" : "killed by a signal");
	pk_run_result_free(&res);
	prog = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	return (pk_err_set(err, EINVAL, "vnet %s: %s rejected the ruleset: %s",
	    v->name, prog, msg));
}
