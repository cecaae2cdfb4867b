"""Fuzz the bundle parser and the sync endpoint for minutes: the long form of tests/sync/test_fuzz_sync.py.

Each round runs the four fuzz tests with FRONTAID_SOAK=1 (hypothesis not
derandomised: new inputs every round) and `--examples` examples each, until
`--minutes` have passed. The baseline, measured in the same run, is the short
CI form (25 examples, fixed inputs). Prints a table: examples, seconds,
examples per second, failures. Any failure stops the run and shows its input.

    python bench/fuzz.py --minutes 10
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = "tests/sync/test_fuzz_sync.py"


def round_(examples: int, soak: bool) -> tuple[float, int, str]:
    env = {**os.environ, "FRONTAID_FUZZ_EXAMPLES": str(examples), "PYTHONPATH": str(ROOT / "src")}
    if soak:
        env["FRONTAID_SOAK"] = "1"
    else:
        env.pop("FRONTAID_SOAK", None)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", TESTS],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - t, res.returncode, res.stdout + res.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--examples", type=int, default=500, help="examples per test per round")
    args = ap.parse_args()
    rows = []
    secs, code, out = round_(25, soak=False)
    rows.append(("baseline (CI form)", 4 * 25, secs, code))
    deadline = time.monotonic() + args.minutes * 60
    n = 0
    while time.monotonic() < deadline and code == 0:
        n += 1
        secs, code, out = round_(args.examples, soak=True)
        rows.append((f"soak round {n}", 4 * args.examples, secs, code))
    print(f"{'run':<20} {'examples':>9} {'seconds':>8} {'ex/s':>7} {'result':>7}")
    for name, ex, s, rc in rows:
        print(f"{name:<20} {ex:>9} {s:>8.1f} {ex / s:>7.1f} {'ok' if rc == 0 else 'FAILED':>7}")
    total = sum(r[1] for r in rows[1:])
    print(f"{total} soak examples in {sum(r[2] for r in rows[1:]):.0f} s")
    if code != 0:
        print(out[-6000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
