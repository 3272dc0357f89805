"""Helpers shared by the benchmark scripts: machine description, percentiles, table output."""

from __future__ import annotations

import os
import platform
import resource
import statistics
from collections.abc import Sequence
from pathlib import Path


def machine() -> str:
    """One line saying what the figures were measured on."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its largest finished child), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def table(rows: Sequence[tuple[str, str, str]]) -> str:
    """Rows of (measure, value, target) with a ✓/✗ left to the caller in the value."""
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    lines = [f"{'measure':<{width}}  {'value':>{vwidth}}  target", "-" * (width + vwidth + 12)]
    lines += [f"{m:<{width}}  {v:>{vwidth}}  {t}" for m, v, t in rows]
    return "\n".join(lines)
