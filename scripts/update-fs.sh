#!/bin/sh
# Give an existing disk image the new /bin and rootfs/ without losing the
# files written to it (`make update-fs`, docs/fs-format.md):
#
#   scripts/update-fs.sh OLD NEW BUILD
#
# NEW is made by mkfs, the same size as OLD, from
#   rootfs/, with OLD's version of every file OLD has (the student's edits win),
#   + every other file of OLD (its /dev aside: mkfs makes /dev/console),
#   + BUILD/root (the programs of this tree: /bin), which replaces OLD's
#     program of the same name; files OLD has in /bin that BUILD/root does
#     not have are kept,
# and checked with fsck.  OLD is only read (scripts/qfs.py); NEW may be OLD.
set -e
old=$1 new=$2 build=$3
[ -f "$old" ] || { echo "update-fs: $old does not exist (make builds a new image)"; exit 1; }
stage=$build/update-fs
rm -rf "$stage" && mkdir -p "$stage"
cp -a rootfs/. "$stage/"
/usr/bin/python3 scripts/qfs.py extract "$old" "$stage" --skip-in "$build/root"
mb=$(( ($(stat -c %s "$old") + 1048575) / 1048576 ))
"$build/mkfs/mkfs" "$new.tmp" "$mb" "$stage" "$build/root"
"$build/mkfs/fsck" "$new.tmp" >/dev/null || { "$build/mkfs/fsck" "$new.tmp"; rm -f "$new.tmp"; exit 1; }
if [ "$new" = "$old" ]; then
    cp --sparse=always "$old" "$old.prev"
    echo "update-fs: the image before the update is kept as $old.prev"
fi
mv "$new.tmp" "$new"
rm -f "$new.sum" # it holds files Quill wrote: a rebuild keeps it as .prev
rm -rf "$stage"
echo "update-fs: $new has the new /bin and rootfs/, and the other files of $old"
