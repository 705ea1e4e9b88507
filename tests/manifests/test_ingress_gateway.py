"""The optional Gateway API version of the Ingress demo (ingress/gateway-api/).

The objects are validated with the Gateway API models from npm, checked against
the Services in ingress/, and resolved with the Gateway API matching rules. A
wildcard hostname is a suffix match. The route with the longest matching exact
hostname wins, then the longest wildcard hostname, then the routes without
hostnames. Within them an Exact path beats any PathPrefix, and a longer
PathPrefix beats a shorter one.
"""

from __future__ import annotations

import subprocess
from typing import Any, Dict, List, Optional, Tuple

import pytest

from demos.ingress.routes import CASES
from tests.manifests.test_ingress import (
    FOLDER,
    INGRESSES,
    SERVICES,
    load_docs,
    prefix_matches,
    service_named,
)
from tests.support.manifests import ROOT
from tests.support.tools import require, require_tool

GATEWAY_FOLDER = FOLDER / "gateway-api"
GATEWAY_FILES = sorted(GATEWAY_FOLDER.glob("*.yaml"))
DOCS = load_docs(GATEWAY_FILES)
GATEWAYS = [d for d in DOCS if d["kind"] == "Gateway"]
ROUTES = [d for d in DOCS if d["kind"] == "HTTPRoute"]
CHECKER = ROOT / "tests" / "gateway"
INSTALL_HINT = "run: npm ci --prefix tests/gateway"


