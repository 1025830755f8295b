"""What a benchmark ran on, printed beside its figures so that a result can be judged."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def machine_info() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"nproc={os.cpu_count()}  CPU: {cpu}  Python {platform.python_version()}  "
            f"SQLite {sqlite3.sqlite_version}  {platform.system()} {platform.release()}")
