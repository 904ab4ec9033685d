"""Percentiles for the benchmarks (imported by the scripts beside it)."""

import statistics


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def p50_p95(times_ms: list[float]) -> str:
    """ "p50 4.5 ms, p95 5.7 ms" for a list of timings in milliseconds."""
    return f"p50 {statistics.median(times_ms):.1f} ms, p95 {percentile(times_ms, 95):.1f} ms"
