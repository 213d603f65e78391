#!/bin/sh
# soak.sh: no false leak reports.  Runs soak_helper's clean case
# SOAK_CASES times (default 1000) under kyua at parallelism 1, then at
# parallelism 2, and with SOAK_EXCLUSIVE=1 once more at parallelism 1
# with the kernel object counts compared after every case.  For each run
# it prints the cases run, passed and failed (broken ones included), the
# failures that were leak reports, the passing cases that wrote anything
# on stderr, and the wall time.  Exits non-zero unless every case of
# every run passed with an empty stderr.
#
# Run by "make soak" after "make all".
set -u

here=$(cd "$(dirname "$0")" && pwd)
n=${SOAK_CASES:-1000}
work=$(mktemp -d "${TMPDIR:-/tmp}/pktkit-soak.XXXXXX") || exit 2
ln -s "$here/soak_helper" "$work/soak_helper" || exit 2
cat > "$work/Kyuafile" <<EOF
syntax(2)

test_suite("pktkit")

atf_test_program{name="soak_helper"}
EOF

rc=0

# soak_run name parallelism [kyua options...]
soak_run() {
	name=$1
	par=$2
	shift 2
	out=$work/$name.out
	db=$work/$name.db
	t0=$(date +%s.%N)
	PKTKIT_SOAK_CASES=$n kyua --logfile="$work/$name.log" \
	    -v parallelism="$par" "$@" test --kyuafile="$work/Kyuafile" \
	    --results-file="$db" >"$out" 2>&1
	t1=$(date +%s.%N)
	total=$(grep -c -e '->  ' "$out")
	passed=$(grep -c -e '->  passed' "$out")
	bad=$((total - passed))
	leaks=$(grep -e '->  ' "$out" | grep -v -e '->  passed' | \
	    grep -c -e 'leak')
	noisy=$(kyua report --results-file="$db" --verbose \
	    --results-filter=passed 2>/dev/null | grep -c '^Standard error:')
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	echo "soak $name: $total cases at parallelism $par: $passed passed," \
	    "$bad failed ($leaks leak reports), $noisy passed with stderr;" \
	    "wall time ${wall} s"
	if [ "$total" -ne "$n" ] || [ "$bad" -ne 0 ] || [ "$noisy" -ne 0 ]
	then
		grep -e '->  ' "$out" | grep -v -e '->  passed' | head -n 20
		rc=1
	fi
}

soak_run p1 1
soak_run p2 2
if [ "${SOAK_EXCLUSIVE:-0}" = 1 ]; then
	soak_run p1-exclusive 1 -v test_suites.pktkit.pktkit_exclusive=true
fi

if [ "$rc" -eq 0 ]; then
	rm -rf "$work"
else
	echo "soak: results in $work"
fi
exit "$rc"
