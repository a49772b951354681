"""Run a real sync server (uvicorn) on a loopback port in a background thread.

Used by the app's demo mode and by tests::

    server = start_server_thread(tmp_path)          # SQLite file in tmp_path
    requests.get(server.url + "/api/v1/stations",
                 headers={"Authorization": f"Bearer {server.admin_token}"})
    server.stop()
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import uvicorn

from .app import create_app
from .config import ServerConfig, ensure_admin_token
from .transport import guarded_protocol


@dataclass
class RunningServer:
    """A started server: `url` (no trailing slash), `admin_token`, `stop()`."""

    url: str
    admin_token: str
    data_dir: Path
    config: ServerConfig
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    app: Any = field(default=None, repr=False)  # the FastAPI app (tests look at its state)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread (open connections are closed)."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server_thread(data_dir, *, database_url: str | None = None,
                        admin_token: str | None = None, host: str = "127.0.0.1", port: int = 0,
                        timeout: float = 20.0, **settings) -> RunningServer:
    """Start a server and return once it answers. Without `admin_token` the one kept in the
    data dir is used (made on first start). `settings` are `ServerConfig` fields
    (e.g. `station_burst=3`, `push_max_bytes=...`) for tests and benches."""
    config = ServerConfig(data_dir=Path(data_dir), database_url=database_url,
                          admin_token=admin_token, **settings)
    ensure_admin_token(config, announce=False)  # kept in the data dir across restarts
    app = create_app(config, announce_token=False)
    # IPPROTO_TCP given explicitly: asyncio then sets TCP_NODELAY on accepted connections
    # (with proto 0 it does not, and every answer waits ~40 ms for a delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(
        app, log_level=config.log_level, lifespan="on", access_log=False,
        http=guarded_protocol(config.header_timeout_s),
        timeout_keep_alive=max(1, round(config.keep_alive_timeout_s))))
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            errors.append(exc)
        finally:
            sock.close()

    thread = threading.Thread(target=serve, name=f"sync-server-{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if errors or not thread.is_alive():
            raise RuntimeError(f"sync server failed to start: {errors[:1]}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise TimeoutError("sync server did not start in time")
        time.sleep(0.02)
    return RunningServer(url=f"http://{host}:{bound_port}", admin_token=config.admin_token,
                         data_dir=config.data_dir, config=config, _server=server,
                         _thread=thread, app=app)
