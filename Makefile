# pktkit: craft, send, sniff and expect packets in throw-away virtual
# network stacks, with a leak check after every test case.
#
# Runs unchanged under GNU make and BSD make: POSIX make plus
# "VAR != command" and "include"; per-OS settings in share/mk/os.*.mk.
#
#	make			build the library, tools and tests
#	make check		run every test under kyua
#	make check-sanitize	the same, built with ASan and UBSan
#	make check-long	the suite at parallelism 1 and 2, and the long checks
#	make bench		print speed figures beside the alternatives
#	make fuzz		run the fuzz targets for FUZZ_SECONDS each
#	make install		honours DESTDIR and PREFIX
#	make cross-freebsd	compile-check for FreeBSD (FREEBSD_SYSROOT=dir)

TOP=		.
include $(TOP)/share/mk/pktkit.config.mk

SUBDIR=		lib/libpktkit tools tests bench
KYUAFILE=	tests/Kyuafile

all install lint-man:
	@for d in $(SUBDIR); do \
		(cd $$d && $(MAKE) $@) || exit 1; \
	done

bench: all
	cd bench && $(MAKE) run

fuzz:
	cd fuzz && $(MAKE) run

fuzz-regress:
	cd fuzz && $(MAKE) regress

clean:
	@for d in $(SUBDIR) fuzz; do \
		(cd $$d && $(MAKE) clean) || exit 1; \
	done

check: all
	sh share/mk/kyua-run.sh $(KYUAFILE)

check-sanitize:
	$(MAKE) clean
	$(MAKE) SANITIZE=1 all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    LSAN_OPTIONS=suppressions=`pwd`/share/mk/lsan.supp:print_suppressions=0 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    sh share/mk/kyua-run.sh $(KYUAFILE)
	$(MAKE) clean

# The long checks: the suite at kyua parallelism 1 and then 2.
check-long: all fuzz-regress
	KYUA_PARALLELISM=1 sh share/mk/kyua-run.sh $(KYUAFILE)
	KYUA_PARALLELISM=2 sh share/mk/kyua-run.sh $(KYUAFILE)

# cross-freebsd: every file that builds on FreeBSD (the portable sources
# of the library, tools, benches and fuzz targets, the *_freebsd.c side
# of the seam, and the test programs a FreeBSD build makes), compiled
# with clang for FreeBSD 14 against a headers-only sysroot with
# -fsyntax-only: Linux-only calls (unshare, setns, ...) fail as implicit
# declarations.  No _POSIX_C_SOURCE: on FreeBSD it hides the BSD
# declarations.  Without FREEBSD_SYSROOT it says so and does nothing (CI
# has no sysroot).
CROSS_CC ?=	clang
FREEBSD_TARGET ?= x86_64-unknown-freebsd14.1
CROSS_FLAGS =	--target=$(FREEBSD_TARGET) --sysroot=$(FREEBSD_SYSROOT) \
		-I=/usr/local/include $(CSTD) $(WARNS) \
		-Werror=implicit-function-declaration -fsyntax-only \
		-I$(LIBPKTKIT_DIR)

cross-freebsd:
	@if [ -z "$(FREEBSD_SYSROOT)" ]; then \
		echo "cross-freebsd: skipped: FREEBSD_SYSROOT is not set"; \
		exit 0; \
	fi; \
	files=`sh share/mk/srcs.sh $(LIBPKTKIT_DIR) freebsd | \
	    sed 's,^,$(LIBPKTKIT_DIR)/,'`; \
	files="$$files `find tools bench fuzz -name '*.c' \
	    ! -name '*_linux.c' | sort`"; \
	files="$$files `cd tests && $(MAKE) -s srcs TAG=freebsd | \
	    grep '\.c$$' | sed 's,^,tests/,'`"; \
	n=0; bad=0; \
	for f in $$files; do \
		n=$$((n + 1)); \
		$(CROSS_CC) $(CROSS_FLAGS) $$f || bad=$$((bad + 1)); \
	done; \
	echo "cross-freebsd: $$n files, $$bad failed"; \
	[ $$bad -eq 0 ]

.PHONY: all install clean lint-man check check-sanitize check-long bench \
	fuzz fuzz-regress cross-freebsd
