"""The whole bot in-process (every extension, the real gateway and REST against the sandbox) for the security
tests: `running_bot` (tests/cogs/conftest.py), `world`, `blog` and `sandbox` (tests/e2e/fixtures.py).

Tests ask for `blog` before `running_bot`, so the blog is set up first and torn down last: the bot is closed
before the blog stops, and no page request of the bot is cut off in the middle (an aiohttp server stopped with
requests in flight can leave handler tasks behind that hang the event loop's shutdown)."""

from __future__ import annotations

from cogs.conftest import running_bot  # noqa: F401
from e2e.fixtures import blog, sandbox, world  # noqa: F401
