# pktkit.test.mk: a directory of atf test programs.
#
# A test directory's Makefile declares its programs and includes this:
#
#	TOP=		../../..
#	TESTSDIR=	sys/netinet
#	ATF_TESTS_C=	forward_test frag_test
#	include $(TOP)/share/mk/pktkit.test.mk
#
# ATF_TESTS_C	atf-c programs, one foo_test.c each, linked with libpktkit
# ATF_TESTS_C_linux, ATF_TESTS_C_freebsd
#		atf-c programs that build and run on that OS only: tests
#		of one backend's own mechanics (pins, mounts, /proc)
# ATF_TESTS_SH	atf-sh programs, one foo_test.sh each
# EXCLUSIVE_TESTS  programs kyua must run alone (global kernel counters)
# TEST_HELPERS	atf-c programs (foo_helper.c) that tests run themselves,
#		built and installed beside them but not listed in the Kyuafile
# SUBDIR	subdirectories holding more tests
# TESTSDIR	where below $(TESTSBASE) the programs are installed
#
# A Kyuafile listing the programs and subdirectories is generated, and
# installed with them, the way FreeBSD's bsd.test.mk does for /usr/tests.

include $(TOP)/share/mk/pktkit.config.mk

ATF_TESTS_C ?=
ATF_TESTS_C_linux ?=
ATF_TESTS_C_freebsd ?=
ATF_TESTS_SH ?=
TEST_HELPERS ?=
EXCLUSIVE_TESTS ?=
SUBDIR ?=
TESTSDIR ?=
ATF_TESTS_C_OS = $(ATF_TESTS_C_$(OS_SRC_TAG))
TEST_PROGS =	$(ATF_TESTS_C) $(ATF_TESTS_C_OS) $(ATF_TESTS_SH)

all: $(TEST_PROGS) $(TEST_HELPERS) Kyuafile all-subdir

$(ATF_TESTS_C) $(ATF_TESTS_C_OS) $(TEST_HELPERS): $(LIBPKTKIT) \
		$(TOP)/share/mk/pktkit.test.mk

.SUFFIXES: .sh
.c:
	$(CC) $(PK_CFLAGS) $(PK_LDFLAGS) -o $@ $< $(PK_LIBS)
.sh:
	sed -e '1s,^#!.*,#! /usr/bin/env atf-sh,' $< > $@.tmp && \
	    chmod 755 $@.tmp && mv $@.tmp $@

# Regenerated on every build (it is cheap), since SUBDIR may come from
# the directories present rather than from this Makefile.
Kyuafile: pktkit-force
	sh $(TOP)/share/mk/kyuafile.sh "$(TEST_PROGS)" "$(EXCLUSIVE_TESTS)" \
	    "$(SUBDIR)" > $@.tmp && mv $@.tmp $@

pktkit-force:

install: all install-subdir
	$(INSTALL) -d $(DESTDIR)$(TESTSBASE)/$(TESTSDIR)
	$(INSTALL) -m 444 Kyuafile $(DESTDIR)$(TESTSBASE)/$(TESTSDIR)/
	for p in $(TEST_PROGS) $(TEST_HELPERS); do \
		$(INSTALL) -m 555 $$p $(DESTDIR)$(TESTSBASE)/$(TESTSDIR)/ \
		    || exit 1; \
	done

clean: clean-subdir
	rm -f $(TEST_PROGS) $(ATF_TESTS_C_linux) $(ATF_TESTS_C_freebsd) \
	    $(TEST_HELPERS) Kyuafile Kyuafile.tmp *.tmp

# The C sources that build on OS tag TAG (default: this OS), one a line,
# below this directory: what "make cross-freebsd" compiles.
TAG ?=		$(OS_SRC_TAG)
srcs:
	@for p in $(ATF_TESTS_C) $(ATF_TESTS_C_$(TAG)) $(TEST_HELPERS); do \
		echo "$$p.c"; \
	done
	@for d in $(SUBDIR); do \
		(cd $$d && $(MAKE) -s srcs TAG=$(TAG)) | grep '\.c$$' | \
		    sed "s,^,$$d/," || exit 1; \
	done

all-subdir install-subdir clean-subdir:
	@target=`echo $@ | sed 's/-subdir$$//'`; \
	for d in $(SUBDIR); do \
		(cd $$d && $(MAKE) $$target) || exit 1; \
	done

# Test sources carry no man pages.
lint-man:

.PHONY: all install clean lint-man pktkit-force all-subdir install-subdir \
	clean-subdir srcs
