"""The IPC demo: an API and workers share jobs through Redis.

`demo` runs it in the cluster; `python -m demos.ipc.local` runs the same apps on
this machine without Kubernetes.
"""

from demos.ipc.demo import DEMO

__all__ = ["DEMO"]
