"""The GitHub Actions workflow: its structure checked against the workflow syntax, then what it must do.

actionlint's PyPI wheel downloads its binary from GitHub while installing, which this machine cannot do,
so the structure is checked here; when an `actionlint` binary is on PATH it runs too.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

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


def test_actionlint_when_installed():
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (its PyPI package downloads a binary, offline here)")
    result = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
