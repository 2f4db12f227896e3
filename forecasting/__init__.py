"""Forecasting: import interval history from ACD CSV exports and forecast calls and AHT.

Core package: depends on numpy, pandas, scipy and statsmodels only (never on the web or the
database). Entry points: ``forecasting.io.read_history_csv``,
``forecasting.forecast.forecast_history`` (or ``fit_forecaster``),
``forecasting.backtest.compare_methods`` and ``forecasting.synthetic``.
"""
