"""Articles whose questions the real question finder finds (bot/questions/finder.py), with what it finds."""

from __future__ import annotations

FOUR_DAY_WEEK_TITLE = "A four-day week, one year later"
FOUR_DAY_WEEK = [
    "We moved our whole team to a four-day week last spring. Productivity stayed the same, and sick days went down.",
    "Would you work four days a week for the same pay?",
    "Some colleagues prefer Monday off, others Friday. Would you rather take Monday or Friday off?",
    "What would you miss most about the five-day week?",
    "Tell us in the thread, we read every answer.",
]
FOUR_DAY_WEEK_QUESTIONS = [
    ("Would you work four days a week for the same pay?", "yes_no"),
    ("Would you rather take Monday or Friday off?", "choice"),
    ("What would you miss most about the five-day week?", "open"),
]

