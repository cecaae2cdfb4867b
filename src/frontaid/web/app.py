"""The ASGI app `frontaid serve` runs: sync endpoints now, the web pages as they come."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from frontaid import __version__
from frontaid.store.replica import Replica
from frontaid.sync.http import sync_router


def create_app(db: Path) -> FastAPI:
    Replica.open(db).close()  # fail at start, with a clear message, if the db is not a replica
    app = FastAPI(title="frontaid", version=__version__)
    app.include_router(sync_router(lambda: Replica.open(db)))

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
