"""The base plan of a what-if run (:class:`Base`), apart from :mod:`scenarios.whatif` so that
:mod:`scenarios.provenance` can hash it without importing the runner."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scenarios.whatif_deferred import DeferredStage
from scenarios.whatif_model import PlanSettings
from scenarios.whatif_roster import RosterStage

__all__ = ["Base"]


@dataclass(frozen=True, slots=True, eq=False)
class Base:
    """The base plan: a forecast frame (``interval_start`` UTC, ``calls``, ``aht_s``), the
    queue's IANA ``zone``, the interval length, the planning settings, optionally a roster
    stage (:mod:`scenarios.whatif_roster`), the first day of the site's week
    (``week_start_day``: 0 = Monday .. 6 = Sunday; weekly figures group by such weeks) and,
    for a deferred queue (e-mail), its deadline and opening hours (``deferred``: the forecast's
    calls are then items and ``aht_s`` the work per item; :mod:`scenarios.whatif_deferred`)."""

    forecast: pd.DataFrame
    zone: str
    interval_min: int
    settings: PlanSettings
    roster: RosterStage | None = None
    week_start_day: int = 0
    deferred: DeferredStage | None = None
