"""`--json` after the command (`frontaid status --json`) and failures printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontaid.cli import app
from frontaid.cli.context import json_first

runner = CliRunner()


def test_json_is_moved_before_the_command_but_not_past_a_double_dash() -> None:
    assert json_first(["status", "--json"]) == ["--json", "status"]
    assert json_first(["--db", "x.db", "household", "list", "--json"]) == [
        "--json", "--db", "x.db", "household", "list"]
    assert json_first(["--json", "status"]) == ["--json", "status"]
    assert json_first(["note", "--", "--json"]) == ["note", "--", "--json"]


def test_status_json_after_the_command_prints_one_document(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    init = runner.invoke(app, ["--db", db, "--lang", "en", "init", "--no-encrypt", "--town", "Бахмут"])
    assert init.exit_code == 0, init.stderr
    res = runner.invoke(app, ["--db", db, "--lang", "en", "status", "--json"])
    assert res.exit_code == 0, res.stderr
    assert isinstance(json.loads(res.stdout), dict)


def test_with_json_a_failure_is_a_json_error_on_stderr(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.db")
    res = runner.invoke(app, ["--db", missing, "--lang", "uk", "status", "--json"])
    assert res.exit_code == 2
    assert res.stdout == ""
    err = json.loads(res.stderr)["error"]
    assert err["code"] == "NoReplica" and err["exit"] == 2
    assert "frontaid init" in err["message"] and "немає" in err["message"]
    usage = runner.invoke(app, ["--lang", "en", "status", "--no-such-flag", "--json"])
    assert usage.exit_code == 2
    assert json.loads(usage.stderr)["error"]["code"] == "UsageError"


def test_without_json_a_failure_stays_one_plain_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "--lang", "en", "status"])
    assert res.exit_code == 2
    assert not res.stderr.lstrip().startswith("{")
    assert len(res.stderr.strip().splitlines()) == 1
