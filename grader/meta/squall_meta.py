"""grader/meta/squall_meta.py: helpers shared by the instructor-tooling meta tests.

Not a test module: builders of student trees (reference, starter, handout copies), the
validators of the course-platform formats (Gradescope results.json, JUnit XML), and a
`make` runner. Everything here is independent of the tools it checks.
"""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON = subprocess.run([os.path.join(ROOT, "tools", "find_python.sh")], capture_output=True,
                        text=True).stdout.strip() or "python3"

# What must never reach a student, whatever grader/handout.py's manifest says.
INSTRUCTOR_ONLY = ("solutions/", "grader/hidden/", "grader/meta/", "grader/handout.py", "grader/batch.py",
                   "grader/gradescope/", "grader/selfcheck.py", "mk/instructor.mk", ".ci/")


def labs_present():
    return sorted(int(os.path.basename(d)[:2]) for d in glob.glob(os.path.join(ROOT, "labs", "[0-9][0-9]-*")))


def make(*args, timeout=900, cwd=ROOT, env=None):
    """Run make in `cwd` (the environment check skipped); return the CompletedProcess."""
    full_env = dict(os.environ, SKIP_ENV_CHECK="1")
    full_env.update(env or {})
    return subprocess.run(["make", "--no-print-directory", "-C", cwd] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


def files_of(top):
    out = []
    for d, dirs, names in os.walk(top):
        dirs[:] = [x for x in dirs if x not in ("build", "__pycache__", ".git")]
        out += [os.path.relpath(os.path.join(d, n), top) for n in names]
    return sorted(out)


def digests(data):
    return {hashlib.sha256(data).hexdigest(), hashlib.sha256(b"".join(data.split())).hexdigest()}


def secret_digests():
    """{digest: path} of every solution and hidden-test file (exact, and whitespace-free)."""
    secret = {}
    for top in ("solutions", os.path.join("grader", "hidden")):
        for rel in files_of(os.path.join(ROOT, top)):
            data = open(os.path.join(ROOT, top, rel), "rb").read()
            if data.strip():
                for d in digests(data):
                    secret[d] = os.path.join(top, rel)
    return secret


def copy_labs(dst, solved_upto=0, labs=None):
    """A student tree holding labs/ only: the starters, with solutions over labs <= solved_upto."""
    labs = labs or labs_present()
    for n in labs:
        src = glob.glob(os.path.join(ROOT, "labs", "%02d-*" % n))[0]
        shutil.copytree(src, os.path.join(dst, "labs", os.path.basename(src)))
        if n <= solved_upto:
            for sol in glob.glob(os.path.join(ROOT, "solutions", "%02d-*" % n)):
                shutil.copytree(sol, os.path.join(dst, "labs", os.path.basename(src)), dirs_exist_ok=True)
    return dst


# ---- course-platform formats ----------------------------------------------------------
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                  "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                   "tags", "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def gradescope_problems(data):
    """What in a results.json breaks Gradescope's documented format (and Squall's conventions)."""
    bad = []
    if not isinstance(data, dict):
        return ["top level is not an object"]
    bad += ["unknown top-level field %r" % k for k in set(data) - GRADESCOPE_TOP]
    if "score" in data and not isinstance(data["score"], (int, float)):
        bad.append("score is not a number")
    if "execution_time" in data and not (isinstance(data["execution_time"], (int, float)) and data["execution_time"] >= 0):
        bad.append("execution_time is not a non-negative number")
    if not isinstance(data.get("output", ""), str):
        bad.append("output is not a string")
    if data.get("visibility", "visible") not in VISIBILITY:
        bad.append("bad top-level visibility")
    tests = data.get("tests")
    if not isinstance(tests, list):
        return bad + ["tests is missing or not a list"]
    for i, t in enumerate(tests):
        where = "tests[%d]" % i
        if not isinstance(t, dict):
            bad.append(where + " is not an object")
            continue
        bad += ["%s: unknown field %r" % (where, k) for k in set(t) - GRADESCOPE_TEST]
        for key, kind in (("name", str), ("output", str)):
            if not isinstance(t.get(key), kind):
                bad.append("%s: %s missing or not a %s" % (where, key, kind.__name__))
        for key in ("score", "max_score"):
            if not isinstance(t.get(key), (int, float)) or isinstance(t.get(key), bool):
                bad.append("%s: %s missing or not a number" % (where, key))
        if t.get("status") not in ("passed", "failed"):
            bad.append("%s: status %r is not passed/failed" % (where, t.get("status")))
        if isinstance(t.get("score"), (int, float)) and isinstance(t.get("max_score"), (int, float)):
            if not 0 <= t["score"] <= t["max_score"]:
                bad.append("%s: score %s outside 0..%s" % (where, t["score"], t["max_score"]))
            if "status" in t and (t["status"] == "passed") != (t["score"] == t["max_score"]):
                bad.append("%s: status %s with score %s/%s" % (where, t["status"], t["score"], t["max_score"]))
        if t.get("visibility", "visible") not in VISIBILITY:
            bad.append("%s: bad visibility %r" % (where, t.get("visibility")))
        if "tags" in t and not (isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])):
            bad.append("%s: tags is not a list of strings" % where)
    if isinstance(data.get("score"), (int, float)) and not bad:
        total = sum(t["score"] for t in tests)
        if abs(total - data["score"]) > 1e-9:
            bad.append("score %s is not the sum of the tests' scores %s" % (data["score"], total))
    return bad


def junit_cases(path):
    """[(name, failed)] from a JUnit XML file (xunit2: <testsuites><testsuite><testcase>)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    assert suites, "no <testsuite> in %s" % path
    cases = []
    for suite in suites:
        for case in suite.iter("testcase"):
            failed = case.find("failure") is not None or case.find("error") is not None
            cases.append((case.get("name"), failed))
        declared = int(suite.get("tests", "-1"))
        assert declared == len(list(suite.iter("testcase"))), "testsuite tests=%s but %d testcases" % (
            declared, len(list(suite.iter("testcase"))))
    return cases


def hidden_test_names(lab=None):
    names = {}
    for path in glob.glob(os.path.join(ROOT, "grader", "hidden", "test_lab[0-9][0-9]*.py")):
        n = int(re.match(r"test_lab(\d\d)", os.path.basename(path)).group(1))
        if lab is None or n == lab:
            names.setdefault(n, []).extend(re.findall(r"^def (test_\w+)", open(path).read(), re.M))
    return names
