"""The control plane demo: the components diagram in a real cluster; `demo` runs it."""

from demos.control_plane.demo import DEMO

__all__ = ["DEMO"]
