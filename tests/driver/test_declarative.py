"""The declarative driver: the working copy, kubectl output, checks and the plan."""

import io
import json
import re
from pathlib import Path

import pytest

from demos.console import Console, format_command
from demos.declarative.demo import DEMO
from demos.declarative.drift import run_diff
from demos.declarative.files import (
    all_unchanged,
    already_exists,
    apply_actions,
    diff_sets_replicas,
    edit_replicas,
    make_working_copy,
    set_replicas,
    summarize_actions,
)
from demos.declarative.prune import prune
from demos.declarative.steps import (
    EDITED_REPLICAS,
    REPLICAS,
    create_twice,
    outcome,
    working_copy,
)
from demos.framework import Context, PrerequisiteError, run_demo
from demos.report import Report
from demos.settings import Settings
from demos.shell import CommandError, Result, Runner
from tests.support.plan import plan_commands, plan_output, readme_text

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "declarative"

CREATED = """namespace/declarative-demo created
configmap/web created
deployment.apps/web created
service/web created
"""
ALREADY_EXISTS = (
    'Error from server (AlreadyExists): error when creating "out/declarative/'
    '00-namespace.yaml": namespaces "declarative-demo" already exists\n'
    'Error from server (AlreadyExists): error when creating "out/declarative/'
    '10-configmap.yaml": configmaps "web" already exists\n'
)
UNCHANGED = """namespace/declarative-demo unchanged
configmap/web unchanged
deployment.apps/web unchanged
service/web unchanged
"""
PRUNED = """namespace/declarative-demo unchanged
configmap/web unchanged
deployment.apps/web unchanged
service/web pruned
"""
DIFF = """diff -u -N /tmp/LIVE-1/apps.v1.Deployment.declarative-demo.web /tmp/MERGED-2/apps.v1.Deployment.declarative-demo.web
--- /tmp/LIVE-1/apps.v1.Deployment.declarative-demo.web
+++ /tmp/MERGED-2/apps.v1.Deployment.declarative-demo.web
@@ -6,7 +6,7 @@
-  generation: 1
+  generation: 2
@@ -16,7 +16,7 @@
 spec:
   progressDeadlineSeconds: 600
-  replicas: 2
+  replicas: 3
   revisionHistoryLimit: 10
"""  # noqa: E501


def test_working_copy_has_only_manifests(tmp_path):
    target = tmp_path / "declarative"
    names = make_working_copy(str(SOURCE), str(target))
    assert names == sorted(p.name for p in SOURCE.glob("*.yaml"))
    assert sorted(p.name for p in target.iterdir()) == names
    assert not (target / "README.md").exists()


def test_working_copy_replaces_old_copy(tmp_path):
    target = tmp_path / "declarative"
    target.mkdir()
    (target / "99-leftover.yaml").write_text("kind: ConfigMap\n")
    make_working_copy(str(SOURCE), str(target))
    assert not (target / "99-leftover.yaml").exists()


def test_working_copy_rejects_source_folder(tmp_path):
    source = tmp_path / "declarative"
    source.mkdir()
    (source / "00-namespace.yaml").write_text("kind: Namespace\n")
    with pytest.raises(ValueError, match="OUT_DIR"):
        make_working_copy(str(source), str(source))
    with pytest.raises(ValueError, match="inside"):
        make_working_copy(str(source), str(source / "copy"))
    with pytest.raises(ValueError, match="OUT_DIR"):
        make_working_copy(str(source), str(tmp_path))
    assert (source / "00-namespace.yaml").exists()


def test_set_replicas_edits_only_spec():
    text = (SOURCE / "20-deployment.yaml").read_text(encoding="utf-8")
    edited = set_replicas(text, 3)
    assert re.search(r"^  replicas: 3$", edited, re.M)
    changed = [
        (a, b)
        for a, b in zip(text.splitlines(), edited.splitlines(), strict=True)
        if a != b
    ]
    assert changed == [(f"  replicas: {REPLICAS}", "  replicas: 3")]


def test_set_replicas_needs_exactly_one_line():
    with pytest.raises(ValueError, match="found 0"):
        set_replicas("spec:\n  template: {}\n", 3)
    with pytest.raises(ValueError, match="found 2"):
        set_replicas("spec:\n  replicas: 1\n---\nspec:\n  replicas: 2\n", 3)


