"""Actuals: what happened, against what was planned, and why it differed.

Core package beside ``scenarios``: it may import ``forecasting``, ``optimizer`` and
``scenarios``; nothing below imports it, and it never imports the web, the database or settings.

Modules: :mod:`.types` (service-level basis, column contracts), :mod:`.calls` (a per-call log
into interval actuals and per-agent attendance), :mod:`.io` (validation of imported interval
actuals and attendance spans), :mod:`.attribution` (Shapley variance attribution with the
queueing model), :mod:`.report` (per day / week / month service report), :mod:`.intraday`
(reforecast of the rest of the day from the actuals so far).
"""
