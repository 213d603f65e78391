#!/bin/sh
# srcs.sh dir tag: list the C sources under dir that build on this OS.
#
# A file named *_linux.c or *_freebsd.c belongs to that OS's side of the
# seam; it is listed only when tag names that OS.  Everything else is
# portable and always listed.
dir=$1
tag=$2
cd "$dir" || exit 1
for f in *.c */*.c; do
	[ -f "$f" ] || continue
	case $f in
	*_linux.c|*_freebsd.c)
		case $f in *_"$tag".c) ;; *) continue ;; esac ;;
	esac
	echo "$f"
done
