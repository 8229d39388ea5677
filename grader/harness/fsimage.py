"""grader/harness/fsimage.py: FAT32 disk images for lab 06, made and checked with the real tools.

Images are made by dosfstools (mkfs.fat -F 32) and filled by mtools (mmd, mcopy); they
are checked by `fsck.fat -n` and read back by mcopy. A small read-only FAT32 parser
(Volume) finds where a file's clusters and directory entry are, so that the corruption
helpers can damage exactly one file, or the boot sector, in a way that is certain to
be wrong (each is proved wrong by fsck.fat in grader/meta/test_fsimage.py).
Also here: the programs' generators (fswrite, fsfill) and FNV-1a, as the lab 06 spec
gives them, so the grader computes every expected value itself.
"""
import os
import re
import shutil
import struct
import subprocess
import tempfile

from .seeded import MASK, SplitMix64

SECTOR = 512
# With 512-byte clusters, 33 MiB is the smallest whole-MiB FAT32 volume mkfs.fat makes
# without warning (FAT32 needs >= 65525 clusters; 32 MiB gives fewer).
MIN_MIB = 33
FAT_EOC = 0x0FFFFFF8     # entries >= this end a chain
FAT_BAD = 0x0FFFFFF7
FAT_MASK = 0x0FFFFFFF
FSINFO_LEAD, FSINFO_STRUCT, FSINFO_TRAIL = 0x41615252, 0x61417272, 0xAA550000

EIO, ENOSPC, ENODEV = -5, -28, -19


class ImageError(Exception):
    """A host tool failed, or an image is not what it should be."""


def tool_env():
    # MTOOLS_SKIP_CHECK: mtools would refuse some valid geometries; MTOOLSRC: no user config.
    return dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLSRC="/dev/null", LC_ALL="C.UTF-8")


def _run(cmd, input=None, text=False):
    try:
        r = subprocess.run(cmd, input=input, capture_output=True, env=tool_env(), timeout=120,
                           stdin=None if input is not None else subprocess.DEVNULL)
    except FileNotFoundError:
        raise ImageError("%s is not installed (apt-get install dosfstools mtools)" % cmd[0])
    if r.returncode != 0:
        raise ImageError("%s failed (status %d):\n%s" % (" ".join(cmd), r.returncode,
                                                         (r.stdout + r.stderr).decode("utf-8", "replace")))
    return r.stdout.decode("utf-8", "replace") if text else r.stdout


# ---- the generators the programs share with the grader --------------------------------
def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def stream(seed, size):
    """The first `size` bytes of SplitMix64(seed)'s outputs, each little-endian."""
    rng = SplitMix64(seed)
    words = (size + 7) // 8
    return b"".join(rng.next().to_bytes(8, "little") for _ in range(words))[:size]


def fswrite_plan(seed):
    """fswrite(seed): (top dir, [sub dirs], [(path, content)]) in generation order."""
    rng = SplitMix64(seed)
    top = "/w%08x" % (seed & 0xFFFFFFFF)
    dirs, files = [], []
    for d in range(1 + rng.below(3)):
        dname = "sub-%d-%04x" % (d, rng.below(0x10000))
        dirs.append("%s/%s" % (top, dname))
        for i in range(2 + rng.below(5)):
            tag = rng.below(1 << 24)
            size = rng.below(20000)
            fseed = rng.next()
            name = "File number %d of %s with a long name %06x.dat" % (i, dname, tag)
            files.append(("%s/%s/%s" % (top, dname, name), stream(fseed, size)))
    return top, dirs, files


def fsfill_stream(seed, size):
    """The first `size` bytes fsfill(seed) writes to /fill.bin."""
    return stream(seed, size)


# ---- trees ---------------------------------------------------------------------------
BAD_NAME_CHARS = set('"*/:<>?\\|')


