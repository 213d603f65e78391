/*
 * journal.c: the sandbox's state file, and recovery from it.
 *
 * Everything a sandbox creates in the kernel that could outlive its
 * process is recorded here first, one line per record, each line one
 * write(2) on a descriptor opened O_APPEND: a crash can lose only the
 * record being written, never leave a kernel object that no record names.
 * Records (tokens never contain spaces):
 *
 *	pktkit-journal 1		first line of the file
 *	open <pid> <start> <private>	a sandbox opened (its writer)
 *	host <kname> <ident>		private host, before it is pinned
 *	hostid <ident>			shared host: where it was
 *	vnet <name> <kname> <ident>	before the pin exists
 *	canary <vnet> <ifname>		before the canary exists
 *	if <vnet> <ifname> <mac>	before the interface exists
 *	move <ifname> <vnet>		before the move
 *	proc <pid> <start>		after fork, before the child runs
 *	done vnet|if|proc <what>	it is gone (or was never made)
 *	close				the sandbox closed cleanly
 *
 * A test aid: PKTKIT_FAILPOINT_JOURNAL=N in the environment makes the
 * process SIGKILL itself right after writing its Nth record, so that
 * tests can crash a sandbox between any journal record and the kernel
 * object it announces, and check that recovery removes exactly that.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pk_sandbox_impl.h"

#define	JOURNAL_MAGIC	"pktkit-journal 1"

int
pk_sb_journal_open(struct pk_sandbox *sb, const char *path,
    struct pk_err *err)
{
	const char *fp;
	struct stat st;
	char *end;
	long n;

	sb->jfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (sb->jfd < 0)
		return (pk_err_sys(err, errno, "journal %s", path));
	if (fstat(sb->jfd, &st) != 0) {
		pk_err_sys(err, errno, "journal %s", path);
		goto fail;
	}
	if (st.st_size == 0 &&
	    write(sb->jfd, JOURNAL_MAGIC "\n", sizeof(JOURNAL_MAGIC)) !=
	    (ssize_t)sizeof(JOURNAL_MAGIC)) {
		pk_err_sys(err, errno, "journal %s", path);
		goto fail;
	}
	fp = getenv("PKTKIT_FAILPOINT_JOURNAL");
	if (fp != NULL && *fp != '\0') {
		n = strtol(fp, &end, 10);
		if (*end == '\0' && n > 0)
			sb->jfail = n;
	}
	return (0);
fail:
	close(sb->jfd);
	sb->jfd = -1;
	return (-1);
}

void
pk_sb_journal_close(struct pk_sandbox *sb)
{

	if (sb->jfd >= 0)
		close(sb->jfd);
	sb->jfd = -1;
}

int
pk_sb_journal(struct pk_sandbox *sb, struct pk_err *err, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	ssize_t w;
	int n;

	if (sb->jfd < 0)
		return (0);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return (pk_err_set(err, EOVERFLOW, "journal record too long"));
	line[n++] = '\n';
	w = write(sb->jfd, line, (size_t)n);
	if (w != n)
		return (pk_err_sys(err, w < 0 ? errno : EIO, "journal %s",
		    sb->journal));
	if (sb->jfail > 0 && --sb->jfail == 0)
		(void)kill(getpid(), SIGKILL);
	return (0);
}

/*
 * Recovery.
 */

struct jvnet {
	char		name[PK_VNET_NAME_MAX + 1];
	char		kname[64];
	char		ident[PK_OS_IDENTSIZ];
	int		done;
	int		is_host;
};

struct jif {
	char		where[PK_VNET_NAME_MAX + 1];
	char		name[PK_OS_IFNAMSIZ];
	uint8_t		mac[6];
	int		done;
};

struct jproc {
	pid_t		pid;
	uint64_t	start;
	int		done;
};

struct jsection {
	pid_t		 pid;
	int		 private;
	char		 hostident[PK_OS_IDENTSIZ];
	struct jvnet	*v;
	size_t		 nv;
	struct jif	*i;
	size_t		 ni;
	struct jproc	*p;
	size_t		 np;
};

struct journal {
	struct jsection	*s;
	size_t		 ns;
};

#define	GROW(arr, n)	grow((void **)&(arr), (n), sizeof(*(arr)))

static void *
grow(void **arr, size_t n, size_t size)
{
	void *nv;

	/* Arrays grow by one: journals are short. */
	if ((nv = realloc(*arr, (n + 1) * size)) == NULL)
		return (NULL);
	*arr = nv;
	memset((char *)nv + n * size, 0, size);
	return ((char *)nv + n * size);
}

static void
journal_free(struct journal *j)
{
	size_t k;

	for (k = 0; k < j->ns; k++) {
		free(j->s[k].v);
		free(j->s[k].i);
		free(j->s[k].p);
	}
	free(j->s);
}

