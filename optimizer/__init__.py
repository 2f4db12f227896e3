"""Optimizer: Erlang requirements, discrete-event simulation and CP-SAT rosters.

Core package: may import ``forecasting``; never the web, the database or settings.
"""
