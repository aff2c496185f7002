"""Runs of the daily and nightly jobs: their ids and times.

Every route and flag a job writes carries its run's id, so a person can ask
"which run wrote this?", and a run cut short is told apart from a finished one.

>>> new_run_id("A")[:1], len(new_run_id("A"))
('A', 23)
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone


def now() -> str:
    """The UTC time to the second, as the jobs write it, e.g. ``2025-01-01T06:30:00+00:00``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id(prefix: str) -> str:
    """A run's id: its UTC time and a random suffix, e.g. ``A20250101T063000-1a2b3c``."""
    return f"{prefix}{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
