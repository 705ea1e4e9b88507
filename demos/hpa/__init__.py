"""The HPA demo: web scales out under in-cluster load and back; `demo` runs it."""

from demos.hpa.demo import DEMO

__all__ = ["DEMO"]