static int
copy_tok(char *dst, size_t size, const char *src)
{

	if (src == NULL || strlen(src) >= size)
		return (-1);
	strcpy(dst, src);
	return (0);
}

/*
 * One record into the current section.  Unknown or damaged records (the
 * last line of a journal whose writer died mid-write) are skipped.
 */
static int
parse_record(struct journal *j, char *line)
{
	struct jsection *s;
	struct jvnet *v;
	struct jif *i;
	struct jproc *p;
	char *t[5], *save;
	size_t n, k;
	int nt;

	nt = 0;
	for (t[0] = strtok_r(line, " ", &save); t[nt] != NULL && nt < 4;)
		t[++nt] = strtok_r(NULL, " ", &save);
	if (nt == 0)
		return (0);
	if (strcmp(t[0], "open") == 0 && nt >= 4) {
		if ((s = GROW(j->s, j->ns)) == NULL)
			return (-1);
		j->ns++;
		s->pid = (pid_t)strtol(t[1], NULL, 10);
		s->private = strcmp(t[3], "1") == 0;
		return (0);
	}
	if (j->ns == 0)
		return (0);
	s = &j->s[j->ns - 1];
	if ((strcmp(t[0], "vnet") == 0 && nt >= 4) ||
	    (strcmp(t[0], "host") == 0 && nt >= 3)) {
		if ((v = GROW(s->v, s->nv)) == NULL)
			return (-1);
		v->is_host = t[0][0] == 'h';
		if (v->is_host) {
			strcpy(v->name, "host");
			if (copy_tok(v->kname, sizeof(v->kname), t[1]) != 0 ||
			    copy_tok(v->ident, sizeof(v->ident), t[2]) != 0)
				return (0);
		} else if (copy_tok(v->name, sizeof(v->name), t[1]) != 0 ||
		    copy_tok(v->kname, sizeof(v->kname), t[2]) != 0 ||
		    copy_tok(v->ident, sizeof(v->ident), t[3]) != 0)
			return (0);
		s->nv++;
	} else if (strcmp(t[0], "hostid") == 0 && nt >= 2) {
		(void)copy_tok(s->hostident, sizeof(s->hostident), t[1]);
	} else if (strcmp(t[0], "if") == 0 && nt >= 4) {
		if ((i = GROW(s->i, s->ni)) == NULL)
			return (-1);
		if (copy_tok(i->where, sizeof(i->where), t[1]) != 0 ||
		    copy_tok(i->name, sizeof(i->name), t[2]) != 0 ||
		    pk_sb_parse_mac(t[3], i->mac, NULL) != 0)
			return (0);
		s->ni++;
	} else if (strcmp(t[0], "move") == 0 && nt >= 3) {
		for (k = 0; k < s->ni; k++)
			if (strcmp(s->i[k].name, t[1]) == 0)
				(void)copy_tok(s->i[k].where,
				    sizeof(s->i[k].where), t[2]);
	} else if (strcmp(t[0], "proc") == 0 && nt >= 3) {
		if ((p = GROW(s->p, s->np)) == NULL)
			return (-1);
		p->pid = (pid_t)strtol(t[1], NULL, 10);
		p->start = strtoull(t[2], NULL, 10);
		if (p->pid > 0)
			s->np++;
	} else if (strcmp(t[0], "done") == 0 && nt >= 3) {
		if (strcmp(t[1], "vnet") == 0) {
			for (n = 0; n < s->nv; n++)
				if (strcmp(s->v[n].name, t[2]) == 0)
					s->v[n].done = 1;
		} else if (strcmp(t[1], "if") == 0) {
			for (n = 0; n < s->ni; n++)
				if (strcmp(s->i[n].name, t[2]) == 0)
					s->i[n].done = 1;
		} else if (strcmp(t[1], "proc") == 0) {
			for (n = 0; n < s->np; n++)
				if (s->p[n].pid == (pid_t)strtol(t[2], NULL,
				    10))
					s->p[n].done = 1;
		}
	}
	return (0);
}

static int
journal_read(const char *path, struct journal *j, int *missing,
    struct pk_err *err)
{
	char *line;
	size_t cap;
	ssize_t n;
	FILE *fp;
	int rc;

	memset(j, 0, sizeof(*j));
	*missing = 0;
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT) {
			*missing = 1;
			return (0);
		}
		return (pk_err_sys(err, errno, "journal %s", path));
	}
	line = NULL;
	cap = 0;
	rc = 0;
	if ((n = getline(&line, &cap, fp)) > 0 &&
	    strncmp(line, JOURNAL_MAGIC "\n", sizeof(JOURNAL_MAGIC)) != 0)
		rc = pk_err_set(err, EINVAL, "journal %s: not a pktkit "
		    "journal", path);
	while (rc == 0 && (n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n')
			break;		/* torn last record */
		line[n - 1] = '\0';
		if (parse_record(j, line) != 0)
			rc = pk_err_sys(err, ENOMEM, "journal %s", path);
	}
	free(line);
	fclose(fp);
	if (rc != 0)
		journal_free(j);
	return (rc);
}

