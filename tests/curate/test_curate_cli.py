"""``extract curate``: serve (127.0.0.1 by default), accounts, tokens, gold export and import."""

from __future__ import annotations

import json

from curate_support import ROOT
from typer.testing import CliRunner

from extract.cli import app

runner = CliRunner()


def test_curate_serves_on_localhost_by_default(db, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "extract.curate.serve", lambda path, host, port, **kw: calls.append((path, host, port, kw))
    )
    result = runner.invoke(app, ["curate", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert calls == [(db, "127.0.0.1", 8000, {"secure_cookies": None, "allowed_hosts": ()})]


def test_curate_passes_cookie_and_host_options_to_the_server(db, monkeypatch):
    calls = []
    monkeypatch.setattr("extract.curate.serve", lambda path, host, port, **kw: calls.append(kw))
    result = runner.invoke(
        app,
        [
            "curate",
            "--db",
            str(db),
            "--secure-cookies",
            "--allowed-host",
            "curate.lab.example",
            "--allowed-host",
            "curate",
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls == [{"secure_cookies": True, "allowed_hosts": ["curate.lab.example", "curate"]}]
    runner.invoke(app, ["curate", "--db", str(db), "--host", "0.0.0.0", "--no-secure-cookies"])
    assert calls[-1]["secure_cookies"] is False


def test_curate_warns_when_told_to_bind_elsewhere(db, monkeypatch):
    calls = []
    monkeypatch.setattr("extract.curate.serve", lambda path, host, port, **kw: calls.append(host))
    result = runner.invoke(app, ["curate", "--db", str(db), "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0 and calls == ["0.0.0.0"]
    assert "other machines can reach" in result.output


def test_curate_without_a_store_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["curate", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "no such store" in result.output


def test_user_add_stores_a_hash_and_refuses_duplicates(db):
    from extract.curate.auth import authenticate
    from extract.curate.db import open_store

    result = runner.invoke(
        app,
        [
            "curate",
            "user",
            "add",
            "carol",
            "--role",
            "adjudicator",
            "--db",
            str(db),
            "--password-stdin",
        ],
        input="a long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert authenticate(store, "carol", "a long passphrase").role == "adjudicator"
    again = runner.invoke(
        app,
        ["curate", "user", "add", "carol", "--db", str(db), "--password-stdin"],
        input="another passphrase\n",
    )
    assert again.exit_code == 2 and "already exists" in again.output
    listing = runner.invoke(app, ["curate", "user", "list", "--db", str(db)])
    assert "carol\tadjudicator" in listing.output


def test_token_is_printed_once(db):
    result = runner.invoke(app, ["curate", "token", "alice", "--db", str(db)])
    assert result.exit_code == 0 and result.output.startswith("cur_")
    assert runner.invoke(app, ["curate", "token", "nobody", "--db", str(db)]).exit_code == 2


def test_import_then_export_gold(db, tmp_path):
    gold = ROOT / "corpus" / "gold" / "000_05e11c3b259efc19.jsonl"
    result = runner.invoke(
        app, ["curate", "import", str(gold), "--db", str(db), "--as", "importer"]
    )
    assert result.exit_code == 0, result.output
    assert "1 gold files → 1 documents" in result.output
    out = tmp_path / "gold"
    nothing = runner.invoke(app, ["curate", "export", "--db", str(db), "-o", str(out)])
    assert "no curated documents to export" in nothing.output
    result = runner.invoke(
        app, ["curate", "export", "--db", str(db), "-o", str(out), "--include-in-progress"]
    )
    assert result.exit_code == 0, result.output
    lines = (out / gold.name).read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(gold.read_text(encoding="utf-8").splitlines())
    assert all(json.loads(line)["kind"] in ("trial", "outcome", "effect") for line in lines)