def test_edit_replicas_rewrites_file(tmp_path):
    path = tmp_path / "20-deployment.yaml"
    path.write_text("spec:\n  replicas: 2\n  selector: {}\n", encoding="utf-8")
    edit_replicas(str(path), 5)
    assert path.read_text(encoding="utf-8") == "spec:\n  replicas: 5\n  selector: {}\n"


def test_apply_actions_per_object():
    actions = apply_actions(PRUNED)
    assert actions["service/web"] == "pruned"
    assert actions["deployment.apps/web"] == "unchanged"
    assert summarize_actions(actions) == "1 pruned, 3 unchanged"


def test_apply_actions_ignore_other_lines():
    text = "Warning: resource namespaces/declarative-demo is missing the annotation\n"
    assert apply_actions(text) == {}


def test_all_unchanged_cases():
    assert all_unchanged(UNCHANGED)
    assert not all_unchanged(PRUNED)
    assert not all_unchanged("")


def test_already_exists_detected():
    assert already_exists(ALREADY_EXISTS)
    assert not already_exists('Error from server (Forbidden): pods "x" is forbidden')


def test_diff_sets_replicas():
    assert diff_sets_replicas(DIFF, 3)
    assert not diff_sets_replicas(DIFF, 2)
    assert not diff_sets_replicas("", 3)


def test_outcome_of_create_and_apply():
    assert outcome(Result(0, CREATED, "")) == "4 created"
    assert outcome(Result(1, "", ALREADY_EXISTS)) == "AlreadyExists, exit code 1"
    assert outcome(Result(1, "", "error: no objects passed")) == "failed, exit code 1"


def test_working_copy_follows_out_dir():
    ctx = Context(Settings({"OUT_DIR": "results", "PLAN": "1"}), Console(io.StringIO()))
    assert working_copy(ctx) == "results/declarative/"


class FakeRunner(Runner):
    """Return, for each command, the first response whose fragment it contains.

    A response is a Result or a function that returns one.
    """

    def __init__(self, responses):
        super().__init__(Console(io.StringIO()))
        self.responses = responses
        self.commands = []

    def answer(self, command):
        canned = next(
            (answer for fragment, answer in self.responses if fragment in command),
            Result(0, "", ""),
        )
        return canned() if callable(canned) else canned

    def run(self, argv, show=True, check=True, plan_output="", **_):
        command = format_command(argv)
        self.commands.append(command)
        result = self.answer(command)
        if check and not result.ok:
            raise CommandError(argv, result.returncode, result.stdout + result.stderr)
        return result


def fake_context(responses, out_dir="out", runner=None):
    ctx = Context(Settings({"PAUSE": "0", "OUT_DIR": out_dir}), Console(io.StringIO()))
    ctx.runner = runner or FakeRunner(responses)
    ctx.kube.runner = ctx.runner
    ctx.minikube.runner = ctx.runner
    return ctx


def test_create_twice_checks_already_exists():
    results = [Result(0, CREATED, ""), Result(1, "", ALREADY_EXISTS)]
    ctx = fake_context([("create -f", lambda: results.pop(0))])
    report = Report("declarative")
    create_twice(ctx, report, "out/declarative/")
    assert [c.passed for c in report.checks] == [True, True]
    assert report.data["second_create_exit_code"] == 1
    assert report.rows[1] == ("create -f, 2nd", "AlreadyExists, exit code 1")


def test_create_twice_fails_when_second_succeeds():
    ctx = fake_context([("create -f", Result(0, CREATED, ""))])
    report = Report("declarative")
    create_twice(ctx, report, "out/declarative/")
    assert [c.passed for c in report.checks] == [True, False]


def test_diff_check_needs_exit_code_one():
    report = Report("declarative")
    run_diff(fake_context([("diff -f", Result(1, DIFF, ""))]), report, "c/", "s", 3)
    assert report.checks[0].passed
    report = Report("declarative")
    run_diff(fake_context([("diff -f", Result(0, "", ""))]), report, "c/", "s", 3)
    assert not report.checks[0].passed
    assert report.data["diff_exit_codes"] == [0]


