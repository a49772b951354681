"""HTTP connections that cannot hold the server: a deadline for the request headers.

uvicorn bounds the idle time between requests (`timeout_keep_alive`) but not the time a client
may take to send its headers: a client that connects and trickles (or sends nothing) would hold
its connection for ever. `GuardedH11Protocol` closes a connection whose request headers are not
complete `header_timeout_s` after it connected or after its previous answer. The body has its
own deadline (limits.BodyLimitMiddleware, 408).
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


def guarded_protocol(header_timeout_s: float) -> type[H11Protocol]:
    class GuardedH11Protocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._arm() if self.conn.their_state is h11.IDLE else self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout_s, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return GuardedH11Protocol


# For `--workers N`: worker processes are spawned and get the protocol class by reference, so
# it must be importable by name; the parent puts the timeout in the environment first.
WorkerGuardedH11Protocol = guarded_protocol(
    float(os.environ.get("PICKUP_SERVER_HEADER_TIMEOUT_S", "10")))
WorkerGuardedH11Protocol.__qualname__ = WorkerGuardedH11Protocol.__name__ = \
    "WorkerGuardedH11Protocol"
