"""The Ingress demo: host, wildcard and path rules; `demo` runs it."""

from demos.ingress.demo import DEMO

__all__ = ["DEMO"]
