# pktkit.config.mk: settings shared by every Makefile in the tree.
#
# Included with TOP set to the path of the source tree's top.  Keep to
# POSIX make plus "VAR != command" and "include" so that GNU make and BSD
# make read it alike; everything that differs between operating systems
# lives in os.<uname -s>.mk.

OS !=		uname -s
include $(TOP)/share/mk/os.$(OS).mk

PREFIX ?=	/usr/local
DESTDIR ?=
BINDIR ?=	$(PREFIX)/bin
LIBDIR ?=	$(PREFIX)/lib
INCDIR ?=	$(PREFIX)/include/pktkit
MANDIR ?=	$(PREFIX)/share/man
TESTSBASE ?=	$(PREFIX)/tests/pktkit
PKGCONFIGDIR ?=	$(LIBDIR)/pkgconfig

CC ?=		cc
AR ?=		ar
INSTALL ?=	install

# SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer;
# any report aborts the process so that a test cannot pass over one.
SANITIZE ?=	0
SAN_FLAGS_0 =
SAN_FLAGS_1 =	-fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
SAN_FLAGS =	$(SAN_FLAGS_$(SANITIZE))

OPT ?=		-O2 -g
WARNS =		-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
		-Wstrict-prototypes -Wpointer-arith -Wformat=2
CSTD =		-std=c11

LIBPKTKIT_DIR =	$(TOP)/lib/libpktkit
LIBPKTKIT =	$(LIBPKTKIT_DIR)/libpktkit.a

PK_CFLAGS =	$(CSTD) $(OPT) $(WARNS) $(OS_CPPFLAGS) $(SAN_FLAGS) \
		-I$(LIBPKTKIT_DIR) $(CFLAGS)
PK_LDFLAGS =	$(SAN_FLAGS) $(LDFLAGS)
PK_LIBS =	$(LIBPKTKIT) $(OS_LIBS)
