"""Printouts are read back as a person would: pages counted with poppler, text pulled out
with pdftotext, pages rendered to PNG with pdftoppm. The demo town is built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontaid.store.replica import Replica

DEMO_HOUSEHOLDS = 300


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from frontaid.scenario import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, households=DEMO_HOUSEHOLDS).close()
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Replica]:
    rep = Replica.open(demo_path)
    yield rep
    rep.close()
