"""grader/test_lab06_async_fs.py: lab 06 (async FAT32 over virtio-blk).

Every disk is a real FAT32 image the grader makes with mkfs.fat and mtools
(harness/fsimage.py) in the test's tmp_path, attached as virtio-blk disk 0. The
programs (fsread, fswrite, fsfill) print what they read and wrote; the grader compares
it with the tree it put on the image, or with what the program's seed generates, and
checks the disk afterwards with fsck.fat and mtools. Line formats: the lab 06 spec.
"""
import os
import re
import secrets

import pytest

from harness import fsimage
from harness.fsimage import EIO, ENODEV, ENOSPC, Volume, fnv1a64
from test_lab02_trap import program_seed, run

BOOT_TIMEOUT = 20  # seconds: the slowest boot takes under 5 here (TIMEOUT_SCALE stretches it)


def grading_seed():
    """The seed of this test (SQUALL_SEED pins it): images are made from it before boot."""
    return int(os.environ.get("SQUALL_SEED", "0"), 0) or secrets.randbits(63)


def boot_fs(boot, programs, image, seed, **options):
    options.setdefault("timeout", BOOT_TIMEOUT)
    return run(boot, programs, drives=[image] if image else [], seed=seed, **options)


def line(r, keyword, pattern):
    """The one `keyword` report line that matches `pattern` in full; its match."""
    found = [m for m in (re.fullmatch(pattern, l) for l in r.reported(keyword)) if m]
    if len(found) != 1:
        r.fail("expected one line '%s %s', got %d (%s lines: %s)"
               % (keyword, pattern, len(found), keyword, r.reported(keyword)[:8]))
    return found[0]


def mount_figures(image):
    """(sectors, clusters, free clusters) of an image, read by the grader before a boot."""
    v = Volume.open(image)
    return v.total_sectors, v.cluster_count, v.free_clusters()


def expect_mount(r, want):
    """`fs mount ok sectors=S clusters=C free=F`, with the figures of mount_figures()."""
    m = line(r, "fs", r"mount (ok sectors=(\d+) clusters=(\d+) free=(\d+)|failed: .*)")
    if not m.group(2):
        r.fail("the kernel did not mount a clean FAT32 image: 'fs %s'" % m.group(0))
    got = tuple(int(m.group(i)) for i in (2, 3, 4))
    if got != want:
        r.fail("fs mount reported sectors=%d clusters=%d free=%d; the image has sectors=%d clusters=%d free=%d"
               % (got + want))


def mount_failed(r):
    m = line(r, "fs", r"mount (ok sectors=\d+ clusters=\d+ free=\d+|failed: (.*))")
    return m.group(1).startswith("failed"), (m.group(2) or "").strip()


def expect_sync_and_stats(r):
    """`fs sync ok`, then `disk stats` with every submitted request completed; returns peak."""
    line(r, "fs", r"sync ok")
    m = line(r, "disk", r"stats submitted=(\d+) completed=(\d+) peak=(\d+)")
    submitted, completed, peak = (int(x) for x in m.groups())
    if submitted != completed or submitted == 0:
        r.fail("disk stats: %d requests submitted, %d completed" % (submitted, completed))
    return peak


# ---- fsread's report -----------------------------------------------------------------
def fsread_lines(r):
    """fsread's lines, parsed: dirs [(path, n)], files [(path, size, fnv)], errors [(path, err)],
    dones [(files, dirs, bytes, errors)]."""
    out = {"dir": [], "file": [], "error": [], "done": []}
    forms = {"dir": r"dir path=(/.*) entries=(\d+)", "file": r"file path=(/.+) size=(\d+) fnv=([0-9a-f]{16})",
             "error": r"error path=(/.*) err=(-\d+)", "done": r"done files=(\d+) dirs=(\d+) bytes=(\d+) errors=(\d+)"}
    for text in r.reported("fsread"):
        kind = text.split(" ", 1)[0]
        m = re.fullmatch(forms[kind], text) if kind in forms else None
        if not m:
            r.fail("fsread line %r has none of the forms of the spec" % text)
        g = m.groups()
        if kind == "file":
            out[kind].append((g[0], int(g[1]), int(g[2], 16)))
        elif kind == "done":
            out[kind].append(tuple(int(x) for x in g))
        else:
            out[kind].append((g[0], int(g[1])))
    return out["dir"], out["file"], out["error"], out["done"]


