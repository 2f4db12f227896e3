"""Forecasting: import interval history from ACD CSV exports and forecast calls and AHT.

Core package: depends on numpy, pandas and statsmodels only (never on the web or the database).
"""