def run_checker(paths) -> subprocess.CompletedProcess:
    node = require_tool("node", "install Node.js 20 or newer")
    models = CHECKER / "node_modules" / "@kubernetes-models" / "gateway-api"
    require(
        models.is_dir(), f"the Gateway API models are not installed: {INSTALL_HINT}"
    )
    return subprocess.run(
        [node, str(CHECKER / "validate.mjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def hostname_rank(hostname: str, host: str) -> Optional[Tuple[int, int]]:
    """Return (exact characters, hostname characters) if ``hostname`` matches."""
    if hostname.startswith("*."):
        suffix = hostname[1:]
        if host.endswith(suffix) and len(host) > len(suffix):
            return (0, len(hostname))
        return None
    return (len(hostname), len(hostname)) if hostname == host else None


def route_rank(route: Dict[str, Any], host: str) -> Optional[Tuple[int, int]]:
    hostnames = route["spec"].get("hostnames")
    if not hostnames:
        return (0, 0)
    ranks = [r for r in (hostname_rank(h, host) for h in hostnames) if r]
    return max(ranks) if ranks else None


def path_rank(match: Dict[str, Any], path: str) -> Optional[Tuple[int, int]]:
    path_match = match.get("path", {"type": "PathPrefix", "value": "/"})
    value = path_match["value"]
    if path_match["type"] == "Exact":
        return (1, len(value)) if path == value else None
    if path_match["type"] == "PathPrefix" and prefix_matches(value, path):
        return (0, len(value))
    return None


def resolve(host: str, path: str) -> Optional[str]:
    """Return the Service of the highest-precedence rule, or None (HTTP 404)."""
    candidates: List[Tuple[Tuple[int, ...], str]] = []
    for route in ROUTES:
        rank = route_rank(route, host)
        if rank is None:
            continue
        for rule in route["spec"]["rules"]:
            for match in rule.get("matches") or [{}]:
                matched = path_rank(match, path)
                if matched:
                    service = rule["backendRefs"][0]["name"]
                    candidates.append((rank + matched, service))
    return max(candidates)[1] if candidates else None


def test_gateway_files_found():
    assert GATEWAYS
    assert ROUTES


def test_only_gateway_api_objects():
    for doc in DOCS:
        assert doc["apiVersion"].startswith("gateway.networking.k8s.io/"), doc


def test_models_accept_every_object():
    result = run_checker(GATEWAY_FILES)
    assert result.returncode == 0, result.stdout + result.stderr
    valid = [line for line in result.stdout.splitlines() if line.startswith("valid:")]
    assert len(valid) == len(DOCS), result.stdout


def test_models_reject_ingress_path_type(tmp_path):
    route = tmp_path / "route.yaml"
    route.write_text(
        "apiVersion: gateway.networking.k8s.io/v1\n"
        "kind: HTTPRoute\n"
        "metadata:\n  name: wrong\n"
        "spec:\n  rules:\n    - matches:\n        - path:\n"
        "            type: Prefix\n            value: /api\n",
        encoding="utf-8",
    )
    result = run_checker([route])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "invalid:" in result.stdout
    assert "path/type" in result.stdout


def test_routes_attach_to_gateway():
    gateway = GATEWAYS[0]
    listeners = {listener["name"] for listener in gateway["spec"]["listeners"]}
    for route in ROUTES:
        assert route["metadata"]["namespace"] == gateway["metadata"]["namespace"]
        for parent in route["spec"]["parentRefs"]:
            assert parent["name"] == gateway["metadata"]["name"]
            assert parent.get("kind", "Gateway") == "Gateway"
            if "sectionName" in parent:
                assert parent["sectionName"] in listeners


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r["metadata"]["name"])
def test_route_backend_names_service_port(route):
    namespace = route["metadata"]["namespace"]
    for rule in route["spec"]["rules"]:
        for ref in rule["backendRefs"]:
            assert ref.get("kind", "Service") == "Service"
            assert ref.get("namespace", namespace) == namespace
            service = service_named(ref["name"], namespace)
            assert service, f"no Service {ref['name']} in {namespace}"
            # A Service backendRef must give the port number (a CEL rule of the CRD).
            assert ref["port"] in {p["port"] for p in service["spec"]["ports"]}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r["metadata"]["name"])
def test_route_paths_are_absolute(route):
    # Another CEL rule the models do not run: a path value starts with "/".
    for rule in route["spec"]["rules"]:
        for match in rule.get("matches", []):
            assert match["path"]["value"].startswith("/"), match


def test_routes_cover_ingress_hosts():
    ingress_hosts = {rule["host"] for rule in INGRESSES[0]["spec"]["rules"]}
    route_hosts = {h for r in ROUTES for h in r["spec"].get("hostnames", [])}
    assert route_hosts == ingress_hosts


def test_routes_mirror_ingress_paths():
    kinds = {"Prefix": "PathPrefix", "Exact": "Exact"}
    routes = set()
    for route in ROUTES:
        for hostname in route["spec"].get("hostnames", []):
            for rule in route["spec"]["rules"]:
                for match in rule["matches"]:
                    path = match["path"]
                    service = rule["backendRefs"][0]["name"]
                    routes.add((hostname, path["type"], path["value"], service))
    for rule in INGRESSES[0]["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            service = entry["backend"]["service"]["name"]
            ingress_rule = (
                rule["host"],
                kinds[entry["pathType"]],
                entry["path"],
                service,
            )
            assert ingress_rule in routes, f"no HTTPRoute rule for {ingress_rule}"


def test_catch_all_route_is_default_backend():
    default = INGRESSES[0]["spec"]["defaultBackend"]["service"]["name"]
    catch_all = [r for r in ROUTES if not r["spec"].get("hostnames")]
    assert len(catch_all) == 1
    assert resolve("unknown.test", "/x") == default


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.target)
def test_routing_table_row(case):
    assert resolve(case.host, case.path) == case.gateway_backend


def test_differences_from_ingress_are_multi_label_wildcards():
    for case in CASES:
        if case.gateway_expected is None:
            continue
        assert case.gateway_expected != case.expected, case.target
        wildcard = [
            h
            for r in ROUTES
            for h in r["spec"].get("hostnames", [])
            if h.startswith("*.") and case.host.endswith(h[1:])
        ]
        assert wildcard, f"{case.target} differs but matches no wildcard"
        label = case.host[: -len(wildcard[0]) + 1]
        assert "." in label, f"{case.target}: a one-label match must not differ"


def test_services_exist_for_every_route():
    names = {s["metadata"]["name"] for s in SERVICES}
    used = {
        ref["name"]
        for r in ROUTES
        for rule in r["spec"]["rules"]
        for ref in rule["backendRefs"]
    }
    assert used == names