/* What recovery is doing: the vnets it found, and its observer. */
struct recovery {
	struct pk_report	*rep;
	int			 leaks;
	unsigned		 settle_ms;
	int64_t			 end;
	int			 reap;
	struct pk_os_vnet	*observer;
	struct pk_vnet		**found;
	size_t			 nfound;
	unsigned		 unit;
};

static void
rlog(struct recovery *r, int leak, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
rlog(struct recovery *r, int leak, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (leak)
		r->leaks++;
	if (r->rep != NULL)
		(void)pk_report_add(r->rep, "%s", line);
}

static void
recover_procs(struct recovery *r, struct jsection *s)
{
	struct pk_err e;
	char cmd[128];
	size_t k;
	int rc;

	for (k = 0; k < s->np; k++) {
		if (s->p[k].done)
			continue;
		pk_os_proc_describe(s->p[k].pid, cmd, sizeof(cmd));
		rc = pk_os_proc_kill_match(s->p[k].pid, s->p[k].start, r->end,
		    &e);
		if (rc == 1)
			rlog(r, 0, "removed: killed pid %d (%s)",
			    (int)s->p[k].pid, cmd);
		else if (rc < 0)
			rlog(r, 1, "leak: pid %d (%s): %s", (int)s->p[k].pid,
			    cmd, e.msg);
	}
}

/*
 * Find one recorded vnet, and if it is still ours, give it a canary in
 * our observer.
 */
static int
recover_vnet(struct recovery *r, struct jvnet *jv, struct pk_err *err)
{
	struct pk_os_vnet *ov;
	struct pk_vnet *v, **nv;
	char cname[PK_OS_IFNAMSIZ];
	struct pk_err e;
	int rc;

	rc = pk_os_vnet_recover(jv->kname, jv->ident, &ov, &e);
	if (rc < 0) {
		rlog(r, 1, "leak: vnet %s (%s): %s", jv->name, jv->kname,
		    e.msg);
		return (0);
	}
	if (rc == PK_OS_GONE)
		return (0);
	if (rc == PK_OS_FOREIGN) {
		rlog(r, 0, "note: %s is not the vnet %s the journal recorded: "
		    "left alone", jv->kname, jv->name);
		return (0);
	}
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (nv = realloc(r->found, (r->nfound + 1) * sizeof(*nv))) == NULL) {
		free(v);
		pk_os_vnet_free(ov);
		return (pk_err_sys(err, ENOMEM, "recover"));
	}
	r->found = nv;
	snprintf(v->name, sizeof(v->name), "%s", jv->name);
	snprintf(v->kname, sizeof(v->kname), "%s", jv->kname);
	v->os = ov;
	v->is_host = jv->is_host;
	r->found[r->nfound++] = v;
	snprintf(cname, sizeof(cname), "pkr%u.%u",
	    (unsigned)getpid() % 10000000, r->unit++ % 10000);
	if (pk_os_vnet_arm(r->observer, ov, cname, &e) != 0) {
		/* Unwatchable: still unpin it, and say we could not wait. */
		rlog(r, 1, "leak: vnet %s (%s): %s", v->name, v->kname, e.msg);
		v->state = PK_VNET_GONE;
	}
	return (0);
}

/*
 * Interfaces in a shared host (a private host takes its interfaces with
 * it): delete those still there with the recorded MAC address.
 */
static void
recover_host_ifs(struct recovery *r, struct jsection *s)
{
	struct pk_os_vnet *host;
	struct pk_os_link l;
	struct pk_err e;
	size_t k;
	int rc;

	if (s->private || s->hostident[0] == '\0')
		return;
	host = NULL;
	rc = -2;
	for (k = 0; k < s->ni; k++) {
		if (s->i[k].done || strcmp(s->i[k].where, "host") != 0)
			continue;
		if (rc == -2) {
			rc = pk_os_vnet_recover(NULL, s->hostident, &host, &e);
			if (rc < 0)
				rlog(r, 1, "leak: host of pid %d's sandbox: %s",
				    (int)s->pid, e.msg);
		}
		/* A host no process is in has taken its interfaces along. */
		if (rc != PK_OS_FOUND)
			continue;
		if ((rc = pk_os_link_get(host, s->i[k].name, &l, &e)) <= 0) {
			if (rc < 0)
				rlog(r, 1, "leak: interface %s: %s",
				    s->i[k].name, e.msg);
			rc = PK_OS_FOUND;
			continue;
		}
		if (memcmp(l.mac, s->i[k].mac, 6) != 0) {
			rlog(r, 0, "note: interface %s is not the one the "
			    "journal recorded: left alone", s->i[k].name);
			continue;
		}
		if (pk_os_link_delete(host, l.name, l.index, &e) != 0)
			rlog(r, 1, "leak: interface %s: %s", s->i[k].name,
			    e.msg);
		else
			rlog(r, 0, "removed: interface %s", s->i[k].name);
	}
	pk_os_vnet_free(host);
}

