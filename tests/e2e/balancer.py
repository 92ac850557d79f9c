"""What a Kubernetes Service does for the processes of one service, for tests that run two of
each: one address, connections spread over the processes in turn, and a process that refuses
connections (killed) is passed over. Plain TCP, a thread per direction of a connection."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
from collections.abc import Sequence


class Balancer:
    def __init__(self, backends: Sequence[int], port: int) -> None:
        self.backends = list(backends)
        self.port = port
        self._turns = itertools.count()
        self._listener = socket.create_server(("127.0.0.1", port))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        turn = next(self._turns)
        for i in range(len(self.backends)):
            port = self.backends[(turn + i) % len(self.backends)]
            try:
                backend = socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue  # gone: the next one
            backend.settimeout(None)
            threading.Thread(target=_pipe, args=(backend, client), daemon=True).start()
            _pipe(client, backend)
            return
        client.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
    finally:
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