def check_fsread(r, tree_dirs, tree_files, copies=1, affected=(), writer=None):
    """Every directory of the tree listed with its entry count and every file read with
    its size and FNV, once per fsread process; `affected` files fail with EIO instead.
    tree_dirs values are counts or sets of allowed counts. writer = (top, {path: bytes}):
    a writer running meanwhile; what a reader saw of it must be a prefix of its files."""
    dirs, files, errors, dones = fsread_lines(r)
    problems, missing = [], []
    under = lambda p: writer and (p == writer[0] or p.startswith(writer[0] + "/"))  # noqa: E731
    for path, allowed in tree_dirs.items():
        allowed = allowed if isinstance(allowed, set) else {allowed}
        got = [n for p, n in dirs if p == path]
        if len(got) != copies or any(n not in allowed for n in got):
            problems.append("dir %s: expected %d line(s) 'entries=%s', got %s"
                            % (path, copies, "|".join(map(str, sorted(allowed))), got or "none"))
    for path, data in tree_files.items():
        got = [(s, h) for p, s, h in files if p == path]
        errs = [e for p, e in errors if p == path]
        if path in affected:
            if got or len(errs) != copies or any(e != EIO for e in errs):
                seen = ["size=%d fnv=%016x" % g for g in got] + ["err=%d" % e for e in errs]
                problems.append("%s is corrupted on disk: expected 'fsread error path=%s err=%d' (EIO) x%d, got %s"
                                % (path, path, EIO, copies, ", ".join(seen) or "no line at all"))
            continue
        want = (len(data), fnv1a64(data))
        if not got and not errs:
            missing.append(path)
        elif got != [want] * copies:
            problems.append("%s: expected size=%d fnv=%016x (x%d), got %s%s"
                            % (path, want[0], want[1], copies, ["size=%d fnv=%016x" % g for g in got],
                               " errors %s" % errs if errs else ""))
        elif errs:
            problems.append("%s read correctly, yet fsread also reported err=%s for it" % (path, errs))
    for path, n in dirs:
        if path not in tree_dirs and not under(path):
            problems.append("fsread listed a directory %s that is not on the disk" % path)
    for path, size, h in files:
        if path in tree_files:
            continue
        if under(path) and path in writer[1]:
            data = writer[1][path]
            if size > len(data) or fnv1a64(data[:size]) != h:
                problems.append("%s (being written) read as size=%d fnv=%016x: not a prefix of what fswrite writes"
                                % (path, size, h))
        else:
            problems.append("fsread read a file %s that is not on the disk" % path)
    for path, e in errors:
        if path in tree_dirs:
            problems.append("fsread error on directory %s: err=%d" % (path, e))
        elif path not in tree_files and not under(path):
            problems.append("fsread error on %s (err=%d), a path that is not on the disk" % (path, e))
    if missing:
        problems.insert(0, "fsread reported nothing (no file line, no error) for %d of the %d files, e.g. %s"
                        % (len(missing), len(tree_files), ", ".join(missing[:3])))
    # done: files and dirs count what the walk found; whether a file or directory that
    # failed counts too, the spec leaves open: either is accepted.
    if len(dones) != copies:
        problems.append("expected %d 'fsread done' line(s), got %d" % (copies, len(dones)))
    else:
        f, d, b, e = (sum(x[i] for x in dones) for i in range(4))
        size = sum(s for _, s, _ in files)
        if (b, e) != (size, len(errors)) or not (len(files) <= f <= len(files) + len(errors)
                                                 and len(dirs) <= d <= len(dirs) + len(errors)):
            problems.append("fsread done said files=%d dirs=%d bytes=%d errors=%d in all, but printed %d file lines "
                            "(%d bytes), %d dir lines and %d error lines" % (f, d, b, e, len(files), size, len(dirs),
                                                                             len(errors)))
    if problems:
        r.fail("fsread does not match the tree on the disk (%d problem(s)):\n  %s"
               % (len(problems), "\n  ".join(problems[:15])))


# ---- fswrite -------------------------------------------------------------------------
def expect_fswrite(r, seed):
    """fswrite's file lines (any order) and done line are those its seed gives."""
    top, dirs, files = fsimage.fswrite_plan(seed)
    want = sorted("file path=%s size=%d fnv=%016x" % (p, len(d), fnv1a64(d)) for p, d in files)
    got = sorted(l for l in r.reported("fswrite") if l.startswith("file "))
    if got != want:
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        r.fail("fswrite's file lines differ from what its seed gives: %d of %d missing, %d unexpected\n"
               "  missing e.g. %s\n  unexpected e.g. %s" % (len(missing), len(want), len(extra), missing[:3], extra[:3]))
    line(r, "fswrite", r"done files=%d bytes=%d errors=0" % (len(files), sum(len(d) for _, d in files)))
    return top, dirs, files


