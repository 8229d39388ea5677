"""grader/meta/test_format_mutations.py: the lab 01 formatter test catches digit bugs.

Each case copies the project, changes one digit-handling detail of the reference
format_int (solutions/01-boot/lib/format_int.cc), and grades lab 01's format test on
it: the grade must fail. This is how we know the test checks the digits, not the shape.
"""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOLUTION = "solutions/01-boot/lib/format_int.cc"

MUTATIONS = {
    "upper-case hex": ("'a' + digit - 10", "'A' + digit - 10"),
    "sign after zero padding": ("  if (negative) out[n++] = '-';\n  while (pad > 0) out[n++] = '0', pad--;",
                                "  while (pad > 0) out[n++] = '0', pad--;\n  if (negative) out[n++] = '-';"),
    "width ignores the sign": ("usize length = count + (negative ? 1 : 0);", "usize length = count;"),
    "only the lowest digit": ("  } while (magnitude != 0);", "  } while (false);"),
    "digits reversed": ("while (count > 0) out[n++] = reversed[--count];",
                        "for (usize i = 0; i < count; i++) out[n++] = reversed[i];"),
    "base ignored": ("unsigned digit = unsigned(magnitude % base);", "unsigned digit = unsigned(magnitude % 10);"),
    "off-by-one padding": ("usize pad = width > length ? width - length : 0;",
                           "usize pad = width > length ? width - length - 1 : 0;"),
}


def copy_project(dst):
    for name in ("Makefile", "labs", "solutions", "grader", "tools", "mk"):
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dst, name), ignore=shutil.ignore_patterns("__pycache__", "build"))
        elif os.path.exists(src):
            shutil.copy2(src, os.path.join(dst, name))


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_formatter_mutation_is_caught(mutation, tmp_path):
    copy_project(str(tmp_path))
    path = tmp_path / SOLUTION
    text = path.read_text()
    old, new = MUTATIONS[mutation]
    assert old in text, "mutation %r no longer applies to %s" % (mutation, SOLUTION)
    path.write_text(text.replace(old, new, 1))
    r = subprocess.run([sys.executable, str(tmp_path / "grader" / "grade.py"), "--root", str(tmp_path), "--lab", "1",
                        "--solved", "1", "--only-lab", "1", "-k", "format", "--quiet"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0, "the lab 01 format test passed a formatter with '%s':\n%s" % (mutation, r.stdout[-2000:])
