"""Stage 7 of the demo: the files it leaves in the output folder (charts, CSV, JSON, web pages), the report it
prints, and the check of the bot's counts against what the community did.

Separate from the run (bot/demo/__init__.py) because this part only reads what the earlier stages produced
(the sandbox's messages, the summaries, the community's ledger) and writes it out.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.demo.names import DATABASE_NAME, GUILD_NAME, LOG_NAME, SUMMARY_CHANNEL
from bot.demo.stages import DemoFailed

if TYPE_CHECKING:
    from bot.demo import ArticleRun
    from bot.summaries.report import Summary


def _slug(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] or "article"


def summary_figures(summary: Summary) -> dict[str, Any]:
    """The numbers of a summary, one line of JSON: what the demo's test compares with `reader-bot summary --json`."""
    return {
        "article": summary.article.url,
        "voters": summary.voters,
        "polls": [
            {
                "question": poll.question,
                "kind": poll.kind.value,
                "votes": poll.votes,
                "options": [[option.label, option.votes] for option in poll.options],
                "answers": len(poll.answers),
            }
            for poll in summary.polls
        ],
    }


class ReportMixin:
    """Part of `Demo`: stage 7, the output files, the report and the checks."""

    # ----- 7: outputs and the report -----------------------------------------------------------------------

    def _save_attachments(self, article: ArticleRun) -> dict[str, bytes]:
        """The chart and CSV the bot attached to the article's summary post, written to the output folder."""
        from bot.demo.transcript import mentions_any

        post = next((m for m in self.sandbox.messages(self.summary_channel) if mentions_any([m], [article.url])), None)
        attached = {a.filename.rsplit(".", 1)[-1].lower(): a.data for a in (post.attachments if post else [])}
        missing = [kind for kind in ("png", "csv") if kind not in attached]
        if missing:
            raise DemoFailed(f"the summary of {article.title!r} in #{SUMMARY_CHANNEL} has no "
                             f"{' and no '.join(missing)} attachment")
        slug = _slug(article.url)
        for kind in ("png", "csv"):
            path = self.output / f"summary-{slug}.{kind}"
            path.write_bytes(attached[kind])
            self.files.append(path)
        return attached

    async def _report(self) -> None:
        """The report: set-up, channel, threads, summary channel, DMs, each author summary, and the checks."""
        from bot.demo.transcript import render_channel, render_dms
        from bot.summaries.render import render_csv, render_json, render_text

        summaries = await self._summaries()
        report = self.report
        web = f" · web {self.addresses['web']}" if "web" in self.addresses else ""
        report += ["═" * 100, f"reader-bot demo · {GUILD_NAME} · sandbox {self.addresses['sandbox']} · "
                   f"blog {self.addresses['blog']}{web}", "═" * 100, ""]
        report += ["── Set-up " + "─" * 90, *self.setup_log, ""]
        report += render_channel(self.sandbox, self.article_channel) + [""]
        for article in self.articles:
            if article.thread is not None:
                report += render_channel(self.sandbox, article.thread, member_limit=4) + [""]
        report += render_channel(self.sandbox, self.review_channel) + [""]
        report += render_channel(self.sandbox, self.summary_channel, compact=True) + [""]
        dms = render_dms(self.sandbox, [("mara.lindner", self.admin), ("sam.okafor", self.second_author)],
                         compact=True)
        if dms:
            report += dms + [""]
        checks: list[str] = []
        for number, (article, summary) in enumerate(zip(self.articles, summaries, strict=True), start=1):
            slug = _slug(article.url)
            attached = self._save_attachments(article)
            json_path = self.output / f"summary-{slug}.json"
            json_path.write_text(render_json(summary), encoding="utf-8")
            self.files.append(json_path)
            heading = f"Author summary {number}/{len(self.articles)}: {article.title}"
            report += ["═" * 100, heading, "═" * 100]
            report += render_text(summary).rstrip("\n").splitlines()
            report.append("figures: " + json.dumps(summary_figures(summary), ensure_ascii=False))
            report.append(f"files: summary-{slug}.png, summary-{slug}.csv, summary-{slug}.json, "
                          f"report-{slug}.html, embed-{slug}.html, chart-{slug}.svg")
            if article.report_url:
                report.append(f"report page (served while the demo ran): {article.report_url}")
            self._write_web_copies(slug, summary)
            report.append("")
            if attached["csv"].decode("utf-8") != render_csv(summary):
                checks.append(f"{article.title!r}: the CSV posted when the polls closed differs from the summary now")
            checks += self._check(article, summary)
        self.files.append(self.output / DATABASE_NAME)
        self.files.append(self.output / LOG_NAME)
        stats = self.community.stats
        report += ["── Check: the bot's summaries against what the community did " + "─" * 39]
        report.append(f"community: {stats.joined} members, {stats.clicks} clicks ({stats.votes} votes, "
                      f"{stats.changes} changed, {stats.withdrawals} withdrawn), {stats.answers} answers "
                      f"({stats.rewrites} rewritten), {stats.chat} thread messages")
        if checks:
            report += [f"MISMATCH {line}" for line in checks]
            raise DemoFailed(f"the bot's counts differ from what the community did ({len(checks)} mismatches, "
                             "listed in the report)")
        polls = sum(len(s.polls) for s in summaries)
        votes = sum(p.votes for s in summaries for p in s.polls)
        answers = sum(len(p.answers) for s in summaries for p in s.polls)
        report.append(f"ok: all {polls} polls agree (votes per option, {votes} votes, {answers} answers, "
                      "voters per article)")

    def _write_web_copies(self, slug: str, summary: Summary) -> None:
        """The report page, the widget and the chart as static files, linking the CSV and JSON beside them."""
        from bot.web.pages import Links, embed_page, report_page
        from bot.web.svg import chart_svg

        links = Links(csv=f"summary-{slug}.csv", json=f"summary-{slug}.json")
        for name, text in ((f"report-{slug}.html", report_page(summary, links)), (f"embed-{slug}.html", embed_page(summary, links)),
                           (f"chart-{slug}.svg", chart_svg(summary, summary.article.language))):
            path = self.output / name
            path.write_text(text, encoding="utf-8")
            self.files.append(path)

    def _check(self, article: ArticleRun, summary: Summary) -> list[str]:
        """Differences between the community's ledger and the bot's summary of one article."""
        ledger = article.plan.ledger
        problems = []
        if summary.voters != ledger.voters:
            problems.append(f"{article.title!r}: {summary.voters} voters, the community had {ledger.voters}")
        for poll in summary.polls:
            expected = ledger.option_counts(poll.id)
            counted = {option.label: option.votes for option in poll.options if option.votes}
            if poll.options and counted != dict(expected):
                problems.append(f"{poll.question!r}: bot {counted}, community {dict(expected)}")
            if len(poll.answers) != ledger.answer_count(poll.id):
                problems.append(f"{poll.question!r}: bot {len(poll.answers)} answers, community "
                                f"{ledger.answer_count(poll.id)}")
        return problems