def check_tree(tree):
    """Reject trees FAT cannot hold as given (the test would be wrong, not the kernel)."""
    seen = {}
    for path in tree:
        if not path.startswith("/") or path in ("/", "//"):
            raise ImageError("tree path %r must start with '/' and name something" % path)
        for part in path.strip("/").split("/"):
            if (not part or part in (".", "..") or len(part) > 255 or part[-1] in " ." or part[0] == " "
                    or any(c in BAD_NAME_CHARS or ord(c) < 32 for c in part)):
                raise ImageError("tree path %r: %r is not a FAT long name this grader uses" % (path, part))
        key = path.rstrip("/").lower()
        if key in seen:
            raise ImageError("tree paths %r and %r differ only in case: FAT names ignore case" % (seen[key], path))
        seen[key] = path


def tree_dirs(tree):
    """Every directory of `tree` (declared, or implied by a path under it), parents first,
    without trailing '/', root excluded."""
    out = []
    for path in tree:
        parts = path.strip("/").split("/")
        upto = len(parts) if path.endswith("/") else len(parts) - 1
        for n in range(1, upto + 1):
            d = "/" + "/".join(parts[:n])
            if d not in out:
                out.append(d)
    return sorted(out, key=lambda d: d.count("/"))  # stable: order of appearance per depth


def tree_files(tree):
    return [(p, bytes(v)) for p, v in tree.items() if not p.endswith("/")]


def expected_listing(tree):
    """{dir path: entry count} (root is "/") and {file path: bytes} of `tree`."""
    dirs = {"/": 0}
    for d in tree_dirs(tree):
        dirs[d] = 0
    for d in dirs:
        if d != "/":
            dirs[d.rsplit("/", 1)[0] or "/"] += 1
    files = dict(tree_files(tree))
    for p in files:
        dirs[p.rsplit("/", 1)[0] or "/"] += 1
    return dirs, files


# ---- making, checking and reading images with the real tools --------------------------
def make_image(path, size_mib=MIN_MIB, tree=None, sectors_per_cluster=1, volume_id=0x5EED0006):
    """A fresh FAT32 image of size_mib MiB at `path`, holding `tree`
    ({"/dir/": None, "/dir/a long name.txt": b"bytes"}), checked clean by fsck.fat."""
    if os.path.exists(path):
        os.unlink(path)
    out = _run(["mkfs.fat", "-F", "32", "-C", "-S", str(SECTOR), "-s", str(sectors_per_cluster),
                "-i", "%08x" % volume_id, "--invariant", path, str(size_mib * 1024)], text=True)
    if "warning" in out.lower():
        raise ImageError("mkfs.fat warned (pick a larger size or smaller clusters):\n%s" % out)
    if tree:
        populate(path, tree)
    ok, report = fsck(path)
    if not ok:
        raise ImageError("the image just made is not clean:\n%s" % report)
    return path


def populate(path, tree):
    """Add `tree` to the image: directories by mmd (parents first), then each directory's
    files by one mcopy, in the order the tree lists them."""
    check_tree(tree)
    dirs = tree_dirs(tree)
    if dirs:
        _run(["mmd", "-i", path] + ["::" + d for d in dirs])
    groups = {}
    for p, data in tree_files(tree):
        parent, name = p.rsplit("/", 1)
        groups.setdefault(parent or "/", []).append((name, data))
    with tempfile.TemporaryDirectory(prefix="squall-fs-") as staging:
        for n, (parent, items) in enumerate(groups.items()):
            where = os.path.join(staging, str(n))
            os.mkdir(where)
            sources = []
            for name, data in items:
                source = os.path.join(where, name)
                with open(source, "wb") as f:
                    f.write(data)
                sources.append(source)
            _run(["mcopy", "-i", path, "-Q"] + sources + ["::" + parent.rstrip("/") + "/"])


def fsck(path):
    """(clean, output) of `fsck.fat -n`: clean means status 0 and nothing reported but the
    banner, the summary and an FSInfo free count left 'uninitialized' (legal in FAT32)."""
    r = subprocess.run(["fsck.fat", "-n", path], capture_output=True, env=tool_env(), timeout=120,
                       stdin=subprocess.DEVNULL)
    output = (r.stdout + r.stderr).decode("utf-8", "replace")
    informational = [r"fsck\.fat \d.*", r".*: \d+ files, \d+/\d+ clusters",
                     r"Free cluster summary uninitialized \(should be \d+\)", r""]
    problems = [l for l in output.splitlines() if not any(re.fullmatch(p, l.strip()) for p in informational)]
    return r.returncode == 0 and not problems, output