def expect_on_disk(r, image, files, present_dirs=()):
    """fsck.fat -n finds the image clean; mtools reads every file back byte for byte."""
    ok, report = fsimage.fsck(image)
    if not ok:
        r.fail("fsck.fat -n finds the disk damaged after the run:\n%s" % "\n".join(
            "    " + l for l in report.splitlines()[:30]))
    listing = set(fsimage.list_tree(image))
    for d in present_dirs:
        if d + "/" not in listing:
            r.fail("directory %s is not on the disk (mtools lists %d paths)" % (d, len(listing)))
    for path, data in files:
        if path not in listing:
            r.fail("%s is not on the disk (mdir does not list it)" % path)
        got = fsimage.read_file(image, path)
        if got != data:
            at = next((i for i, (a, b) in enumerate(zip(got, data)) if a != b), min(len(got), len(data)))
            r.fail("%s on the disk (read by mtools) differs from what was written: %d bytes, expected %d; "
                   "first difference at byte %d" % (path, len(got), len(data), at))


# ---- tests -----------------------------------------------------------------------------
@pytest.mark.provided
@pytest.mark.points(2)
def test_no_disk_is_a_clear_error(boot):
    """Without a disk the kernel says `fs none` and file calls give ENODEV; it runs on."""
    r = boot_fs(boot, ["fsread", "hello"], None, grading_seed())
    line(r, "fs", r"none")
    dirs, files, errors, dones = fsread_lines(r)
    if files or dirs or not errors or any(e != ENODEV for _, e in errors) or len(dones) != 1:
        r.fail("with no disk, fsread should report only 'error path=/ err=%d' and done; it printed %s"
               % (ENODEV, r.reported("fsread")[:6]))
    if not r.reported("hello"):
        r.fail("the hello program after fsread did not finish")
    r.expect_exit(0)


@pytest.mark.points(5)
def test_read_seeded_tree(boot, tmp_path):
    """fsread walks a seeded tree (long names, nested and empty directories, an empty file,
    files of hundreds of clusters, a directory of 40 files): every size, FNV and count match."""
    seed = grading_seed()
    image = str(tmp_path / "tree.img")
    tree = fsimage.seeded_tree(seed)
    fsimage.make_image(image, tree=tree)
    figures = mount_figures(image)
    r = boot_fs(boot, ["fsread"], image, seed)
    expect_mount(r, figures)
    dirs, files = fsimage.expected_listing(tree)
    check_fsread(r, dirs, files)
    expect_sync_and_stats(r)
    r.expect_exit(0)


@pytest.mark.points(5)
def test_write_then_fsck_and_mtools(boot, tmp_path):
    """fswrite on a blank disk: fsck.fat finds it clean, mtools reads every file back, and
    after a reboot fsread finds the same files."""
    seed = grading_seed()
    image = str(tmp_path / "blank.img")
    fsimage.make_image(image)
    figures = mount_figures(image)
    r = boot_fs(boot, ["fswrite"], image, seed)
    expect_mount(r, figures)
    top, subdirs, files = expect_fswrite(r, program_seed(seed, 0))
    expect_sync_and_stats(r)
    r.expect_exit(0)
    expect_on_disk(r, image, files, [top] + subdirs)

    figures = mount_figures(image)
    r2 = boot_fs(boot, ["fsread"], image, seed)
    expect_mount(r2, figures)
    dirs = {"/": 1, top: len(subdirs)}
    for d in subdirs:
        dirs[d] = sum(1 for p, _ in files if p.rsplit("/", 1)[0] == d)
    check_fsread(r2, dirs, dict(files))
    expect_sync_and_stats(r2)
    r2.expect_exit(0)


@pytest.mark.points(5)
def test_concurrent_readers_and_writer(boot, tmp_path):
    """Two fsread processes and an fswrite at once: both readers read the whole seeded tree
    right, the writer's files are right on the disk, and >= 8 requests were in flight."""
    seed = grading_seed()
    image = str(tmp_path / "shared.img")
    tree = fsimage.seeded_tree(seed)
    fsimage.make_image(image, tree=tree)
    figures = mount_figures(image)
    r = boot_fs(boot, ["fsread", "fsread", "fswrite"], image, seed)
    expect_mount(r, figures)
    top, subdirs, written = fsimage.fswrite_plan(program_seed(seed, 2))
    dirs, files = fsimage.expected_listing(tree)
    dirs["/"] = {dirs["/"], dirs["/"] + 1}  # the writer's directory may be there yet or not
    check_fsread(r, dirs, files, copies=2, writer=(top, dict(written)))
    expect_fswrite(r, program_seed(seed, 2))
    peak = expect_sync_and_stats(r)
    if peak < 8:
        r.fail("disk stats peak=%d: two readers of 8 coroutines each and a writer should keep >= 8 requests "
               "in flight at some point (are requests submitted before the previous one completes?)" % peak)
    r.expect_exit(0)
    expect_on_disk(r, image, sorted(files.items()) + written, [top] + subdirs)


