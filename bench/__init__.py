"""Benchmarks: each module prints its figures and how they were measured (``make bench``)."""
