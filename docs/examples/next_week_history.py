"""Write the demo queue's history plus the week after it, as an ACD export (CSV on stdout).

The demo (``make run``) stores ten weeks of synthetic history, 2026-08-31 .. 2026-11-08. This
script asks Staffwise's own generator for the same series one week longer (same seed and
shape, so the first ten weeks are exactly the stored ones: ``tests/unit/test_first_run.py``
checks it) inside the demo's opening hours: 2,992 intervals up to Sat 2026-11-14. Uploading
it to the demo's queue inserts the 272 intervals of the new week and leaves the 2,720 stored
ones unchanged; the next forecast then covers the week of 2026-11-16.

Run: ``.venv/bin/python docs/examples/next_week_history.py > history.csv``
"""

from __future__ import annotations

import sys

from api.demo import DEMO_HISTORY_WEEKS, demo_history_csv

if __name__ == "__main__":
    sys.stdout.write(demo_history_csv(DEMO_HISTORY_WEEKS + 1))
