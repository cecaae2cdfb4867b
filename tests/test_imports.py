"""The flow's import contracts (pyproject.toml, [tool.importlinter]) hold: the suite runs
lint-imports as `make lint` does, and shows that a contract does catch an import against it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=src, env=env, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept() -> None:
    done = _lint(ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_an_import_against_the_flow_breaks_a_contract(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "frontaid", src / "frontaid",
                    ignore=shutil.ignore_patterns("__pycache__", "locale", "templates", "static"))
    # A query that calls an action, and the store reaching up into match.
    (src / "frontaid" / "queries" / "wrong.py").write_text("from frontaid.actions import registry\n")
    (src / "frontaid" / "store" / "wrong.py").write_text("from frontaid.match import dedup\n")
    done = _lint(src)
    assert done.returncode != 0
    assert "frontaid.queries.wrong -> frontaid.actions.registry" in done.stdout
    assert "frontaid.store.wrong -> frontaid.match.dedup" in done.stdout
