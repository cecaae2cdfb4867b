"""The repository stands on its own: nothing in it points at files a stranger's clone does not have.

The project began beside a folder of planning notes that never entered the
repository; what the project needs of them now lives in docs/ (design.md,
field-report.md) and CONTRIBUTING.md. A path into that folder would be a dead end
for a newcomer, so this test fails on any tracked file that names one.
"""

from __future__ import annotations

import re
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


PACKAGE = ROOT / "src" / "frontaid"
# Docs that name files of the code; a renamed or split module must be renamed there too.
NAMING_DOCS = ("README.md", "CONTRIBUTING.md", "docs/design.md", "docs/sync.md", "docs/field-report.md")


def named_paths(text: str) -> set[str]:
    """Paths in backticks that look like files or packages of ours: `store/replica.py`, `tests/sync/`."""
    found = set()
    for token in re.findall(r"`([A-Za-z_][\w./:-]*)`", text):
        token = token.split("::")[0]
        if token.endswith((".py", ".md", ".po", ".html")) or (token.endswith("/") and "/" in token[:-1]) \
                or re.fullmatch(r"[a-z]+/", token):
            found.add(token)
    return found


def exists(token: str) -> bool:
    name = token.rstrip("/")
    candidates = [ROOT / name, PACKAGE / name, ROOT / "docs" / name, ROOT / "tests" / name]
    if any(c.exists() for c in candidates) or any(PACKAGE.glob(f"*/{name}")):
        return True
    # A bare file name (`test_crash.py`, `web.po`) is looked for anywhere in src/ and tests/.
    return "/" not in name and any(True for top in ("src", "tests") for _ in (ROOT / top).rglob(name))


def test_the_files_the_docs_name_exist() -> None:
    missing = []
    for doc in NAMING_DOCS:
        for token in sorted(named_paths((ROOT / doc).read_text(encoding="utf-8"))):
            if not exists(token) and token.rstrip("/") not in FUTURE:
                missing.append(f"{doc}: {token}")
    assert not missing, "the docs name files that are not there:\n" + "\n".join(missing)


# Packages docs/design.md describes under "What comes next": named before they exist.
FUTURE = {"imports", "formats"}
