"""The whole bot in-process (every extension, the real gateway and REST against the sandbox) for the security
tests: `running_bot` (tests/cogs/conftest.py), `world`, `blog` and `sandbox` (tests/e2e/fixtures.py)."""

from __future__ import annotations

from cogs.conftest import running_bot  # noqa: F401
from e2e.fixtures import blog, sandbox, world  # noqa: F401
