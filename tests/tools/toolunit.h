/*
 * toolunit.h: what the unit tests of the tools' parts share.
 *
 * The tools are programs, not libraries, so their parts are compiled
 * into each test program by including their sources (see the includes
 * of the test files); this header only splits command lines.
 */
#ifndef TOOLUNIT_H
#define TOOLUNIT_H

#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#define	TU_MAXARGS	64

struct tu_argv {
	char	*buf;
	char	*v[TU_MAXARGS + 1];
	int	 c;
};

/*
 * Split s at single spaces into argv (argv[0] is prog); a word "''"
 * stands for the empty string.
 */
static inline void
tu_split(struct tu_argv *a, const char *prog, const char *s)
{
	char *p, *w;

	a->buf = strdup(s);
	ATF_REQUIRE(a->buf != NULL);
	a->c = 0;
	a->v[a->c++] = (char *)(uintptr_t)prog;
	for (p = a->buf; (w = strsep(&p, " ")) != NULL;) {
		if (*w == '\0')
			continue;
		if (strcmp(w, "''") == 0)
			*w = '\0';
		ATF_REQUIRE(a->c < TU_MAXARGS);
		a->v[a->c++] = w;
	}
	a->v[a->c] = NULL;
}

static inline void
tu_free(struct tu_argv *a)
{

	free(a->buf);
	a->buf = NULL;
}

#endif /* !TOOLUNIT_H */