def test_prune_steps_check_kept_then_pruned(tmp_path):
    copy = tmp_path / "declarative"
    make_working_copy(str(SOURCE), str(copy))
    service = {"exists": True}

    def lookup():
        return Result(0, "service/web\n" if service["exists"] else "", "")

    def prune_apply():
        service["exists"] = False
        return Result(0, PRUNED, "")

    responses = [
        ("get service/web --ignore-not-found", lookup),
        ("--prune", prune_apply),
    ]
    ctx = fake_context(responses, str(tmp_path))
    report = Report("declarative")
    prune(ctx, report, working_copy(ctx))
    assert not (copy / "30-service.yaml").exists()
    assert [c.passed for c in report.checks] == [True, True]
    assert report.data["pruned"] == ["service/web"]


def test_prune_check_fails_when_nothing_pruned(tmp_path):
    make_working_copy(str(SOURCE), str(tmp_path / "declarative"))
    responses = [
        ("get service/web --ignore-not-found", Result(0, "service/web\n", "")),
        ("--prune", Result(0, UNCHANGED, "")),
    ]
    ctx = fake_context(responses, str(tmp_path))
    report = Report("declarative")
    prune(ctx, report, working_copy(ctx))
    assert [c.passed for c in report.checks] == [True, False]


def test_clean_removes_working_copy(tmp_path):
    ctx = fake_context([], str(tmp_path))
    make_working_copy(str(SOURCE), working_copy(ctx))
    DEMO.clean(ctx)
    assert not (tmp_path / "declarative").exists()
    assert any("delete namespace declarative-demo" in c for c in ctx.runner.commands)


def test_plan_prints_steps_in_order():
    commands = plan_commands(DEMO)
    expected = [
        "minikube -p k8s-demo image build -t k8s-demo/web:0.1.0 apps/web",
        "create -f out/declarative/",
        "create -f out/declarative/",
        "apply -f out/declarative/",
        "apply -f out/declarative/",
        "diff -f out/declarative/",
        "apply -f out/declarative/",
        "scale deployment/web --replicas=5",
        "diff -f out/declarative/",
        "apply -f out/declarative/",
        "apply -f out/declarative/",
        "apply -f out/declarative/ --prune -l k8s-demo/folder=declarative",
    ]
    position = -1
    for fragment in expected:
        matches = [i for i, c in enumerate(commands) if fragment in c and i > position]
        assert matches, f"{fragment!r} missing after command {position}"
        position = matches[0]


def test_plan_prunes_with_explicit_allowlist():
    prune = [c for c in plan_commands(DEMO) if "--prune" in c]
    assert len(prune) == 1
    assert "--prune-allowlist=core/v1/Service" in prune[0]
    assert "Namespace" not in prune[0]


def test_plan_touches_no_files(tmp_path):
    out = io.StringIO()
    settings = Settings({"PLAN": "1", "PAUSE": "0", "OUT_DIR": str(tmp_path / "o")})
    run_demo(DEMO, settings, Console(out))
    assert not (tmp_path / "o").exists()
    assert f"replicas {REPLICAS} -> {EDITED_REPLICAS}" in out.getvalue()


def test_plan_has_no_verdict():
    assert "no verdict" in plan_output(DEMO)


def test_readme_contains_plan_commands():
    readme = readme_text("declarative")
    for command in plan_commands(DEMO):
        assert command in readme, f"README lacks: {command}"


def test_readme_explains_three_techniques():
    readme = readme_text("declarative")
    for term in ("命令型コマンド", "命令型オブジェクト設定", "宣言型オブジェクト設定"):
        assert term in readme
    assert "KUBECTL_APPLYSET" in readme


def test_out_dir_inside_source_stops_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "declarative").mkdir()
    (tmp_path / "declarative" / "00-namespace.yaml").write_text("kind: Namespace\n")
    ctx = fake_context([], ".")
    with pytest.raises(PrerequisiteError, match="set OUT_DIR"):
        DEMO.apply(ctx)
    assert (tmp_path / "declarative" / "00-namespace.yaml").exists()


