from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings, parse_duration


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, environ={})
    assert settings == Settings(source="defaults")
    assert settings.feeds.poll_interval == 600
    assert settings.polls.duration == 7 * 86400
    assert settings.polls.anonymous is True
    assert settings.feeds.allow_private_addresses is False
    assert settings.database.url == "sqlite+aiosqlite:///reader-bot.db"
    assert settings.discord.api_base == "https://discord.com/api/v10"


def test_example_config_is_valid_and_documents_every_key() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example, environ={})
    assert settings.feeds.poll_interval == 600
    text = example.read_text(encoding="utf-8")
    for section in ("discord", "database", "feeds", "polls"):
        for key in getattr(settings, section).__dataclass_fields__:
            assert key in text, f"config.example.toml does not mention {section}.{key}"


def test_file_values_and_environment_overrides(tmp_path: Path) -> None:
    path = _write(tmp_path, '[feeds]\npoll_interval = "2s"\nmax_bytes = 1000\n[polls]\nduration = "1h"\n[discord]\ntoken = "from-file"\n')
    settings = load_settings(path, environ={"DISCORD_TOKEN": "from-env", "READER_BOT_DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert settings.feeds.poll_interval == 2
    assert settings.feeds.max_bytes == 1000
    assert settings.polls.duration == 3600
    assert settings.discord.token == "from-env"
    assert settings.database.url == "sqlite+aiosqlite:///x.db"


@pytest.mark.parametrize("value, seconds", [("2s", 2), ("5m", 300), ("1h", 3600), ("7d", 604800), (30, 30), ("1.5h", 5400)])
def test_durations(value: str | int, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[feeds]\npoll_intervall = "5m"\n', "feeds.poll_intervall: unknown key"),
        ('[feeds]\npoll_interval = "soon"\n', "feeds.poll_interval: 'soon' is not a duration"),
        ("[feeds]\nmax_bytes = \"big\"\n", "feeds.max_bytes: expected a whole number"),
        ("[polls]\nanonymous = \"yes\"\n", "polls.anonymous: expected true or false"),
        ("[discord]\napi_base = 3\n", "discord.api_base: expected a string"),
        ("[dicsord]\ntoken = \"x\"\n", "[dicsord]: unknown section"),
        ("[feeds\n", "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="READER_BOT_POLL_INTERVAL.*feeds.poll_interval"):
        load_settings(None, environ={"READER_BOT_POLL_INTERVAL": "often"})


@pytest.mark.parametrize("content", ['[feeds]\nmax_bytes = "big"\n', None])
def test_cli_reports_one_line_and_exit_status_2(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "config.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), "migrate"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in result.stderr
