"""Hypothesis profiles: ``ci``, the full run, and ``fast``, for quick local runs.

``HYPOTHESIS_PROFILE=fast pytest`` selects the fast profile; without the variable the full one
runs (``.ci/run`` names it explicitly). A test that needs more or fewer examples than the
profile's default asks for :func:`examples` ``(n)``: ``n`` under the full profile, a tenth of it
under the fast one, so no test pins a count that the fast profile cannot lower.
"""

from __future__ import annotations

import os
from typing import Final

from hypothesis import HealthCheck, settings

__all__ = ["CI", "FAST", "PROFILE_VARIABLE", "current", "examples", "load", "scaled"]

CI: Final = "ci"
FAST: Final = "fast"
PROFILE_VARIABLE: Final = "HYPOTHESIS_PROFILE"

#: The number of examples a test gets under the full profile when it does not ask.
_FULL_EXAMPLES: Final = 100

# Whole-BOM strategies draw many fields; under coverage tracing a draw can take a tenth of a
# second, which is not a bug. Timing belongs to benchmarks/, never to the test suite.
settings.register_profile(
    CI,
    max_examples=_FULL_EXAMPLES,
    # The same examples on every run: CI's verdict depends on the code, never on the draw.
    # Random exploration is the job of local runs and of benchmarks/fuzz_campaign.py.
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(FAST, parent=settings.get_profile(CI), max_examples=10)


def load() -> str:
    """Load the profile ``HYPOTHESIS_PROFILE`` names (the full one when unset); its name."""
    name = os.environ.get(PROFILE_VARIABLE, "").strip() or CI
    settings.load_profile(name)
    return name


def scaled(full: int, profile: settings) -> int:
    """The examples a test that wants ``full`` of them under the full profile gets under
    ``profile``: in proportion to the profile's default, never fewer than one."""
    return max(1, full * profile.max_examples // _FULL_EXAMPLES)


def current() -> settings:
    """The settings of the loaded profile."""
    loaded = settings.default
    assert loaded is not None, "no hypothesis profile is loaded"
    return loaded


def examples(full: int, *, suppress_every_health_check: bool = False) -> settings:
    """Settings that run ``full`` examples under the full profile, proportionally fewer under
    the loaded one; every health check off for strategies that are slow on purpose."""
    count = scaled(full, current())
    if suppress_every_health_check:
        return settings(max_examples=count, suppress_health_check=list(HealthCheck))
    return settings(max_examples=count)
