#!/bin/sh
# Before the disk image is rebuilt (mkfs/mkfs.mk): if Quill has written to
# the old one since it was built (its checksum is not the one recorded at
# build time), keep it as IMAGE.prev and say so, and why it is rebuilt.
#
#   scripts/keep-old-image.sh IMAGE "CHANGED PREREQUISITES"
#   scripts/keep-old-image.sh --record IMAGE      (after a build: note its checksum)
set -e
if [ "$1" = "--record" ]; then
    sha1sum "$2" | cut -d' ' -f1 > "$2.sum"
    exit 0
fi
img=$1
why=$2
[ -f "$img" ] || exit 0
if [ -f "$img.sum" ] && [ "$(sha1sum "$img" | cut -d' ' -f1)" = "$(cat "$img.sum")" ]; then
    exit 0 # never written since it was built: nothing to keep
fi
mv "$img" "$img.prev"
changed=$(for f in $why; do basename "$f"; done | head -5 | tr '\n' ' ')
echo "*** $img is rebuilt from rootfs/ and the programs, because these changed: ${changed:-?}"
echo "*** The old image held what Quill wrote to it (your files): it is kept as $img.prev"
echo "***   boot it with: make qemu FS_IMG=$img.prev    look inside: build/mkfs/fsck -v $img.prev"
echo "***   your files into the new image (with the new /bin): make update-fs FROM=$img.prev"
echo "***   files that every new image should have belong under rootfs/"