/*
 * Drop every found vnet in one batch, then wait for them all.
 */
static int
recover_wait(struct recovery *r, struct pk_err *err)
{
	struct pk_os_vnet **ovs;
	struct pk_os_watch *w;
	struct pk_vnet **vs, *v;
	struct pk_err e;
	int64_t t0;
	size_t k, n;
	int left;

	if (r->nfound == 0)
		return (0);
	vs = calloc(r->nfound, sizeof(*vs));
	ovs = calloc(r->nfound, sizeof(*ovs));
	if (vs == NULL || ovs == NULL) {
		free(vs);
		free(ovs);
		return (pk_err_sys(err, ENOMEM, "recover"));
	}
	if (pk_os_watch_open(r->observer, &w, err) != 0) {
		free(vs);
		free(ovs);
		return (-1);
	}
	n = 0;
	for (k = 0; k < r->nfound; k++) {
		v = r->found[k];
		if (pk_os_sock_dump(v->os, &v->socks, &v->nsocks, &e) != 0)
			v->nsocks = 0;
		if (r->reap)
			(void)pk_sb_reap(v, r->rep);
		if (pk_os_vnet_unpin(v->os, &e) != 0)
			rlog(r, 1, "leak: vnet %s (%s): %s", v->name, v->kname,
			    e.msg);
		if (v->state != PK_VNET_GONE)
			vs[n++] = v;
	}
	for (k = 0; k < r->nfound; k++)
		ovs[k] = r->found[k]->os;
	t0 = pk_now_us();
	pk_os_vnet_release_batch(ovs, r->nfound);
	free(ovs);
	left = pk_sb_wait(w, vs, n, r->settle_ms, t0, NULL, r->rep, err);
	pk_os_watch_close(w);
	if (left < 0) {
		free(vs);
		return (-1);
	}
	r->leaks += left;
	for (k = 0; k < n; k++)
		if (vs[k]->state == PK_VNET_GONE)
			rlog(r, 0, "removed: %s %s (%s)", vs[k]->is_host ?
			    "private host" : "vnet", vs[k]->name,
			    vs[k]->kname);
	free(vs);
	return (0);
}

int
pk_sandbox_recover(const char *journal, unsigned settle_ms, int reap,
    struct pk_report *rep, struct pk_err *err)
{
	char ident[PK_OS_IDENTSIZ];
	struct recovery r;
	struct journal j;
	size_t k, m;
	int missing, rc;

	if (journal_read(journal, &j, &missing, err) != 0)
		return (-1);
	if (missing)
		return (0);
	memset(&r, 0, sizeof(r));
	r.rep = rep;
	r.reap = reap;
	r.settle_ms = pk_deadline_ms(settle_ms != 0 ? settle_ms : 5000);
	r.end = pk_now_ms() + r.settle_ms;
	/* Processes first: one inside a vnet would hold it. */
	for (k = 0; k < j.ns; k++)
		recover_procs(&r, &j.s[k]);
	rc = 0;
	r.end = pk_now_ms() + r.settle_ms;
	if (pk_os_vnet_prepare(NULL, PK_OS_VNET_SCRATCH, &r.observer, ident,
	    err) != 0) {
		rc = pk_err_prefix(err, "recover %s", journal);
		goto out;
	}
	for (k = 0; k < j.ns && rc == 0; k++)
		for (m = 0; m < j.s[k].nv && rc == 0; m++)
			if (!j.s[k].v[m].done)
				rc = recover_vnet(&r, &j.s[k].v[m], err);
	if (rc == 0)
		rc = recover_wait(&r, err);
	for (k = 0; k < j.ns && rc == 0; k++)
		recover_host_ifs(&r, &j.s[k]);
out:
	for (k = 0; k < r.nfound; k++) {
		pk_os_vnet_free(r.found[k]->os);
		free(r.found[k]->socks);
		free(r.found[k]);
	}
	free(r.found);
	pk_os_vnet_free(r.observer);
	journal_free(&j);
	if (rc != 0)
		return (-1);
	if (r.leaks > 0)
		return (pk_err_set(err, EBUSY, "recover %s: %d thing%s could "
		    "not be removed", journal, r.leaks, r.leaks == 1 ? "" :
		    "s"));
	return (0);
}
