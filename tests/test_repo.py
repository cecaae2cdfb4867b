"""The repository stands on its own: nothing in it points at files a stranger's clone does not have.

The project began beside a folder of planning notes that never entered the
repository; what the project needs of them now lives in docs/ (design.md,
field-report.md) and CONTRIBUTING.md. A path into that folder would be a dead end
for a newcomer, so this test fails on any tracked file that names one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built from pieces, so this file does not name what it forbids.
FORBIDDEN = ("../" + "shared", "/work/" + "shared", "seed/" + "bakhmut-report")
SKIP_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def tracked_files() -> list[Path]:
    """The files git tracks; every file under the root when there is no git (an unpacked tarball)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [ROOT / name for name in out.decode().split("\0") if name]
    return [p for p in ROOT.rglob("*") if p.is_file() and not SKIP_DIRS & set(p.relative_to(ROOT).parts)]


def test_the_file_list_is_the_repository() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert {"README.md", "CONTRIBUTING.md", "docs/design.md", "docs/field-report.md",
            "tests/test_repo.py"} <= files


def test_no_file_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="replace")
        for needle in FORBIDDEN:
            if needle in text:
                line = text[: text.index(needle)].count("\n") + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {needle}")
    assert not offenders, "files point outside the repository:\n" + "\n".join(offenders)


def test_the_docs_the_readme_promises_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("CONTRIBUTING.md", "docs/design.md", "docs/field-report.md", "docs/guide.md",
                "docs/glossary.md", "docs/sync.md", "docs/cli.md"):
        assert doc in readme, f"README.md does not point at {doc}"
        assert (ROOT / doc).is_file(), f"{doc} is missing"
