# os.FreeBSD.mk: FreeBSD settings.
#
# No _POSIX_C_SOURCE here: on FreeBSD it hides the BSD declarations
# (jail_set(2), SIOCIFCREATE2, ...) that the backend needs.
OS_CPPFLAGS =	-I/usr/local/include
OS_LIBS =	-L/usr/local/lib -latf-c -lnet -lpcap -ljail -lnv -lpthread
OS_PC_LIBS =	-latf-c -lnet -lpcap -ljail -lnv -lpthread
OS_SRC_TAG =	freebsd
