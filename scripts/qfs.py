#!/usr/bin/python3
"""
Read a QFS disk image on the host (the format: docs/fs-format.md,
kernel/fs/format.h) and copy its files out.

    scripts/qfs.py ls IMAGE                      every path, with type and size
    scripts/qfs.py extract IMAGE DIR [--skip-in TREE]...
                                                 copy the tree into DIR: files
                                                 (mode, mtime), directories,
                                                 symbolic links; not /dev.  A
                                                 path that exists in a TREE is
                                                 left out (the new image gets
                                                 that tree's version)

`make update-fs` uses extract to carry a student's files into an image with
the new /bin.  The reader only reads: it needs an empty journal (a disk that
Quill powered off, or that it mounted since), and refuses an image whose
journal holds a committed transaction (boot it once: mounting replays it).
"""

import os
import struct
import sys

BLOCK = 4096
QFS_MAGIC = 0x51465331
LOG_MAGIC = 0x4C4F4732  # "LOG2" (kernel/fs/format.h: CRC32C commit records)
ROOT_INUM = 1
NDIRECT = 12
PTRS = BLOCK // 4
INODE_SIZE = 128
DIRENT_SIZE = 64
T_FILE, T_DIR, T_SYMLINK, T_DEV = 1, 2, 3, 4
SUPER = struct.Struct("<14IQII")
INODE = struct.Struct("<6HI Q 3q 12I II 6I")


class QfsError(Exception):
    pass


class Image:
    def __init__(self, path):
        self.f = open(path, "rb")
        sb = SUPER.unpack(self.block(1)[:SUPER.size])
        (magic, _version, bsize, self.nblocks, self.ninodes, self.log_start, _log_blocks,
         _imap, _imap_n, _bmap, _bmap_n, self.inode_start, _inode_n, self.data_start) = sb[:14]
        if magic != QFS_MAGIC or bsize != BLOCK:
            raise QfsError(f"{path}: not a QFS image (magic {magic:#x}, block size {bsize})")
        lmagic, n = struct.unpack("<II", self.block(self.log_start)[:8])
        if lmagic == LOG_MAGIC and n != 0:
            raise QfsError(f"{path}: its journal holds a committed transaction that is not "
                           "on the disk yet; boot Quill on it once (mounting replays the "
                           "journal), power off, and try again")

    def block(self, b):
        self.f.seek(b * BLOCK)
        data = self.f.read(BLOCK)
        return data + bytes(BLOCK - len(data))

    def inode(self, inum):
        if not 0 < inum < self.ninodes:
            raise QfsError(f"inode {inum} out of range")
        per = BLOCK // INODE_SIZE
        raw = self.block(self.inode_start + inum // per)
        off = (inum % per) * INODE_SIZE
        v = INODE.unpack(raw[off:off + INODE_SIZE])
        return {"type": v[0], "nlink": v[1], "mode": v[2], "size": v[7], "mtime": v[9],
                "direct": v[11:23], "indirect": v[23], "dindirect": v[24]}

    def _ptrs(self, b):
        if b == 0:
            return [0] * PTRS
        if not self.data_start <= b < self.nblocks:
            raise QfsError(f"block pointer {b} outside the data area")
        return struct.unpack(f"<{PTRS}I", self.block(b))

    def data_blocks(self, ino):
        """The file's block numbers in order (0: a hole), up to its size."""
        need = (ino["size"] + BLOCK - 1) // BLOCK
        out = list(ino["direct"][:need])
        if len(out) < need:
            out += self._ptrs(ino["indirect"])[:need - len(out)]
        if len(out) < need:
            for ind in self._ptrs(ino["dindirect"]):
                out += self._ptrs(ind)[:need - len(out)]
                if len(out) >= need:
                    break
        return out

    def read(self, ino):
        parts = [bytes(BLOCK) if b == 0 else self.block(b) for b in self.data_blocks(ino)]
        return b"".join(parts)[:ino["size"]]

    def entries(self, ino):
        """(name, inum) of a directory, "." and ".." left out."""
        data = self.read(ino)
        for off in range(0, len(data), DIRENT_SIZE):
            inum = struct.unpack("<I", data[off:off + 4])[0]
            name = data[off + 4:off + DIRENT_SIZE].split(b"\0", 1)[0]
            if inum and name not in (b".", b".."):
                yield name.decode("utf-8", "surrogateescape"), inum

    def walk(self, inum=ROOT_INUM, path="", seen=None):
        """(path, inode) of every inode below the directory inum, parents first."""
        seen = set() if seen is None else seen
        if inum in seen:
            raise QfsError(f"{path or '/'}: a directory loop")
        seen.add(inum)
        for name, child in sorted(self.entries(self.inode(inum))):
            ino = self.inode(child)
            yield f"{path}/{name}", ino
            if ino["type"] == T_DIR:
                yield from self.walk(child, f"{path}/{name}", seen)


def extract(img, dest, skip_trees=()):
    """Copy img's tree into dest; returns (files, dirs, links, left out)."""
    counts = [0, 0, 0, 0]
    for path, ino in img.walk():
        rel = path.lstrip("/")
        if rel == "dev" or rel.startswith("dev/"):
            continue
        if ino["type"] != T_DIR and any(os.path.lexists(os.path.join(t, rel))
                                        for t in skip_trees):
            counts[3] += 1
            continue
        out = os.path.join(dest, rel)
        if ino["type"] == T_DIR:
            os.makedirs(out, exist_ok=True)
            os.chmod(out, ino["mode"] & 0o7777 or 0o755)
            counts[1] += 1
        elif ino["type"] == T_SYMLINK:
            if os.path.lexists(out):
                os.remove(out)
            os.symlink(img.read(ino).decode("utf-8", "surrogateescape"), out)
            counts[2] += 1
        elif ino["type"] == T_FILE:
            if os.path.lexists(out) and not os.path.isfile(out):
                raise QfsError(f"{out}: in the way of the image's file {path}")
            with open(out, "wb") as f:
                f.write(img.read(ino))
            os.chmod(out, ino["mode"] & 0o7777 or 0o644)
            t = ino["mtime"] / 1e9
            os.utime(out, (t, t))
            counts[0] += 1
    return counts


def main(argv):
    if len(argv) >= 2 and argv[0] == "ls":
        img = Image(argv[1])
        kinds = {T_FILE: "f", T_DIR: "d", T_SYMLINK: "l", T_DEV: "c"}
        for path, ino in img.walk():
            print(f"{kinds.get(ino['type'], '?')} {ino['mode']:04o} {ino['size']:10d} {path}")
        return 0
    if len(argv) >= 3 and argv[0] == "extract":
        skip, rest = [], argv[3:]
        while rest[:1] == ["--skip-in"] and len(rest) >= 2:
            skip.append(rest[1])
            rest = rest[2:]
        if rest:
            raise SystemExit(__doc__.strip())
        img = Image(argv[1])
        os.makedirs(argv[2], exist_ok=True)
        files, dirs, links, skipped = extract(img, argv[2], skip)
        print(f"qfs: {argv[1]}: {files} files, {dirs} directories, {links} symbolic links "
              f"copied out; {skipped} left out for the new version")
        return 0
    raise SystemExit(__doc__.strip())


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except QfsError as e:
        sys.exit(f"qfs: {e}")
