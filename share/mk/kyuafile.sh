#!/bin/sh
# kyuafile.sh "progs" "exclusive progs" "subdirs": print a Kyuafile.
#
# kyua (0.13 as Debian ships it) rejects head properties it does not know,
# is.exclusive among them, so exclusivity is declared here, per program.
progs=$1
exclusive=$2
subdirs=$3

echo 'syntax(2)'
echo
echo 'test_suite("pktkit")'
echo
for p in $progs; do
	opts=
	for e in $exclusive; do
		[ "$e" = "$p" ] && opts=', is_exclusive=true'
	done
	case $p in
	*) echo "atf_test_program{name=\"$p\"$opts}" ;;
	esac
done
for d in $subdirs; do
	echo "include(\"$d/Kyuafile\")"
done
