#!/bin/sh
# kyua-run.sh kyuafile [kyua test options...]
#
# Run a test suite under kyua, show what failed, and end with the line CI
# reads: "N passed, N failed, N skipped" (broken cases count as failed).
# Exits non-zero if any case failed or was broken, or kyua itself failed.
#
# KYUA_PARALLELISM (default 2) sets kyua's parallelism; KYUA_VARS holds
# extra "-v name=value" options (test_suites.pktkit.* reach the tests).
set -u
kyuafile=$1
shift

work=$(mktemp -d "${TMPDIR:-/tmp}/pktkit-kyua.XXXXXX") || exit 2
db=$work/results.db
par=${KYUA_PARALLELISM:-2}

# shellcheck disable=SC2086
kyua --logfile="$work/kyua.log" -v parallelism="$par" ${KYUA_VARS:-} \
    test --kyuafile="$kyuafile" --results-file="$db" "$@" \
    >"$work/test.out" 2>&1
rc=$?
grep -v -e '->  passed' -e '^Results saved' "$work/test.out" | \
    grep -e '->' | sed 's/^/  /'

summary=$(kyua report --results-file="$db" 2>/dev/null | \
    sed -n 's/^Test cases: //p')
if [ -z "$summary" ]; then
	cat "$work/test.out"
	echo "kyua produced no results (exit $rc); logs in $work"
	echo "0 passed, 1 failed"
	exit 2
fi
# "T total, S skipped, X expected failures, B broken, F failed"
set -- $(echo "$summary" | tr -cs '0-9' ' ')
total=$1 skipped=$2 xfail=$3 broken=$4 failed=$5
# A case that passed but wrote to stderr is a failure here: nothing on
# stderr on success is one of pktkit's promises, and this is where the
# whole suite keeps it.  (An expected failure reports its failed check
# on stderr, as atf does; only passed cases are held to this.)
noisy=$(kyua report --results-file="$db" --verbose \
    --results-filter=passed 2>/dev/null | awk '
	/^===> [^ ]+:[^ ]+$/ { tc = $2 }
	/^Standard error:/ && tc != "" { print tc; tc = "" }')
nnoisy=0
for tc in $noisy; do
	echo "  $tc  ->  passed but wrote to stderr"
	nnoisy=$((nnoisy + 1))
done

# An expected failure (a known kernel bug, atf_tc_expect_fail) is a good
# result, as kyua counts it; it runs and would notice the fix.
passed=$((total - skipped - broken - failed - nnoisy))
bad=$((broken + failed + nnoisy))
if [ "$bad" -ne 0 ]; then
	echo
	kyua report --results-file="$db" --verbose \
	    --results-filter=broken,failed 2>/dev/null | \
	    sed -n '/^===> Failed\|^===> Broken\|^===> .*:.*/,$p' | \
	    grep -v '^[A-Z_][A-Z_0-9]*=' | head -n 400
	echo "results in $db"
fi
echo "$passed passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ] && [ "$rc" -eq 0 ] || exit 1
# Nothing failed: nothing to look at later.
rm -rf "$work"
exit 0
