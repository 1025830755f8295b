"""Posting articles and polls exactly once: the outbox (what is about to be sent, what was sent) and the order
of the steps. Knows nothing of Discord; the Discord side is a `PostingTransport` (bot/cogs/publisher.py)."""
