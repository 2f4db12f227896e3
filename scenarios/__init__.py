"""Scenarios: what-if runs, sweeps and multi-week capacity / hiring plans.

Core package: may import ``forecasting`` and ``optimizer``; never the web or the database.
"""
