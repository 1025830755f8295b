"""`reader-bot demo` end to end, as a user runs it: one process, nothing else needed, nothing left behind.

The demo runs once (module fixture, ~30 s); the tests then read what it printed and wrote, and hold the printed
summaries against `reader-bot summary ARTICLE --json` on the demo's own database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.demo.names import DATABASE_NAME
from bot.demo.stages import DEMO_STAGES

DEMO_TIMEOUT = 90
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class DemoResult:
    output: Path
    returncode: int
    stdout: str
    stderr: str
    elapsed: float
    pid: int

    @property
    def figures(self) -> list[dict]:
        return [json.loads(line.removeprefix("figures: ")) for line in self.stdout.splitlines()
                if line.startswith("figures: ")]


def _environment() -> dict[str, str]:
    """The user's environment without anything that would point the demo elsewhere."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith("READER_BOT_") and key != "DISCORD_TOKEN"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    workdir = tmp_path_factory.mktemp("demo")
    output = workdir / "demo output"  # a space in the path, as users have
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--output", str(output)],
        cwd=workdir, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own session: afterwards nothing may be left in it
    )
    try:
        stdout, stderr = process.communicate(timeout=DEMO_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        stdout, stderr = process.communicate()
        pytest.fail(f"reader-bot demo did not finish within {DEMO_TIMEOUT} s\n{stderr[-3000:]}")
    return DemoResult(output, process.returncode, stdout, stderr, time.monotonic() - started, process.pid)


def summaries_as_json(demo: DemoResult, articles: list[str]) -> list[dict]:
    """`reader-bot summary ARTICLE --json` on the demo's database, one process per article, all at once."""
    environment = dict(_environment(), READER_BOT_DATABASE_URL=f"sqlite+aiosqlite:///{demo.output / DATABASE_NAME}")
    processes = [subprocess.Popen([sys.executable, "-m", "bot", "summary", article, "--json"], cwd=demo.output,
                                  env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for article in articles]
    records = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        records.append(json.loads(stdout))
    return records


def test_demo_finishes_successfully_within_a_minute(demo: DemoResult) -> None:
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert demo.elapsed < 60, f"the demo took {demo.elapsed:.1f} s"
    assert re.search(r"^demo finished in [\d.]+ s; output folder: ", demo.stdout, re.MULTILINE)
    assert "reader-bot demo: failed" not in demo.stderr


def test_progress_shows_every_stage_in_order(demo: DemoResult) -> None:
    stages = [int(match) for match in re.findall(rf"^\[(\d)/{DEMO_STAGES}\] ", demo.stderr, re.MULTILINE)]
    assert sorted(set(stages)) == list(range(1, DEMO_STAGES + 1))
    assert stages == sorted(stages)
    assert re.search(r"\d+ clicks \(\d+ votes, \d+ changed, \d+ withdrawn\)", demo.stderr)


def test_nothing_is_left_behind(demo: DemoResult) -> None:
    """No process of the demo's session survives it, and the ports it served on are closed."""
    assert Path("/proc").is_dir(), "the check reads /proc (Linux)"
    survivors = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == demo.pid:  # field 6 of /proc/PID/stat: the session id
            survivors.append(stat.parent.name)
    assert survivors == [], f"processes left from the demo's session: {survivors}"
    ports = re.findall(r"(sandbox|blog) http://127\.0\.0\.1:(\d+)", demo.stdout.split("\n", 3)[1])
    assert {name for name, _ in ports} == {"sandbox", "blog"}
    for name, port in ports:
        with socket.socket() as probe:
            probe.settimeout(1.0)
            assert probe.connect_ex(("127.0.0.1", int(port))) != 0, f"the {name} port {port} is still open"
    for warning in ("Unclosed", "Task was destroyed", "Traceback", "never awaited"):
        assert warning not in demo.stderr, demo.stderr[-2000:]


def test_the_last_article_runs_as_discords_own_polls(demo: DemoResult) -> None:
    out = demo.stdout
    assert "mara.lindner ran /config set style:native" in out
    assert "Discords eigene Umfragen" in out  # the confirmed switch, in the admin's language
    native = re.findall(r"^  📊 (.+) \(ended\)$", out, re.MULTILINE)
    assert native, "the last article's yes/no and choice polls are native polls, ended on Discord"
    counts = [int(n) for n in re.findall(r"^    ○ .+: (\d+)$", out, re.MULTILINE)]
    assert sum(counts) > 0
    assert re.search(r"^ok: all \d+ polls agree", out, re.MULTILINE)  # native votes counted like button votes


def test_prints_the_channel_threads_and_summary_channel(demo: DemoResult) -> None:
    out = demo.stdout
    assert "── #artikel " in out
    assert out.count("── Thread “") == 4
    assert "── #autoren-auswertung " in out
    assert "mara.lindner ran /feed add" in out and "mara.lindner ran /config set" in out
    assert re.search(r"^  \[~(Ja|Yes)~\]", out, re.MULTILINE), "closed polls show disabled buttons"
    assert "Direct messages to mara.lindner" in out and "Direct messages to sam.okafor" in out
    assert "ok: all 12 polls agree" in out  # 4 articles, each at most [polls] max_per_article = 3


def test_printed_summaries_agree_with_reader_bot_summary_json(demo: DemoResult) -> None:
    figures = demo.figures
    assert len(figures) == 4, "one summary per sample article"
    records = summaries_as_json(demo, [printed["article"] for printed in figures])
    for printed, record in zip(figures, records, strict=True):
        assert record["article"]["url"] == printed["article"]
        assert record["voters"] == printed["voters"]
        assert [p["question"] for p in record["polls"]] == [p["question"] for p in printed["polls"]]
        for stored, shown in zip(record["polls"], printed["polls"], strict=True):
            assert stored["votes"] == shown["votes"], stored["question"]
            assert [[o["label"], o["votes"]] for o in stored["options"]] == shown["options"]
            assert len(stored["answers"]) == shown["answers"]
            assert stored["closed"] is True
        # the demo's JSON file is the same document
        slug = printed["article"].rstrip("/").rsplit("/", 1)[-1]
        assert json.loads((demo.output / f"summary-{slug}.json").read_text(encoding="utf-8")) == record


def test_the_human_readable_summaries_show_the_same_numbers(demo: DemoResult) -> None:
    """The text blocks (what a person reads) carry the numbers of their figures line."""
    blocks = demo.stdout.split("═" * 100 + "\nAuthor summary ")[1:]
    assert len(blocks) == 4
    for block, printed in zip(blocks, demo.figures, strict=True):
        text = block.split("\nfigures: ", 1)[0]
        assert re.search(rf"^{printed['voters']} (voters|Teilnehmende) ·", text, re.MULTILINE)
        polls = re.split(r"\n\n(?=\d+\. )", text)[1:]
        assert len(polls) == len(printed["polls"])
        for poll_text, poll in zip(polls, printed["polls"], strict=True):
            counts = [int(n) for n in re.findall(r"^   .*[█░]{10} .*\((\d+)\)$", poll_text, re.MULTILINE)]
            assert counts == [votes for _, votes in poll["options"]], poll["question"]
            if poll["kind"] == "open":
                assert re.search(rf"^   {poll['answers']} (answers|Antworten) ·", poll_text, re.MULTILINE)


def test_the_community_really_took_part(demo: DemoResult) -> None:
    polls = [poll for article in demo.figures for poll in article["polls"]]
    assert len(polls) == 12  # 4 articles x max_per_article (3); the last one through review mode
    assert all(poll["votes"] >= 15 for poll in polls if poll["kind"] != "open")
    assert all(poll["answers"] >= 5 for poll in polls if poll["kind"] == "open")
    assert all(20 <= article["voters"] <= 50 for article in demo.figures)
    changed = re.findall(r"(\d+) changed, (\d+) withdrawn", demo.stdout)
    assert changed and all(int(n) > 0 for n in changed[-1])


def test_writes_charts_and_csv(demo: DemoResult) -> None:
    charts = sorted(demo.output.glob("summary-*.png"))
    tables = sorted(demo.output.glob("summary-*.csv"))
    assert len(charts) == 4 and len(tables) == 4
    for chart in charts:
        data = chart.read_bytes()
        assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
        width, height = struct.unpack(">II", data[16:24])
        assert 400 <= width <= 2000 and 300 <= height <= 4000, (chart.name, width, height)
        assert len(data) > 10_000, "a chart with bars and labels, not an empty canvas"
    for table, printed in zip(tables, sorted(demo.figures, key=lambda f: f["article"].rstrip("/").rsplit("/", 1)[-1]),
                              strict=True):
        rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
        article_row = next(row for row in rows if row["section"] == "article")
        assert article_row["text"] == printed["article"]
        assert int(article_row["votes"]) == printed["voters"]
        option_rows = [(row["label"], int(row["votes"])) for row in rows if row["section"] == "option"]
        assert option_rows == [(label, votes) for poll in printed["polls"] for label, votes in poll["options"]]


def test_bad_member_count_is_refused_politely(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "bot", "demo", "--members", "1", "--output", str(tmp_path)],
                              cwd=tmp_path, env=_environment(), capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert "--members must be between" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_output_that_is_a_file_is_refused_politely(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder", encoding="utf-8")
    finished = subprocess.run([sys.executable, "-m", "bot", "demo", "--output", str(blocker)],
                              cwd=tmp_path, env=_environment(), capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert "cannot use the output folder" in finished.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_failed_stage_is_one_clear_line_and_a_clean_exit(tmp_path: Path) -> None:
    """The bot gets no time to connect: the demo names the stage, exits 1, and still stops what it started."""
    code = ("import sys, bot.demo as demo; from pathlib import Path; from bot.config import Settings; "
            "demo.START_TIMEOUT_SECONDS = 0.01; "
            "sys.exit(demo.run_demo(Settings(), output=Path(sys.argv[1]), members=10))")
    finished = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], cwd=tmp_path,
                              env=_environment(), capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1
    lines = finished.stderr.strip().splitlines()
    assert lines[-2].startswith("reader-bot demo: failed at stage [1/7] starting the Discord sandbox")
    assert "did not connect" in lines[-2]
    assert lines[-1] == f"reader-bot demo: the bot's log is in {tmp_path / 'out' / 'bot.log'}"
    for warning in ("Traceback", "Unclosed", "Task was destroyed", "unclean shutdown"):
        assert warning not in finished.stderr


def test_review_mode_on_the_last_article(demo: DemoResult) -> None:
    """Editors decide on one article: a proposal dropped, one edited, the rest approved, one poll by hand; the
    review channel shows each proposal's state and who decided it, and the thread has exactly what they let out."""
    out = demo.stdout
    assert "mara.lindner ran /config set review:True review_channel:redaktion editor_role:Redaktion" in out
    assert "jana.weber dropped proposal 1 in #redaktion" in out and "jana.weber edited proposal 2" in out
    assert "jana.weber approved the rest in #redaktion" in out and "mara.lindner ran /poll add" in out
    review = out.split("── #redaktion ", 1)[1].split("\n── ", 1)[0]
    assert "dropped by @jana.weber" in review and "approved by @jana.weber" in review and "edited by @jana.weber" in review
    thread = out.split("── Thread “Is the newsletter boom over?”", 1)[1].split("\n── ", 1)[0]
    assert "Which newsletter do you actually read to the end?" in thread and ", honestly?" in thread
    dropped = review.split("🗑️ **1. ", 1)[1].split("**", 1)[0]
    assert f"**{dropped}**" not in thread


def test_report_pages_were_served_and_copied(demo: DemoResult) -> None:
    """Links to the live report pages were printed while it ran; static copies hold the same figures."""
    import lxml.html

    links = re.findall(r"report page for “.+?”: (http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{32})$", demo.stderr, re.MULTILINE)
    assert len(set(links)) == 4, demo.stderr[-2000:]
    for printed in demo.figures:
        slug = printed["article"].rstrip("/").rsplit("/", 1)[-1]
        page = (demo.output / f"report-{slug}.html").read_text(encoding="utf-8")
        document = lxml.html.fromstring(page)
        assert int(document.xpath("//p[@data-voters]/@data-voters")[0]) == printed["voters"]
        sections = document.xpath("//section[@class='poll']")
        assert [int(s.get("data-votes")) for s in sections] == [p["votes"] for p in printed["polls"]]
        for section, poll in zip(sections, printed["polls"], strict=True):
            rows = section.xpath(".//tr[@class='option']")
            assert [[r.get("data-label"), int(r.get("data-votes"))] for r in rows] == poll["options"]
        assert document.xpath("//a[@download]/@href") == [f"summary-{slug}.csv", f"summary-{slug}.json"]
        assert not document.xpath("//script")
        assert (demo.output / f"embed-{slug}.html").read_text(encoding="utf-8").startswith("<!doctype html>")
        assert "<svg" in (demo.output / f"chart-{slug}.svg").read_text(encoding="utf-8")
