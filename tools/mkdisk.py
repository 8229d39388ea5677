#!/usr/bin/env python3
"""tools/mkdisk.py: make a FAT32 disk image for lab 06 (`make disk`; `make qemu` attaches it).

The image is made by the real tools (mkfs.fat, then mtools' mmd/mcopy), checked with
fsck.fat, and holds either a small demo tree or a host directory you name, plus the two
files fsbench reads (/big.bin, 8 MiB; /small.bin, 4 KiB) unless --no-bench-files.
Needs dosfstools and mtools (apt-get install dosfstools mtools).

  tools/mkdisk.py                          demo tree -> build/disk.img
  tools/mkdisk.py --out build/lab06/disk.img my-files/
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "grader"))
from harness import fsimage  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description="Make a FAT32 disk image for Squall lab 06.")
    ap.add_argument("directory", nargs="?", help="host directory to copy onto the disk (default: a small demo tree)")
    ap.add_argument("--out", default=os.path.normpath(os.path.join(HERE, "..", "build", "disk.img")),
                    help="image path (default: build/disk.img)")
    ap.add_argument("--size", type=int, default=None, help="size in MiB (default: the smallest that fits; >= 33)")
    ap.add_argument("--cluster", type=int, default=512, help="bytes per cluster (512 times a power of two)")
    ap.add_argument("--no-bench-files", action="store_true", help="leave out /big.bin and /small.bin")
    args = ap.parse_args()

    tree = None
    if args.directory:
        if not os.path.isdir(args.directory):
            ap.error("%s is not a directory" % args.directory)
        tree = fsimage.tree_from_directory(args.directory)
    try:
        path = fsimage.make_disk(args.out, tree, with_bench_files=not args.no_bench_files, size_mib=args.size,
                                 cluster_bytes=args.cluster)
    except fsimage.ImageError as e:
        print("mkdisk: %s" % e, file=sys.stderr)
        return 1
    v = fsimage.Volume.open(path)
    print("mkdisk: %s: FAT32, %d MiB, %d clusters of %d bytes, %d free; %d paths (fsck.fat: clean)"
          % (path, os.path.getsize(path) >> 20, v.cluster_count, v.cluster_bytes,
             v.free_clusters(), len(fsimage.list_tree(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