class FakeCluster:
    """Follow the demo's kubectl commands on a tiny in-memory model of the cluster.

    Objects are named as kubectl prints them; the Deployment's replicas come
    from the working copy when it is applied, so the edit step really matters.
    """

    def __init__(self):
        self.objects = {}  # name -> created by apply (has last-applied)
        self.replicas = 0

    @staticmethod
    def folder_objects(folder):
        names = {
            "00-namespace.yaml": "namespace/declarative-demo",
            "10-configmap.yaml": "configmap/web",
            "20-deployment.yaml": "deployment.apps/web",
            "30-service.yaml": "service/web",
        }
        return [names[p.name] for p in sorted(Path(folder).glob("*.yaml"))]

    @staticmethod
    def file_replicas(folder):
        text = (Path(folder) / "20-deployment.yaml").read_text(encoding="utf-8")
        return int(re.search(r"^  replicas: (\d+)$", text, re.M).group(1))

    def create(self, folder):
        if self.objects:
            return Result(1, "", ALREADY_EXISTS)
        for name in self.folder_objects(folder):
            self.objects[name] = False
        self.replicas = self.file_replicas(folder)
        return Result(0, CREATED, "")

    def apply(self, folder, prune):
        lines = []
        wanted = self.file_replicas(folder)
        for name in self.folder_objects(folder):
            changed = not self.objects.get(name, False)
            if name == "deployment.apps/web" and self.replicas != wanted:
                changed = True
            self.objects[name] = True
            lines.append(f"{name} {'configured' if changed else 'unchanged'}")
        self.replicas = wanted
        if prune:
            for name in list(self.objects):
                if name not in self.folder_objects(folder):
                    del self.objects[name]
                    lines.append(f"{name} pruned")
        return Result(0, "\n".join(lines) + "\n", "")

    def run(self, command):
        folder = command.split(" -f ")[1].split(" ")[0] if " -f " in command else ""
        if " create -f " in command:
            return self.create(folder)
        if " apply -f " in command:
            return self.apply(folder, "--prune" in command)
        if " diff -f " in command:
            wanted = self.file_replicas(folder)
            if wanted == self.replicas:
                return Result(0, "", "")
            diff = f"-  replicas: {self.replicas}\n+  replicas: {wanted}\n"
            return Result(1, diff, "")
        if "scale deployment/web" in command:
            self.replicas = int(command.rsplit("=", 1)[1])
            return Result(0, "deployment.apps/web scaled\n", "")
        if "get deployment/web -o json" in command:
            return Result(0, json.dumps({"spec": {"replicas": self.replicas}}), "")
        if "get pods -l" in command:
            pods = [ready_pod(f"web-{i}") for i in range(self.replicas)]
            return Result(0, json.dumps({"items": pods}), "")
        if "get service/web --ignore-not-found" in command:
            found = "service/web" in self.objects
            return Result(0, "service/web\n" if found else "", "")
        return Result(0, "", "")


def ready_pod(name):
    return {
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


class ClusterRunner(FakeRunner):
    def __init__(self, cluster):
        super().__init__([])
        self.cluster = cluster

    def answer(self, command):
        return self.cluster.run(command)


def test_steps_pass_against_fake_cluster(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    ctx = fake_context([], str(tmp_path), ClusterRunner(FakeCluster()))
    report = Report("declarative")
    DEMO.apply(ctx)
    DEMO.steps(ctx, report)
    failed = [c for c in report.checks if not c.passed]
    assert not failed
    assert report.passed
    assert report.data["diff_exit_codes"] == [1, 1]
    assert report.data["replicas_after_reapply"] == EDITED_REPLICAS
    assert report.data["pruned"] == ["service/web"]


def test_steps_leave_source_folder_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    before = {p.name: p.read_bytes() for p in SOURCE.iterdir()}
    ctx = fake_context([], str(tmp_path), ClusterRunner(FakeCluster()))
    DEMO.apply(ctx)
    DEMO.steps(ctx, Report("declarative"))
    assert {p.name: p.read_bytes() for p in SOURCE.iterdir()} == before
    assert not (tmp_path / "declarative" / "30-service.yaml").exists()
