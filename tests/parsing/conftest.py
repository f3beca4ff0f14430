"""Hypothesis profiles for the parser fuzzers.

``ci`` (the default) keeps the fuzzers to a short budget in every suite run;
``HYPOTHESIS_PROFILE=long`` runs them for much longer on demand.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

from tests._video_support import *  # noqa: E402, F403  (emulator fixtures, found by name)
