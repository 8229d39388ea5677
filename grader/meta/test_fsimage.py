"""grader/meta/test_fsimage.py: the lab 06 disk-image helpers (grader/harness/fsimage.py), on the host.

Images made with mkfs.fat + mtools must fsck clean and read back byte for byte; the
grader's own FAT32 parser must agree with mtools; every seeded corruption must be one
that `fsck.fat -n` reports, and must damage exactly the files it names.
"""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import fsimage  # noqa: E402
from harness.fsimage import Volume  # noqa: E402

pytestmark = pytest.mark.skipif(not (shutil.which("mkfs.fat") and shutil.which("mcopy") and shutil.which("fsck.fat")),
                                reason="dosfstools and mtools are needed (apt-get install dosfstools mtools)")

SEEDS = [1, 0x5EED, 0xDEADBEEF12345]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A clean image of a seeded tree, made once: (path, tree)."""
    path = str(tmp_path_factory.mktemp("fs") / "base.img")
    tree = fsimage.seeded_tree(77)
    fsimage.make_image(path, tree=tree)
    return path, tree


def test_fnv1a64_known_values():
    assert fsimage.fnv1a64(b"") == 0xCBF29CE484222325
    assert fsimage.fnv1a64(b"a") == 0xAF63DC4C8601EC8C
    assert fsimage.fnv1a64(b"foobar") == 0x85944171F73967E8


def test_stream_is_splitmix_little_endian():
    from harness.seeded import SplitMix64
    r = SplitMix64(9)
    first = r.next().to_bytes(8, "little") + r.next().to_bytes(8, "little")
    assert fsimage.stream(9, 13) == first[:13]
    assert fsimage.stream(9, 0) == b""


def test_image_is_clean_and_reads_back(base):
    path, tree = base
    ok, report = fsimage.fsck(path)
    assert ok, report
    dirs, files = fsimage.expected_listing(tree)
    assert fsimage.list_tree(path) == sorted([d + "/" for d in dirs if d != "/"] + list(files))
    for p, data in files.items():
        assert fsimage.read_file(path, p) == data, p
    assert any(len(p.rsplit("/", 1)[1]) >= 75 for p in files), "no ~80-character name"
    assert any(len(d) == 0 for d in files.values()), "no empty file"
    assert max(len(d) for d in files.values()) > 100 * 1024
    assert max(dirs.values()) >= 40


def test_parser_agrees_with_mtools(base):
    path, tree = base
    v = Volume.open(path)
    dirs, files = fsimage.expected_listing(tree)
    walked = v.walk()
    assert sorted(walked) == sorted([d for d in dirs if d != "/"] + list(files))
    for p, e in walked.items():
        if not e.is_dir:
            assert e.size == len(files[p])
            chain = v.chain(e.first_cluster) if e.size else []
            got = b"".join(v.data[v.cluster_offset(c):v.cluster_offset(c) + v.cluster_bytes] for c in chain)
            assert got[:e.size] == files[p], p
    assert v.free_clusters() == v.fsinfo_free()  # mtools kept FSInfo exact


def test_fsck_sees_an_unclean_image(base, tmp_path):
    path, _ = base
    bad = str(tmp_path / "dirty.img")
    shutil.copyfile(path, bad)
    v = Volume.open(bad)
    with open(bad, "r+b") as f:  # FSInfo free count off by one
        f.seek(v.fsinfo_sector * 512 + 488)
        f.write((v.free_clusters() + 1).to_bytes(4, "little"))
    ok, report = fsimage.fsck(bad)
    assert not ok, report


def test_full_image_has_the_free_space_asked(tmp_path):
    path = str(tmp_path / "full.img")
    free, cluster = fsimage.make_full_image(path, 3)
    assert cluster == 512 and 40 <= free < 240
    assert fsimage.fsck(path)[0]


def test_fswrite_plan_has_valid_names():
    for seed in SEEDS:
        top, dirs, files = fsimage.fswrite_plan(seed)
        assert top == "/w%08x" % (seed & 0xFFFFFFFF)
        assert 1 <= len(dirs) <= 3 and 2 * len(dirs) <= len(files) <= 6 * len(dirs)
        fsimage.check_tree(dict([(d + "/", None) for d in dirs] + files))
        assert all(len(c) < 20000 for _, c in files)


def chains_of(v):
    """{file path: (chain or None when broken, bytes read through it)}."""
    out = {}
    for p, e in v.walk().items():
        if e.is_dir:
            continue
        try:
            chain = v.chain(e.first_cluster) if e.first_cluster else []
        except fsimage.ImageError:
            out[p] = (None, None)
            continue
        data = b"".join(v.data[v.cluster_offset(c):v.cluster_offset(c) + v.cluster_bytes] for c in chain)
        sound = (len(chain) == (e.size + v.cluster_bytes - 1) // v.cluster_bytes)
        out[p] = (chain if sound else None, data[:e.size])
    return out


@pytest.mark.parametrize("kind", sorted(fsimage.KINDS))
def test_every_corruption_is_real(base, tmp_path, kind):
    """fsck.fat reports each one; file-level ones break exactly the file they name."""
    path, tree = base
    _, files = fsimage.expected_listing(tree)
    for seed in SEEDS:
        bad = str(tmp_path / ("%s-%x.img" % (kind, seed)))
        m = fsimage.corrupt(path, bad, kind, seed)
        ok, report = fsimage.fsck(bad)
        assert not ok, "fsck.fat finds nothing wrong after %r:\n%s" % (m, report)
        if m.may_refuse_mount:
            assert not m.affected
            continue
        assert len(m.affected) == 1 and m.affected[0] in files, m
        after = chains_of(Volume.open(bad))
        assert sorted(after) == sorted(files), "a corruption of one file changed the listing: %r" % m
        for p, (chain, data) in after.items():
            if p in m.affected:
                assert chain is None, "%r left %s readable" % (m, p)
            else:
                assert chain is not None and data == files[p], "%r damaged %s too" % (m, p)


def test_seeded_kinds_cover_each_group():
    groups = set()
    for seed in range(64):
        kinds = fsimage.seeded_kinds(seed)
        assert [fsimage.KINDS[k][0] for k in kinds][:2] == ["bpb", "fat"]
        assert fsimage.KINDS[kinds[2]][0] in ("dirent", "truncate")
        groups.update(kinds)
    assert groups >= {k for k, v in fsimage.KINDS.items() if v[0] != "fsinfo"}
