# pktkit.prog.mk: a command-line tool linked with libpktkit.
#
#	TOP=	../..
#	PROG=	pft_ping
#	MAN=	pft_ping.8
#	include $(TOP)/share/mk/pktkit.prog.mk
#
# PROG is built from $(PROG).c, or from SRCS when a tool has several.

include $(TOP)/share/mk/pktkit.config.mk

SRCS ?=		$(PROG).c
MAN ?=
OBJS =		$(SRCS:.c=.o)

all: $(PROG)

$(PROG): $(OBJS) $(LIBPKTKIT)
	$(CC) $(PK_LDFLAGS) -o $@ $(OBJS) $(PK_LIBS)

$(OBJS): $(LIBPKTKIT)

.c.o:
	$(CC) $(PK_CFLAGS) -c $< -o $@

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 555 $(PROG) $(DESTDIR)$(BINDIR)/
	for m in $(MAN); do \
		$(INSTALL) -m 444 $$m $(DESTDIR)$(MANDIR)/man8/ || exit 1; \
	done

lint-man:
	for m in $(MAN); do mandoc -Tlint -Wwarning $$m || exit 1; done

clean:
	rm -f $(PROG) $(OBJS)

.PHONY: all install lint-man clean
