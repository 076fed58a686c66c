"""Tests of the benchmarks' own arithmetic (``bench/``): pure, fast, outside the unit tier, which
tests the product and imports nothing from ``bench/``."""
