"""The Ingress demo's manifests: backends, hosts, and the routing table they produce.

The resolver below implements the Ingress matching rules of the Kubernetes
Ingress documentation, as ingress-nginx applies them. A request first picks one
host: an exact host, else a wildcard that covers exactly one DNS label, else the
rules without a host. Then the longest matching path of that host wins, and
Exact wins a tie with Prefix, which matches by path element. Without a match the
request goes to spec.defaultBackend. The resolver reads the YAML and never the
expected column, so a wrong row, a wrong rule or a wrong resolver fails a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional

import pytest
import yaml

from demos.ingress.routes import CASES, DEFAULT_BACKEND
from tests.support.manifests import ROOT

FOLDER = ROOT / "ingress"
RESERVED_TLDS = ("test", "example", "invalid", "localhost")


def load_docs(paths: List[Path]) -> List[Dict[str, Any]]:
    docs = []
    for path in paths:
        with path.open(encoding="utf-8") as f:
            docs += [doc for doc in yaml.safe_load_all(f) if doc]
    return docs


TOP_LEVEL = load_docs(sorted(FOLDER.glob("*.yaml")))
INGRESSES = [d for d in TOP_LEVEL if d["kind"] == "Ingress"]
SERVICES = [d for d in TOP_LEVEL if d["kind"] == "Service"]


class Match(NamedTuple):
    service: str
    rule: str  # which rule decided, e.g. "shop.example.test Prefix /api"


def path_elements(path: str) -> List[str]:
    return [element for element in path.split("/") if element]


def prefix_matches(prefix: str, path: str) -> bool:
    """Match by path element: /api matches /api, /api/ and /api/x, not /apix."""
    prefix_elements = path_elements(prefix)
    return path_elements(path)[: len(prefix_elements)] == prefix_elements


def host_matches(rule_host: str, host: str) -> bool:
    if rule_host.startswith("*."):
        suffix = rule_host[1:]
        label = host[: -len(suffix)] if host.endswith(suffix) else ""
        return bool(label) and "." not in label
    return rule_host == host


def resolve(ingress: Dict[str, Any], host: str, path: str) -> Optional[Match]:
    """Return the Service an ingress-nginx style controller sends the request to."""
    spec = ingress["spec"]
    rules = spec.get("rules", [])
    exact = [r for r in rules if r.get("host") == host]
    wildcard = [r for r in rules if r.get("host", "").startswith("*.")]
    wildcard = [r for r in wildcard if host_matches(r["host"], host)]
    hostless = [r for r in rules if not r.get("host")]
    chosen = exact or wildcard or hostless
    candidates = []
    for rule in chosen:
        for entry in rule.get("http", {}).get("paths", []):
            kind, rule_path = entry["pathType"], entry["path"]
            matched = (
                path == rule_path
                if kind == "Exact"
                else prefix_matches(rule_path, path)
            )
            if matched:
                rank = (len(rule_path), kind == "Exact")
                label = f"{rule.get('host', '*')} {kind} {rule_path}"
                candidates.append((rank, entry["backend"]["service"]["name"], label))
    if candidates:
        _, service, label = max(candidates)
        return Match(service, label)
    default = spec.get("defaultBackend", {}).get("service")
    return Match(default["name"], "defaultBackend") if default else None


def backend_refs(ingress: Dict[str, Any]):
    spec = ingress["spec"]
    if "defaultBackend" in spec:
        yield "defaultBackend", spec["defaultBackend"]["service"]
    for rule in spec.get("rules", []):
        for entry in rule["http"]["paths"]:
            yield f"{rule.get('host')}{entry['path']}", entry["backend"]["service"]


def service_named(name: str, namespace: str) -> Optional[Dict[str, Any]]:
    for service in SERVICES:
        meta = service["metadata"]
        if meta["name"] == name and meta["namespace"] == namespace:
            return service
    return None


# The resolver itself, on small Ingresses made for each rule.
def ingress_of(rules, default: Optional[str] = "fallback") -> Dict[str, Any]:
    spec: Dict[str, Any] = {"rules": []}
    if default:
        spec["defaultBackend"] = {"service": {"name": default}}
    for host, paths in rules:
        entries = [
            {"path": p, "pathType": t, "backend": {"service": {"name": s}}}
            for p, t, s in paths
        ]
        rule: Dict[str, Any] = {"http": {"paths": entries}}
        if host:
            rule["host"] = host
        spec["rules"].append(rule)
    return {"spec": spec}


def test_resolver_wildcard_covers_one_label():
    ingress = ingress_of([("*.example.test", [("/", "Prefix", "wild")])])
    assert resolve(ingress, "a.example.test", "/").service == "wild"
    assert resolve(ingress, "b.a.example.test", "/").service == "fallback"
    assert resolve(ingress, "example.test", "/").service == "fallback"
    assert resolve(ingress, "aexample.test", "/").service == "fallback"


def test_resolver_exact_host_hides_wildcard():
    ingress = ingress_of(
        [
            ("*.example.test", [("/", "Prefix", "wild")]),
            ("shop.example.test", [("/api", "Prefix", "api")]),
        ]
    )
    assert resolve(ingress, "shop.example.test", "/api").service == "api"
    assert resolve(ingress, "shop.example.test", "/other").service == "fallback"


def test_resolver_prefix_by_path_element():
    ingress = ingress_of([("", [("/api", "Prefix", "api")])])
    for path in ("/api", "/api/", "/api/x", "/api//x"):
        assert resolve(ingress, "any.test", path).service == "api", path
    for path in ("/apix", "/", "/ap", "/x/api"):
        assert resolve(ingress, "any.test", path).service == "fallback", path


def test_resolver_longest_path_then_exact():
    ingress = ingress_of(
        [
            (
                "",
                [
                    ("/a", "Prefix", "short"),
                    ("/a/b", "Prefix", "long"),
                    ("/a/b", "Exact", "exact"),
                ],
            )
        ]
    )
    assert resolve(ingress, "x.test", "/a/c").service == "short"
    assert resolve(ingress, "x.test", "/a/b/c").service == "long"
    assert resolve(ingress, "x.test", "/a/b").service == "exact"


def test_resolver_exact_needs_whole_path():
    ingress = ingress_of([("", [("/login", "Exact", "login")])])
    assert resolve(ingress, "x.test", "/login").service == "login"
    assert resolve(ingress, "x.test", "/login/").service == "fallback"
    assert resolve(ingress, "x.test", "/login/x").service == "fallback"


def test_resolver_no_default_gives_none():
    ingress = ingress_of([("a.test", [("/", "Prefix", "a")])], default=None)
    assert resolve(ingress, "b.test", "/") is None


# The demo's manifests.
def test_one_ingress_for_nginx():
    assert len(INGRESSES) == 1
    assert INGRESSES[0]["spec"]["ingressClassName"] == "nginx"


def test_top_level_needs_no_gateway_crds():
    # `kubectl apply -f ingress/` reads only this folder, never gateway-api/.
    for doc in TOP_LEVEL:
        assert not doc["apiVersion"].startswith("gateway.networking.k8s.io/"), doc


@pytest.mark.parametrize("where,ref", list(backend_refs(INGRESSES[0])))
def test_ingress_backend_names_service_port(where, ref):
    namespace = INGRESSES[0]["metadata"]["namespace"]
    service = service_named(ref["name"], namespace)
    assert service, f"{where}: no Service {ref['name']} in {namespace}"
    ports = service["spec"]["ports"]
    port = ref["port"]
    if "name" in port:
        assert port["name"] in {p.get("name") for p in ports}, where
    else:
        assert port["number"] in {p["port"] for p in ports}, where


def test_hosts_use_reserved_domains():
    for rule in INGRESSES[0]["spec"]["rules"]:
        assert rule["host"].rsplit(".", 1)[-1] in RESERVED_TLDS, rule["host"]
    for case in CASES:
        assert case.host.rsplit(".", 1)[-1] in RESERVED_TLDS, case.host


def test_default_backend_matches_table():
    default = INGRESSES[0]["spec"]["defaultBackend"]["service"]["name"]
    assert default == DEFAULT_BACKEND


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.target)
def test_routing_table_row(case):
    match = resolve(INGRESSES[0], case.host, case.path)
    assert match is not None
    assert match.service == case.expected, f"decided by {match.rule}"


def test_routing_table_uses_every_rule():
    used = {resolve(INGRESSES[0], c.host, c.path).rule for c in CASES}
    for rule in INGRESSES[0]["spec"]["rules"]:
        for entry in rule["http"]["paths"]:
            label = f"{rule['host']} {entry['pathType']} {entry['path']}"
            assert label in used, f"no row of the table reaches {label}"
    assert "defaultBackend" in used


def test_routing_table_covers_both_services():
    assert {c.expected for c in CASES} == {s["metadata"]["name"] for s in SERVICES}
