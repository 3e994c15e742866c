"""zhibiao (指标): Chinese government reports and statistical releases into time series."""

__version__ = "0.1.0"
