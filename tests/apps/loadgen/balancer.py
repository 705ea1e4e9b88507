"""A TCP balancer on loopback that picks a backend per connection, like a Service.

kube-proxy chooses a pod when a connection opens and keeps it for the
connection's life. This balancer does the same (round-robin over the active
backends) and counts the connections it accepted, so a test can see how many
connections a client opened and which backends it reached.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
from typing import List

ACCEPT_POLL_S = 0.1


class Balancer:
    def __init__(self, backend_ports: List[int]) -> None:
        self.lock = threading.Lock()
        self.backends = list(backend_ports)
        self.turn = itertools.count()
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(ACCEPT_POLL_S)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Balancer:
        self.thread.start()
        return self

    def set_backends(self, backend_ports: List[int]) -> None:
        """Route new connections to these backends; open ones stay where they are."""
        with self.lock:
            self.backends = list(backend_ports)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()

    def _pick(self) -> int:
        with self.lock:
            port = self.backends[next(self.turn) % len(self.backends)]
            self.connections += 1
            return port

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            port = self._pick()
            try:
                backend = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                client.close()
                continue
            _Pipe(client, backend).start()


class _Pipe:
    """Both directions of one proxied connection; the last one to end closes it."""

    def __init__(self, client: socket.socket, backend: socket.socket) -> None:
        self.client = client
        self.backend = backend
        self.lock = threading.Lock()
        self.open_directions = 2

    def start(self) -> None:
        for source, sink in ((self.client, self.backend), (self.backend, self.client)):
            source.settimeout(None)
            threading.Thread(
                target=self._pump, args=(source, sink), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes until ``source`` ends, then end the write side of ``sink``."""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
        with self.lock:
            self.open_directions -= 1
            last = self.open_directions == 0
        if last:
            self.client.close()
            self.backend.close()
