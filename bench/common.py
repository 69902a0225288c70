"""Shared helpers: timing, percentiles and a cached demo store."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from eskan_desk.app import STORE_FILE, AppContext, open_context

CACHE = Path(__file__).resolve().parent / "results" / "stores"


def time_each(fn: Callable[[str], object], inputs: list[str], repeat: int = 1) -> list[float]:
    """Milliseconds per call, one sample per input (after one warm-up pass)."""
    for q in inputs[: min(20, len(inputs))]:
        fn(q)
    samples = []
    for _ in range(repeat):
        for q in inputs:
            t0 = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def ratio_interval(
    top: list[float], bottom: list[float], resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """A 95% bootstrap interval for ``median(top) / median(bottom)``: each side resampled
    with replacement, ``resamples`` times (seeded, so a run's figures can be recomputed)."""
    rng = random.Random(seed)
    ratios = sorted(
        statistics.median(rng.choices(top, k=len(top)))
        / statistics.median(rng.choices(bottom, k=len(bottom)))
        for _ in range(resamples)
    )
    return ratios[round(0.025 * (resamples - 1))], ratios[round(0.975 * (resamples - 1))]


def demo_store(beneficiaries: int, contacts: int, seed: int = 2111) -> tuple[AppContext, float]:
    """A store with demo data, built once per size and schema and reused across runs.

    Returns the open context and the seconds the build took (0.0 when reused).
    """
    from eskan_desk.services.demo import generate_demo
    from eskan_desk.services.staff import initialize_store, is_initialized, resolve_actor

    # Not keyed by schema: opening an older store migrates it (after a backup copy).
    path = CACHE / f"b{beneficiaries}-c{contacts}-s{seed}"
    ready = path / "READY"
    built = 0.0
    if not ready.exists():
        if (path / STORE_FILE).exists():
            (path / STORE_FILE).unlink()
        ctx = open_context(path)
        if not is_initialized(ctx):
            initialize_store(
                ctx,
                branch_code="KMS",
                branch_name="فرع خميس مشيط",
                admin_username="admin",
                admin_password="bench-password",
            )
        t0 = time.perf_counter()
        generate_demo(
            ctx, resolve_actor(ctx), beneficiaries=beneficiaries, contacts=contacts, seed=seed
        )
        built = time.perf_counter() - t0
        ctx.close()
        ready.write_text(f"{built:.1f}\n")
    return open_context(path, create=False), built
