"""grader/conftest.py: pytest wiring for Squall's grader.

Which tree and stage are graded comes from the environment, set by grader/grade.py:
  SQUALL_ROOT    the source tree (default: the repository holding this grader)
  SQUALL_LAB     the stage to build (default: the highest lab present)
  SQUALL_SOLVED  how many labs get their solutions overlaid (0 for a student's tree)
Test modules are named test_labNN_*.py; a module's tests apply to stages >= NN.
Markers: points(n) (default 1), provided (checks only code the lab hands out).
"""
import glob
import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness.stage import BuildFailed, QemuFailed, Stage, TestFailed  # noqa: E402

ROOT = os.path.abspath(os.environ.get("SQUALL_ROOT", os.path.join(HERE, "..")))


def highest_lab(root):
    labs = sorted(glob.glob(os.path.join(root, "labs", "[0-9][0-9]-*")))
    return int(os.path.basename(labs[-1])[:2]) if labs else 1


LAB = int(os.environ.get("SQUALL_LAB") or highest_lab(ROOT))
SOLVED = int(os.environ.get("SQUALL_SOLVED", "0"))
BUILD_ROOT = os.environ.get("SQUALL_BUILD_ROOT")

_stages = {}


def stage_for(lab=LAB, solved=SOLVED):
    key = (lab, solved)
    if key not in _stages:
        _stages[key] = Stage(ROOT, lab, solved, BUILD_ROOT)
    return _stages[key]


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points this test is worth")
    config.addinivalue_line("markers", "provided: checks only code the lab hands out (passes on the starter)")


def module_lab(path):
    m = re.match(r"test_lab(\d\d)", os.path.basename(str(path)))
    return int(m.group(1)) if m else None


def pytest_ignore_collect(collection_path, config):
    # Only test_labNN modules for NN <= the graded stage.
    lab = module_lab(collection_path)
    if lab is not None and lab > LAB:
        return True
    return None


@pytest.fixture(scope="session")
def stage():
    """The kernel under test, built once per session."""
    return stage_for()


@pytest.fixture
def boot(stage, request):
    """boot(test=..., args=..., **options) -> BootResult, logged under the test's name."""
    count = [0]

    def run(**kwargs):
        count[0] += 1
        name = request.node.name + ("" if count[0] == 1 else "-%d" % count[0])
        return stage.boot(name, **kwargs)

    return run


FAILURE_KINDS = [(BuildFailed, "build failed"), (QemuFailed, "QEMU failed or crashed"), (TestFailed, "test failed")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("points")
    report.user_properties.append(("points", marker.args[0] if marker else 1))
    report.user_properties.append(("lab", module_lab(item.fspath) or 0))
    report.user_properties.append(("provided", item.get_closest_marker("provided") is not None))
    if call.excinfo is not None and report.when in ("setup", "call"):
        kind = "test failed"
        for exc_type, label in FAILURE_KINDS:
            if call.excinfo.errisinstance(exc_type):
                kind = label
                break
        report.user_properties.append(("failure_kind", kind))
        report.user_properties.append(("failure_message", str(call.excinfo.value)[:4000]))
        # Short, readable failures: our own exceptions carry the serial context already.
        if call.excinfo.errisinstance((BuildFailed, QemuFailed, TestFailed)):
            report.longrepr = "%s: %s" % (kind.upper(), call.excinfo.value)
