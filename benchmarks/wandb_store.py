"""W&B through the real wandb SDK: requests and seconds to open an artifact with 500 consumers.

The SDK (``wandb.Api()`` and its ``wandb-core`` sidecar) talks HTTP to the fake W&B backend of
the test suite (``tests/fake_wandb``), which waits ``--latency`` seconds (default 0.1) before
answering each request, as a far-away server would. Prints each figure beside its target (issue
11) with MET / NOT MET.

    .venv/bin/python benchmarks/wandb_store.py [--latency 0.1] [--consumers 500] [--baseline]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_wandb import FakeWandb, Lineage

from lineage_widget import LineageWidget


def fan_out(consumers: int) -> Lineage:
    """raw -> train -> model:v0 -> ``consumers`` eval runs."""
    lin = Lineage("ana")
    raw = lin.artifact("bench", "raw", "dataset")
    train = lin.run("bench", "train", "train")
    lin.use(train, raw)
    model = lin.artifact("bench", "model", "model", aliases=["best"])
    lin.log(train, model)
    for i in range(consumers):
        lin.use(lin.run("bench", f"eval-{i}", "eval"), model)
    return lin


def measure(fake: FakeWandb, action: Callable[[], Any]) -> tuple[Any, int, float]:
    """``action``'s result, the requests it sent and its seconds."""
    fake.reset()
    start = time.perf_counter()
    result = action()
    return result, fake.count(), time.perf_counter() - start


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per request")
    parser.add_argument("--consumers", type=int, default=500)
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also time the SDK's own Artifact.used_by() (one request per consumer: slow)",
    )
    args = parser.parse_args()

    fake = FakeWandb(fan_out(args.consumers))
    with fake.serve(), tempfile.TemporaryDirectory() as folder:
        os.environ.update(fake.environment(Path(folder)))
        import wandb  # noqa: PLC0415 - after the environment points it at the fake

        start = time.perf_counter()
        api = wandb.Api()
        print(f"wandb.Api() with its sidecar, no latency: {time.perf_counter() - start:.2f} s")
        fake.latency = args.latency
        print(f"latency per request: {args.latency * 1000:.0f} ms; consumers: {args.consumers}")
        print()

        def open_once(label: str) -> tuple[LineageWidget, int, float]:
            """api.artifact() (the SDK's lookup), then LineageWidget (the walks), timed apart."""
            artifact, lookup_requests, lookup_seconds = measure(
                fake, lambda: api.artifact("ana/bench/model:best")
            )
            widget, walk_requests, walk_seconds = measure(fake, lambda: LineageWidget(artifact))
            requests, seconds = lookup_requests + walk_requests, lookup_seconds + walk_seconds
            print(
                f"{label}: {requests} requests, {seconds:.2f} s = api.artifact {lookup_requests} "
                f"requests, {lookup_seconds:.2f} s + LineageWidget {walk_requests} requests, "
                f"{walk_seconds:.2f} s"
            )
            return widget, requests, seconds

        w, open_requests, open_seconds = open_once("open, fresh Api (the SDK's first lookup)")
        root = w.root
        open_once("open again, Api warmed up")
        pages: list[tuple[int, float]] = []
        while w._explorer.more(root, "downstream"):
            _, requests, seconds = measure(fake, lambda: w.expand(root, "downstream"))
            pages.append((requests, seconds))
        shown = len(w.graph.consumers(root))
        for i, (requests, seconds) in enumerate(pages, start=2):
            print(f"consumer page {i}: {requests} requests, {seconds:.2f} s")
        print(f"consumers shown: {shown} of {args.consumers}")
        _, repeat_requests, _ = measure(fake, lambda: w.expand(root, "both"))
        again, reuse_requests, _ = measure(
            fake, lambda: LineageWidget(w.graph.node(root).obj, source=w._explorer.source)
        )
        print(f"the same walks again: {repeat_requests} requests in the widget, ", end="")
        print(f"{reuse_requests} in a new widget on the same source")

        if args.baseline:
            artifact = api.artifact("ana/bench/model:v0")
            _, requests, seconds = measure(fake, artifact.used_by)
            print(f"baseline, the SDK's Artifact.used_by(): {requests} requests, {seconds:.1f} s")

    worst_page = max((r for r, _ in pages), default=0)
    print()
    print("targets (issue 11):")
    rows = [
        (
            f"open with {args.consumers} consumers <= 5 requests",
            f"{open_requests}",
            open_requests <= 5,
        ),
        ("open <= 1 s at 100 ms per request", f"{open_seconds:.2f} s", open_seconds <= 1.0),
        ("each further page <= 2 requests", f"worst {worst_page}", worst_page <= 2),
        ("every consumer reachable", f"{shown}", shown == args.consumers),
        (
            "a walk done once costs 0 requests again",
            f"{repeat_requests} / {reuse_requests}",
            repeat_requests == 0 and reuse_requests == 0,
        ),
    ]
    for name, figure, met in rows:
        print(f"  {name:<44} {figure:>12}  {verdict(met)}")
    del again


if __name__ == "__main__":
    main()
