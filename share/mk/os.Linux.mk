# os.Linux.mk: Linux (Debian) settings.
#
# libnet's headers need the BSD/POSIX extensions that _DEFAULT_SOURCE
# exposes; with a bare -std=c11 they do not compile.  The OS seam files
# that need unshare(2) and setns(2) define _GNU_SOURCE themselves.
OS_CPPFLAGS =	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OS_LIBS =	-latf-c -lnet -lpcap -lmnl -lpthread
OS_PC_LIBS =	-latf-c -lnet -lpcap -lmnl -lpthread
OS_SRC_TAG =	linux
