"""Crafted and oversized bundles through `frontaid sync import`: exit 2, one line, bounded memory."""

from __future__ import annotations

import os
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from frontaid.errors import TooLarge
from frontaid.sync import envelope
from frontaid.sync.batch import make_batch
from frontaid.sync.bundle import MAX_BUNDLE, deployment_key, import_bundle

MB = 1024 * 1024


def run_measured(sk: Any, db: Path, *args: str) -> tuple[int, str, str, int]:
    """Run the CLI; (exit code, stdout, stderr, its own peak memory in bytes)."""
    env = {**os.environ, "FRONTAID_LANG": "en", "FRONTAID_ACTOR": "tester"}
    env.pop("FRONTAID_DEBUG", None)
    proc = subprocess.Popen([str(sk.FRONTAID), "--db", str(db), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out, err, usage.ru_maxrss * 1024


def test_a_1_gb_sparse_file_with_the_magic_is_refused_in_bounded_memory(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    big = deployment.root / "big.fab"
    with open(big, "wb") as fh:
        fh.write(envelope.MAGIC)
        fh.truncate(1024 * MB)  # sparse: a gigabyte on paper, nothing on disk
    assert big.stat().st_size > MAX_BUNDLE
    before = sk.snap(hub)
    tracemalloc.start()
    with pytest.raises(TooLarge):
        import_bundle(hub, big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * MB, peak
    assert sk.snap(hub) == before
    # The command against a baseline in the same run: the same refusal of an 8-byte file.
    small = deployment.root / "small.fab"
    small.write_bytes(b"notabndl")
    code, _out, err, baseline = run_measured(sk, hub.path, "sync", "import", str(small))
    assert code == 2, err
    code, _out, err, rss = run_measured(sk, hub.path, "sync", "import", str(big))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "MB" in err, err
    assert rss < baseline + 20 * MB, f"peak {rss / MB:.0f} MB against a {baseline / MB:.0f} MB baseline"
    assert sk.snap(hub) == before


CRAFTED: list[Any] = [
    [1, 2, 3],
    {"v": 2},
    {"v": 2, "from": "x", "deployment": "y", "vector": [], "runs": [], "heads": []},
    {"v": 2, "from": "x", "deployment": "y", "vector": {"a": 1}, "runs": [[1, 2]], "heads": []},
    {"v": 2, "from": "x", "deployment": "y", "vector": {"a": 1e400}, "runs": [], "heads": []},
]


def test_crafted_bundles_exit_2_with_one_line(deployment: Any, sk: Any) -> None:
    hub = deployment.hub
    dev = deployment.join("team-east")
    genuine = make_batch(dev, {})
    crafted = [*CRAFTED, {**genuine, "vector": [1]}, {**genuine, "heads": [[1]]},
               {**genuine, "runs": [[genuine["runs"][0][0], 1, b"", [[]]]]}]
    hub.close()
    for i, payload in enumerate(crafted):
        path = deployment.root / f"crafted{i}.fab"
        path.write_bytes(envelope.seal(payload, deployment_key(dev)))
        res = sk.cli(hub.path, "sync", "import", str(path), check=False)
        line = sk.assert_cli_refused(res)
        assert "Internal error" not in line, (i, line)
    # Not a bundle at all, and one cut short.
    (deployment.root / "text.fab").write_text("hello")
    sk.assert_cli_refused(sk.cli(hub.path, "sync", "import", str(deployment.root / "text.fab"), check=False))
    blob = envelope.seal(genuine, deployment_key(dev))
    (deployment.root / "cut.fab").write_bytes(blob[: len(blob) // 2])
    sk.assert_cli_refused(sk.cli(hub.path, "sync", "import", str(deployment.root / "cut.fab"), check=False))
    deployment.hub = type(hub).open(hub.path)