@pytest.mark.points(4)
def test_corrupt_images_give_clear_errors(boot, tmp_path):
    """Three seeded corruptions (boot sector, FAT, directory entry or truncation): no panic,
    the kernel runs on; a bad boot sector or device is refused at mount, a damaged file
    gives EIO while every other file still reads correctly."""
    seed = grading_seed()
    base = str(tmp_path / "base.img")
    tree = fsimage.seeded_tree(seed)
    fsimage.make_image(base, tree=tree)
    dirs, files = fsimage.expected_listing(tree)
    for n, kind in enumerate(fsimage.seeded_kinds(seed)):
        image = str(tmp_path / ("bad-%d-%s.img" % (n, kind)))
        m = fsimage.corrupt(base, image, kind, seed)
        r = boot_fs(boot, ["fsread", "hello"], image, seed)
        what = "with %s (%s)" % (m.kind, m.description)
        if not r.reported("hello"):
            r.fail("%s: the hello program after fsread did not finish" % what)
        failed, reason = mount_failed(r)
        if m.must_refuse_mount:
            if not failed or not reason:
                r.fail("%s the kernel must refuse the disk: 'fs mount failed: <reason>'" % what)
            if any(l.startswith("file ") for l in r.reported("fsread")) or not fsread_lines(r)[3]:
                r.fail("%s: with no mounted volume fsread must read nothing and finish" % what)
        elif failed and not m.may_refuse_mount:
            r.fail("%s: only one file is damaged, yet the kernel refused the disk (%s)" % (what, reason))
        elif not failed:
            try:
                check_fsread(r, dirs, files, affected=m.affected)
            except AssertionError as e:
                raise type(e)("%s:\n%s" % (what, e))
        r.expect_exit(0)


@pytest.mark.points(3)
def test_disk_full_enospc(boot, tmp_path):
    """fsfill on a disk with a few free clusters: it writes all the free space (within one
    cluster), then -ENOSPC; the disk stays clean and holds exactly what was written."""
    seed = grading_seed()
    image = str(tmp_path / "full.img")
    free, cluster = fsimage.make_full_image(image, seed)
    figures = mount_figures(image)
    r = boot_fs(boot, ["fsfill"], image, seed)
    expect_mount(r, figures)
    written = int(line(r, "fsfill", r"enospc written=(\d+)").group(1))
    if not free * cluster - cluster < written <= free * cluster:
        r.fail("fsfill wrote %d bytes before ENOSPC; the disk had %d free clusters of %d bytes = %d bytes"
               % (written, free, cluster, free * cluster))
    err = int(line(r, "fsfill", r"mkdir err=(-?\d+)").group(1))
    left = free - (written + cluster - 1) // cluster
    if err != (0 if left > 0 else ENOSPC):
        r.fail("mkdir after the fill returned %d; with %d free cluster(s) left it should return %d"
               % (err, left, 0 if left > 0 else ENOSPC))
    line(r, "fsfill", r"done")
    expect_sync_and_stats(r)
    r.expect_exit(0)
    expect_on_disk(r, image, [("/fill.bin", fsimage.fsfill_stream(program_seed(seed, 0), written))],
                   ["/after-full"] if err == 0 else [])
    if err != 0 and "/after-full/" in fsimage.list_tree(image):
        r.fail("mkdir /after-full failed with %d, yet the directory is on the disk" % err)


FSBAD_CASES = {"star": -22, "question": -22, "pipe": -22, "trailing-dot": -22, "control": -22, "colon": -22,
               "too-long": -22, "bad-pointer": -14, "bad-fd": -9, "missing": -2}


@pytest.mark.points(2)
def test_invalid_names_and_arguments(boot, tmp_path):
    """Invalid names give -EINVAL, a bad pointer -EFAULT, a bad fd -EBADF, a missing file
    -ENOENT; none of them changes the disk, and a good file is written afterwards."""
    seed = grading_seed()
    image = str(tmp_path / "bad.img")
    fsimage.make_image(image, tree={"/keep.txt": b"kept\n"})
    figures = mount_figures(image)
    r = boot_fs(boot, ["fsbad"], image, seed)
    expect_mount(r, figures)
    for name, want in FSBAD_CASES.items():
        got = int(line(r, "fsbad", r"case=%s err=(-?\d+)" % re.escape(name)).group(1))
        if got != want:
            r.fail("fsbad case %s: the kernel returned %d, it should return %d" % (name, got, want))
    if int(line(r, "fsbad", r"good err=(-?\d+)").group(1)) != 0:
        r.fail("after the bad calls, creating /good.txt failed: %s" % r.reported("fsbad"))
    line(r, "fsbad", r"done")
    expect_sync_and_stats(r)
    r.expect_exit(0)
    expect_on_disk(r, image, [("/keep.txt", b"kept\n"), ("/good.txt", b"good\n")])
    listing = fsimage.list_tree(image)
    if sorted(listing) != sorted(["/keep.txt", "/good.txt"]):
        r.fail("the bad calls changed the disk: it holds %s" % sorted(listing))