def read_file(path, fat_path):
    """The bytes of `fat_path` in the image, read by mcopy (binary, no conversion)."""
    return _run(["mcopy", "-i", path, "-n", "::" + fat_path, "-"])


def list_tree(path):
    """Every path in the image, by `mdir -/ -b` (directories end with '/'), sorted."""
    out = _run(["mdir", "-i", path, "-/", "-b", "::/"], text=True)
    return sorted(l[2:] if l.startswith("::") else l for l in out.splitlines() if l.strip())


# ---- seeded trees ----------------------------------------------------------------------
WORDS = ["alpha", "Beta", "gamma", "Delta", "kernel", "Page", "trap", "Queue", "virtio", "Block", "cache", "Sector",
         "cluster", "Chain", "root", "Inode", "report", "Notes", "draft", "Final"]


def _words(rng, n):
    return " ".join(WORDS[rng.below(len(WORDS))] for _ in range(n))


def seeded_tree(seed, many=40, big_max=200 * 1024):
    """A seeded tree for fsread: nested directories, long names (spaces, mixed case, > 13
    characters, one of ~80), 8.3 names (upper case, and lower case kept by NT flags), an
    empty file, an empty directory, files of many clusters (up to big_max bytes, some on
    cluster boundaries) and a directory of `many` files."""
    rng = SplitMix64(seed ^ 0xF5F5)
    tag = lambda: "%04x" % rng.below(0x10000)  # noqa: E731
    t = {}
    t["/README.TXT"] = stream(rng.next(), 100 + rng.below(900))
    t["/notes.txt"] = stream(rng.next(), rng.below(600))
    t["/Empty file %s" % tag()] = b""
    t["/Empty Directory %s/" % tag()] = None
    top = "/Documents and Settings %s" % tag()
    mid = top + "/Deeply Nested Directory"
    low = mid + "/level three %s" % tag()
    t[top + "/"] = None
    t[mid + "/"] = None
    t[low + "/"] = None
    t[top + "/%s %s.txt" % (_words(rng, 3), tag())] = stream(rng.next(), rng.below(5000))
    t[mid + "/Mixed Case Name %s.Bin" % tag()] = stream(rng.next(), 512 * (1 + rng.below(8)))  # whole clusters
    t[low + "/deep %s.dat" % tag()] = stream(rng.next(), 513 + rng.below(3000))
    long_name = "A very long file name with spaces that goes on and on %s %s" % (_words(rng, 2), tag())
    long_name = (long_name + " padding" * 10)[:76] + ".txt"
    t[low + "/" + long_name.replace("  ", " ")] = stream(rng.next(), rng.below(3000))
    for i in range(3):
        size = big_max - rng.below(big_max // 2) if i == 0 else rng.below(big_max)
        if i == 2:
            size -= size % 4096  # ends exactly on a 4 KiB read
        t["/Big file %d %s.bin" % (i, tag())] = stream(rng.next(), size)
    many_dir = "/Many files %s" % tag()
    t[many_dir + "/"] = None
    for i in range(many):
        t["%s/file %02d %s.bin" % (many_dir, i, tag())] = stream(rng.next(), rng.below(3000))
    check_tree(t)
    return t


# ---- a read-only FAT32 parser, for the corruption helpers ------------------------------
class Entry:
    """One directory entry (its short entry's fields) and where it lies in the image."""

    def __init__(self, name, attr, first_cluster, size, offset):
        self.name, self.attr, self.first_cluster, self.size, self.offset = name, attr, first_cluster, size, offset

    @property
    def is_dir(self):
        return bool(self.attr & 0x10)


class Volume:
    """The geometry of a FAT32 image (bytes), its FAT and its directories."""

    def __init__(self, data):
        self.data = data
        b = data
        if len(b) < SECTOR or b[510:512] != b"\x55\xaa":
            raise ImageError("no boot sector signature")
        (self.bytes_per_sector,) = struct.unpack_from("<H", b, 11)
        self.sectors_per_cluster = b[13]
        (self.reserved,) = struct.unpack_from("<H", b, 14)
        self.num_fats = b[16]
        (self.total_sectors,) = struct.unpack_from("<I", b, 32)
        (self.fat_size,) = struct.unpack_from("<I", b, 36)
        (self.root_cluster,) = struct.unpack_from("<I", b, 44)
        (self.fsinfo_sector,) = struct.unpack_from("<H", b, 48)
        (self.backup_sector,) = struct.unpack_from("<H", b, 50)
        if self.bytes_per_sector != SECTOR or self.num_fats == 0 or self.fat_size == 0:
            raise ImageError("not a FAT32 volume this parser reads")
        self.cluster_bytes = self.sectors_per_cluster * SECTOR
        self.data_start = self.reserved + self.num_fats * self.fat_size
        self.cluster_count = (self.total_sectors - self.data_start) // self.sectors_per_cluster
        self.max_cluster = self.cluster_count + 1

    @classmethod
    def open(cls, path):
        with open(path, "rb") as f:
            return cls(f.read())

    def fat_offset(self, cluster, copy=0):
        return (self.reserved + copy * self.fat_size) * SECTOR + 4 * cluster

    def fat(self, cluster):
        return struct.unpack_from("<I", self.data, self.fat_offset(cluster))[0] & FAT_MASK

    def cluster_offset(self, cluster):
        return (self.data_start + (cluster - 2) * self.sectors_per_cluster) * SECTOR

    def chain(self, first):
        """The clusters of a sound chain; ImageError on a loop or a bad link."""
        out, seen, c = [], set(), first
        while True:
            if not 2 <= c <= self.max_cluster or c in seen:
                raise ImageError("bad chain from cluster %d at %d" % (first, c))
            out.append(c)
            seen.add(c)
            c = self.fat(c)
            if c >= FAT_EOC:
                return out

    def free_clusters(self):
        """Free entries of the first FAT (what FSInfo's free count must say)."""
        fat = self.data[self.fat_offset(0):self.fat_offset(self.max_cluster + 1)]
        entries = struct.unpack("<%dI" % (len(fat) // 4), fat)
        return sum(1 for v in entries[2:] if v & FAT_MASK == 0)

    def fsinfo_free(self):
        return struct.unpack_from("<I", self.data, self.fsinfo_sector * SECTOR + 488)[0]

    def entries(self, first_cluster):
        """The entries of a directory (no '.', '..', volume label or deleted entries)."""
        out, lfn = [], {}
        for c in self.chain(first_cluster):
            base = self.cluster_offset(c)
            for off in range(base, base + self.cluster_bytes, 32):
                e = self.data[off:off + 32]
                if e[0] == 0:
                    return out
                if e[0] == 0xE5:
                    lfn = {}
                    continue
                attr = e[11]
                if attr & 0x3F == 0x0F:
                    seq = e[0] & 0x1F
                    units = (struct.unpack_from("<5H", e, 1) + struct.unpack_from("<6H", e, 14)
                             + struct.unpack_from("<2H", e, 28))
                    lfn[seq] = (units, e[13])
                    continue
                if attr & 0x08 or e[0:11] in (b".          ", b"..         "):
                    lfn = {}
                    continue
                name = self._short_name(e)
                checksum = 0
                for ch in e[0:11]:
                    checksum = (((checksum & 1) << 7) + (checksum >> 1) + ch) & 0xFF
                if lfn and all(v[1] == checksum for v in lfn.values()) and sorted(lfn) == list(range(1, len(lfn) + 1)):
                    units = [u for k in sorted(lfn) for u in lfn[k][0]]
                    units = units[:units.index(0)] if 0 in units else units
                    name = "".join(chr(u) for u in units if u != 0xFFFF)
                lfn = {}
                hi, lo = struct.unpack_from("<H", e, 20)[0], struct.unpack_from("<H", e, 26)[0]
                out.append(Entry(name, attr, hi << 16 | lo, struct.unpack_from("<I", e, 28)[0], off))
        return out

    @staticmethod
    def _short_name(e):
        base, ext = e[0:8].decode("latin-1").rstrip(), e[8:11].decode("latin-1").rstrip()
        if base.startswith("\x05"):
            base = "\xe5" + base[1:]
        if e[12] & 0x08:
            base = base.lower()
        if e[12] & 0x10:
            ext = ext.lower()
        return base + ("." + ext if ext else "")

    def walk(self):
        """{path: Entry} of every file and directory under the root."""
        out = {}

        def visit(cluster, prefix):
            for e in self.entries(cluster):
                p = prefix + "/" + e.name
                out[p] = e
                if e.is_dir:
                    visit(e.first_cluster, p)
        visit(self.root_cluster, "")
        return out


def free_bytes(path):
    """Free space of the image, counted from its FAT: (free clusters, bytes per cluster)."""
    v = Volume.open(path)
    return v.free_clusters(), v.cluster_bytes


def make_full_image(path, seed, free_clusters_min=40, free_clusters_spread=200):
    """An image whose free space is only a seeded handful of clusters: /filler.bin takes
    the rest. Returns (free clusters, bytes per cluster), counted from the FAT."""
    make_image(path)
    free, cluster = free_bytes(path)
    rng = SplitMix64(seed ^ 0xF111)
    keep = free_clusters_min + rng.below(free_clusters_spread)
    populate(path, {"/filler.bin": bytes((free - keep) * cluster)})
    ok, report = fsck(path)
    if not ok:
        raise ImageError("the filled image is not clean:\n%s" % report)
    return free_bytes(path)


# ---- corruption ------------------------------------------------------------------------
class Mutation:
    """One corruption of an image: what it is and what a correct kernel must then do.

    must_refuse_mount: the boot sector (or the device) is invalid: `fs mount failed`.
    may_refuse_mount: refusing to mount is allowed, mounting and reading every file is too.
    affected: files whose open or read must fail (EIO); every other file must still read
    correctly, and every directory must list all its entries.
    """

    def __init__(self, kind, description, affected=(), must_refuse_mount=False, may_refuse_mount=False):
        self.kind = kind
        self.description = description
        self.affected = tuple(affected)
        self.must_refuse_mount = must_refuse_mount
        self.may_refuse_mount = may_refuse_mount or must_refuse_mount

    def __repr__(self):
        return "Mutation(%s: %s)" % (self.kind, self.description)


def _patch(path, offset, fmt, value):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(struct.pack(fmt, value))


def _set_fat(path, v, cluster, value):
    """Set a FAT entry in every copy of the FAT (keeping its top 4 reserved bits)."""
    old = struct.unpack_from("<I", v.data, v.fat_offset(cluster))[0]
    for k in range(v.num_fats):
        _patch(path, v.fat_offset(cluster, k), "<I", (old & ~FAT_MASK & 0xFFFFFFFF) | (value & FAT_MASK))


def _pick_file(v, rng, min_clusters):
    files = sorted((p, e) for p, e in v.walk().items() if not e.is_dir and e.size > 0)
    files = [(p, e) for p, e in files if len(v.chain(e.first_cluster)) >= min_clusters]
    if not files:
        raise ImageError("no file of >= %d clusters to corrupt" % min_clusters)
    return files[rng.below(len(files))]


# The boot sector fields are patched in sector 0 only (the backup in sector 6 stays
# good, as after a bad write): the kernel reads sector 0; fsck.fat reports the copies
# differ, on top of what it finds wrong with the field itself.
def _bpb_bytes_per_sector(path, v, rng):
    value = [256, 1024, 2048, 4096][rng.below(4)]
    _patch(path, 11, "<H", value)
    return "bytes per sector %d (the device's sectors are 512)" % value


def _bpb_sectors_per_cluster(path, v, rng):
    value = [3, 5, 6, 7, 9, 12, 24, 48, 96, 255][rng.below(10)]
    _patch(path, 13, "B", value)
    return "sectors per cluster %d, not a power of two" % value


def _bpb_num_fats(path, v, rng):
    _patch(path, 16, "B", 0)
    return "number of FATs 0"


def _bpb_root_cluster(path, v, rng):
    value = [0, 1, v.max_cluster + 1 + rng.below(100000)][rng.below(3)]
    _patch(path, 44, "<I", value)
    return "root cluster %d (valid: 2..%d)" % (value, v.max_cluster)


def _bpb_boot_signature(path, v, rng):
    value = rng.below(0x10000)
    if value == 0xAA55:
        value = 0
    _patch(path, 510, "<H", value)
    return "boot sector signature %02x %02x, not 55 aa" % (value & 0xFF, value >> 8)


def _bpb_total_sectors(path, v, rng):
    device = os.path.getsize(path) // SECTOR
    value = device + v.sectors_per_cluster * (64 + rng.below(device))
    _patch(path, 32, "<I", value)
    return "total sectors %d, the device has %d" % (value, device)


def _fsinfo_signature(path, v, rng):
    offset = [0, 484, 508][rng.below(3)]
    value = rng.next() & 0xFFFFFFFF
    if value in (FSINFO_LEAD, FSINFO_STRUCT, FSINFO_TRAIL):
        value ^= 1
    _patch(path, v.fsinfo_sector * SECTOR + offset, "<I", value)
    return "FSInfo signature at byte %d is %08x" % (offset, value)


def _fat_loop(path, v, rng):
    p, e = _pick_file(v, rng, 2)
    chain = v.chain(e.first_cluster)
    k = rng.below(len(chain))
    j = rng.below(k + 1)  # j == k: the entry points to itself
    _set_fat(path, v, chain[k], chain[j])
    return p, "the chain of %s (%d clusters) loops: cluster #%d (%d) -> #%d (%d)" % (
        p, len(chain), k, chain[k], j, chain[j])


def _fat_past_end(path, v, rng):
    p, e = _pick_file(v, rng, 2)
    chain = v.chain(e.first_cluster)
    k = rng.below(len(chain) - 1)
    value = v.max_cluster + 1 + rng.below(min(1 << 20, 0x0FFFFFEF - v.max_cluster - 1))
    _set_fat(path, v, chain[k], value)
    return p, "in the chain of %s, cluster #%d (%d) -> %d, past the last cluster %d" % (
        p, k, chain[k], value, v.max_cluster)


def _fat_free_in_chain(path, v, rng):
    p, e = _pick_file(v, rng, 3)
    chain = v.chain(e.first_cluster)
    k = 1 + rng.below(len(chain) - 2)  # neither the first nor the last
    _set_fat(path, v, chain[k], 0)
    return p, "in the chain of %s (%d clusters), cluster #%d (%d) is marked free" % (p, len(chain), k, chain[k])


def _dirent_first_cluster(path, v, rng):
    p, e = _pick_file(v, rng, 1)
    value = [1, v.max_cluster + 1 + rng.below(100000)][rng.below(2)]
    _patch(path, e.offset + 20, "<H", value >> 16)
    _patch(path, e.offset + 26, "<H", value & 0xFFFF)
    return p, "the entry of %s names first cluster %d (valid: 2..%d)" % (p, value, v.max_cluster)


def _dirent_size(path, v, rng):
    p, e = _pick_file(v, rng, 1)
    have = len(v.chain(e.first_cluster)) * v.cluster_bytes
    value = have + v.cluster_bytes * (1 + rng.below(1000)) + rng.below(v.cluster_bytes)
    _patch(path, e.offset + 28, "<I", value)
    return p, "the entry of %s says %d bytes, its chain holds %d" % (p, value, have)


def _truncate(path, v, rng):
    total = v.total_sectors
    keep = total // 2 + rng.below(total - total // 2)  # total/2 .. total-1 sectors
    os.truncate(path, keep * SECTOR)
    return "image truncated to %d of its %d sectors" % (keep, total)


# kind: (group, function, what the kernel must do)
KINDS = {
    "bpb_bytes_per_sector": ("bpb", _bpb_bytes_per_sector, "refuse"),
    "bpb_sectors_per_cluster": ("bpb", _bpb_sectors_per_cluster, "refuse"),
    "bpb_num_fats": ("bpb", _bpb_num_fats, "refuse"),
    "bpb_root_cluster": ("bpb", _bpb_root_cluster, "refuse"),
    "bpb_boot_signature": ("bpb", _bpb_boot_signature, "refuse"),
    "bpb_total_sectors": ("bpb", _bpb_total_sectors, "refuse"),
    "fsinfo_signature": ("fsinfo", _fsinfo_signature, "either"),
    "fat_loop": ("fat", _fat_loop, "file"),
    "fat_past_end": ("fat", _fat_past_end, "file"),
    "fat_free_in_chain": ("fat", _fat_free_in_chain, "file"),
    "dirent_first_cluster": ("dirent", _dirent_first_cluster, "file"),
    "dirent_size": ("dirent", _dirent_size, "file"),
    "truncate": ("truncate", _truncate, "refuse"),
}


def corrupt(src, dst, kind, seed):
    """Copy the clean image `src` to `dst` and apply the seeded corruption `kind`;
    return its Mutation."""
    group, function, rule = KINDS[kind]
    shutil.copyfile(src, dst)
    v = Volume.open(src)
    rng = SplitMix64(seed ^ 0xBAD0 ^ sum(map(ord, kind)))
    result = function(dst, v, rng)
    if rule == "file":
        affected, description = result
        return Mutation(kind, description, affected=[affected])
    return Mutation(kind, result, must_refuse_mount=rule == "refuse", may_refuse_mount=rule == "either")


def seeded_kinds(seed):
    """Three kinds chosen by the seed: one boot sector kind, one FAT kind, and one
    directory-entry kind or a truncated image."""
    rng = SplitMix64(seed ^ 0xC0DE)
    pools = [[k for k, v in KINDS.items() if v[0] == "bpb"],
             [k for k, v in KINDS.items() if v[0] == "fat"],
             [k for k, v in KINDS.items() if v[0] in ("dirent", "truncate")]]
    return [pool[rng.below(len(pool))] for pool in pools]


# ---- the students' disk (tools/mkdisk.py) and the benchmark disk -------------------------
DEMO_TREE = {
    "/README.TXT": b"Squall lab 06: this FAT32 disk was made by tools/mkdisk.py (mkfs.fat + mtools).\n",
    "/hello.txt": b"hello from the disk\n",
    "/docs/": None,
    "/docs/A long file name with spaces.txt": b"VFAT long names: up to 255 UCS-2 characters, any case.\n",
    "/docs/nested/": None,
    "/docs/nested/deep.txt": b"three levels down\n",
}


def bench_files():
    """/big.bin (8 MiB) and /small.bin (4 KiB), what fsbench reads (content irrelevant)."""
    pattern = bytes(range(256))
    return {"/big.bin": pattern * (8 * 1024 * 1024 // 256), "/small.bin": pattern[::-1] * 16}


def tree_from_directory(top):
    """The tree of a host directory: {"/sub/": None, "/sub/file": bytes}, symlinks followed."""
    tree = {}
    for d, dirs, names in os.walk(top, followlinks=True):
        dirs.sort()
        rel = os.path.relpath(d, top)
        prefix = "" if rel == "." else "/" + rel.replace(os.sep, "/")
        if prefix:
            tree[prefix + "/"] = None
        for name in sorted(names):
            with open(os.path.join(d, name), "rb") as f:
                tree[prefix + "/" + name] = f.read()
    return tree


def make_disk(path, tree=None, with_bench_files=True, size_mib=None, cluster_bytes=SECTOR):
    """A disk for `make qemu` / `make bench`: `tree` (default DEMO_TREE) plus fsbench's
    files, on the smallest FAT32 volume that holds it (or size_mib). Returns the path."""
    tree = dict(DEMO_TREE if tree is None else tree)
    if with_bench_files:
        for p, data in bench_files().items():
            tree.setdefault(p, data)
    spc = cluster_bytes // SECTOR
    if cluster_bytes % SECTOR or spc & (spc - 1) or not 1 <= spc <= 128:
        raise ImageError("cluster size %d: must be 512 times a power of two, at most 64 KiB" % cluster_bytes)
    content = sum(len(v) + cluster_bytes for v in tree.values() if v is not None)
    need = max(MIN_MIB * spc, (content * 5 // 4) // (1024 * 1024) + MIN_MIB)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return make_image(path, size_mib or need, tree, sectors_per_cluster=spc)
