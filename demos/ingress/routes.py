"""The requests the Ingress demo sends and the Service each one must reach.

The driver prints this table as its expected column. The manifest tests resolve
every row against ingress/20-ingress.yaml and ingress/gateway-api/ with their own
implementation of the matching rules, so a wrong row or a wrong rule fails them.
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Tuple

BLUE = "web-blue"
GREEN = "web-green"
DEFAULT_BACKEND = GREEN


class RouteCase(NamedTuple):
    host: str
    path: str
    expected: str
    reason: str
    # The Service under the Gateway API objects when it differs from the Ingress.
    gateway_expected: Optional[str] = None

    @property
    def target(self) -> str:
        return f"{self.host}{self.path}"

    @property
    def gateway_backend(self) -> str:
        return self.gateway_expected or self.expected


CASES: Tuple[RouteCase, ...] = (
    RouteCase("green.example.test", "/", GREEN, "exact host beats the wildcard"),
    RouteCase("green.example.test", "/any/path", GREEN, "Prefix / matches every path"),
    RouteCase("a.example.test", "/", BLUE, "wildcard: one label before .example.test"),
    RouteCase(
        "b.a.example.test",
        "/",
        GREEN,
        "wildcard covers one label only: default backend",
        gateway_expected=BLUE,
    ),
    RouteCase("example.test", "/", GREEN, "wildcard needs a label: default backend"),
    RouteCase("other.test", "/", GREEN, "no host rule: default backend"),
    RouteCase("shop.example.test", "/", GREEN, "host matched, no path: default"),
    RouteCase("shop.example.test", "/api", BLUE, "Prefix /api"),
    RouteCase("shop.example.test", "/api/orders", BLUE, "Prefix /api, per element"),
    RouteCase("shop.example.test", "/apix", GREEN, "/api is no prefix of /apix"),
    RouteCase("shop.example.test", "/api/v2", GREEN, "longest prefix /api/v2"),
    RouteCase("shop.example.test", "/api/v2/orders", GREEN, "longest prefix /api/v2"),
    RouteCase("shop.example.test", "/api/v20", BLUE, "/api/v2 is no prefix of it"),
    RouteCase("shop.example.test", "/login", BLUE, "Exact /login"),
    RouteCase("shop.example.test", "/login/", GREEN, "Exact needs the whole path"),
)
