"""Running the web app in several worker processes with an encrypted replica's key.

The key reaches each worker pickled inside the server's config, over the pipe that
starts the process: never in the environment (readable in /proc) or in a file. Each
worker holds it in memory; stopping the server (a wipe does) ends every worker.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import uvicorn

from frontaid.web.users import hold_keys

MASTER_PID_ENV = "FRONTAID_SERVE_MASTER"  # the supervising process a wipe stops (not a secret)


class KeyedConfig(uvicorn.Config):
    """A uvicorn config carrying the data key of the replica at `frontaid_db` to each worker."""

    frontaid_db: str = ""
    frontaid_key: bytes | None = None

    def load(self) -> None:
        if self.frontaid_key is not None:
            hold_keys(Path(self.frontaid_db), self.frontaid_key)
        super().load()


def serve_workers(db: Path, key: bytes | None, workers: int, host: str, port: int, **options: object) -> None:
    """Serve `frontaid.web.app:app_from_env` in `workers` processes until stopped."""
    from uvicorn.supervisors import Multiprocess

    config = KeyedConfig("frontaid.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                         log_level="warning", access_log=False, **options)  # type: ignore[arg-type]
    config.frontaid_db = str(db)
    config.frontaid_key = key
    os.environ[MASTER_PID_ENV] = str(os.getpid())
    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def stop_serving() -> None:
    """Stop this server: the supervising process when there are workers, else this one."""
    master = os.environ.get(MASTER_PID_ENV, "")
    pid = int(master) if master.isdigit() else os.getpid()
    os.kill(pid, signal.SIGTERM)


__all__ = ["KeyedConfig", "MASTER_PID_ENV", "serve_workers", "stop_serving"]
