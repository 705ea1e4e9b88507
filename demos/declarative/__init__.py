"""The declarative demo: create vs apply, diff, drift, pruning; `demo` runs it."""

from demos.declarative.demo import DEMO

__all__ = ["DEMO"]
