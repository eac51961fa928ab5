"""The results: one JSON per run, a PNG chart and ``latest.md`` (the table the README shows)."""

from __future__ import annotations

import json
from pathlib import Path

FIGURES = {  # key: (title, what the target is)
    "command_throughput": ("Command throughput 提诺 over HTTP", "≥ 1.0× raw save"),
    "relay_throughput": ("Relay throughput outbox → JetStream", "≥ 0.8× raw publish"),
    "projection_throughput": ("Projection throughput JetStream → ledger", "≥ 0.5× raw consume"),
    "rebuild": ("Rebuild of the ledger from sequence 1", "1 M events < 60 s, flat RSS"),
    "e2e_latency": ("End-to-end latency 201 → visible", "p99 < 50 ms at 200/s"),
    "scope_fanout": ("Scope fan-out (county subtree vs whole stream)", "subtree time ∝ its share"),
    "grading_cycle": ("定级确定 cost as the cycle grows (G5 check + count)", "flat: largest ≤ 1.5× smallest"),
    "api_scaling": ("提诺 throughput vs API processes (worker separate)", "≥ 1.0× raw save"),
    "relay_failover": ("Relay failover after kill -9 of its holder", "≤ 2× lease TTL, 0 lost or duplicated"),
    "cluster_node_kill": ("Commands lost/duplicated when the R3 stream leader is killed (3-node cluster)", "0"),
}


def missing(result: dict, stores: list[str], selected: list[str] | None = None) -> list[str]:
    """Every (selected figure, store) that produced no value."""
    gaps = []
    for key in selected or FIGURES:
        wanted = ["bus"] if key == "scope_fanout" else stores
        for store in wanted:
            if not isinstance(result["figures"].get(key, {}).get(store, {}).get("value"), (int, float)):
                gaps.append(f"{key}/{store}")
    return gaps


def met(key: str, f: dict) -> str:
    if key == "rebuild":
        flat = f["rss_growth_10_to_100_mb"] < 50
        return "yes" if f["seconds_per_million"] < 60 and flat else "no"
    if key == "e2e_latency":
        return "yes" if f["p99_ms"] < 50 and f["rate"] >= 200 else "no"
    if key == "scope_fanout":
        return "—"
    if key == "grading_cycle":
        return "yes" if f["growth"] <= 1.5 else "no"
    if key == "cluster_node_kill":
        return "yes" if f["value"] == 0 else "no"
    if key == "relay_failover":
        return "yes" if f["value"] <= 2 * f["lease_ttl_s"] and f["lost_or_duplicated"] == 0 else "no"
    return "yes" if f["ratio"] >= f["target_ratio"] else "no"


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def _latency(f: dict) -> str:
    s = f["send_to_visible"]
    return (
        f"{f['offered_rate']:.0f}/s: 201 → visible p50 {_fmt(f['p50_ms'])} / p95 {_fmt(f['p95_ms'])} / p99 "
        f"{_fmt(f['p99_ms'])} ms; send → visible p50 {_fmt(s['p50_ms'])} / p99 {_fmt(s['p99_ms'])} ms"
    )


def table(result: dict) -> str:
    lines = [
        "| figure | store | measured | raw baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, (title, target) in FIGURES.items():
        for store, f in result["figures"].get(key, {}).items():
            if "value" not in f:
                lines.append(f"| {title} | {store} | error: {f.get('error', '?')[:80]} | | | {target} | no |")
                continue
            if key == "e2e_latency":
                lines.append(f"| {title} | {store} | {_latency(f)} | — | — | {target} | {met(key, f)} |")
                sus = f.get("sustainable")
                if sus:
                    lines.append(f"| … at a sustainable load | {store} | {_latency(sus)} | — | — | — | — |")
                continue
            if key == "rebuild":
                rss = f["rss_mb"]
                measured = (
                    f"{f['events']:,} events in {f['seconds']:.1f} s ({_fmt(f['value'])}/s); RSS "
                    f"{rss['10%']:.0f}/{rss['50%']:.0f}/{rss['100%']:.0f} MB at 10/50/100 %"
                )
            elif key == "scope_fanout":
                r = f["readers"]
                measured = "; ".join(
                    f"{s}: {v['events']:,} ev in {v['seconds']:.2f} s ({v['time_vs_whole']:.2f}× "
                    f"whole's time, {v['share']:.1%} of events)"
                    for s, v in r.items()
                )
            elif key == "api_scaling":
                measured = " / ".join(f"{n} proc {_fmt(r)}/s" for n, r in f["per_processes"].items())
                measured += f" ({f['cpus']} CPUs, shared with the worker and the load generator)"
            elif key == "relay_failover":
                measured = (
                    f"{f['value']:.1f} s (TTL {f['lease_ttl_s']:.0f} s); {f['commands_ok']:,} commands, "
                    f"{f['events_on_stream']:,} events on the stream ({f['lost_or_duplicated']} lost or duplicated)"
                )
            elif key == "cluster_node_kill":
                measured = (
                    f"{f['missing']} missing, {f['duplicated']} duplicated of {f['commands']:,} commands; "
                    f"stream complete {f['caught_up_s']:.1f} s after the kill"
                )
            elif key == "grading_cycle":
                measured = " / ".join(f"{int(n):,} orgs {us / 1000:.2f} ms" for n, us in f["per_size_us"].items())
                measured += f" (growth {f['growth']:.2f}×)"
            else:
                measured = f"{_fmt(f['value'])} {f['unit']}"
            base = f"{_fmt(f['baseline'])} ({f['baseline_name']})"
            lines.append(f"| {title} | {store} | {measured} | {base} | {f['ratio']:.2f} | {target} | {met(key, f)} |")
    return "\n".join(lines)


def markdown(result: dict) -> str:
    m, load = result["machine"], result["load_average"]
    return (
        f"# Benchmark results — {result['started']} ({result['mode']} mode)\n\n"
        f"{m['cpus']} CPUs, {m['memory_gb']:.0f} GB, Python {m['python']}, {m['postgres']}, nats-server "
        f"{m['nats_server']}; load average {load['start'][0]:.2f} at start, {load['end'][0]:.2f} at end "
        f"(other work shares this machine). Took {result['seconds']:.0f} s.\n\n{table(result)}\n"
    )


def _panel_bars(ax, key: str, figs: dict) -> bool:
    stores = [s for s, f in figs.get(key, {}).items() if "value" in f]
    xs = range(len(stores))
    ax.bar([x - 0.2 for x in xs], [figs[key][s]["value"] for s in stores], 0.4, label="cxzy")
    ax.bar([x + 0.2 for x in xs], [figs[key][s]["baseline"] for s in stores], 0.4, label="raw baseline")
    for x, s in zip(xs, stores, strict=True):
        ax.annotate(f"{figs[key][s]['ratio']:.2f}×", (x - 0.2, figs[key][s]["value"]), ha="center", va="bottom")
    ax.set_xticks(list(xs), stores)
    ax.set_title(key.replace("_", " "))
    ax.set_ylabel(next((figs[key][s]["unit"] for s in stores), ""))
    return bool(stores)


def _panel_rss(ax, figs: dict) -> bool:
    drawn = False
    for store, f in figs.get("rebuild", {}).items():
        if "rss_samples" in f:
            ax.plot([seq for _, seq, _ in f["rss_samples"]], [rss for _, _, rss in f["rss_samples"]], label=store)
            drawn = True
    ax.set_ylim(bottom=0)  # from zero: flat should look flat
    ax.set_title("rebuild: RSS (MB) vs events applied")
    ax.set_xlabel("stream sequence")
    return drawn


def _panel_latency(ax, figs: dict) -> bool:
    runs = {s: f["sustainable"] for s, f in figs.get("e2e_latency", {}).items() if "sustainable" in f}
    labels = [f"{s}\n{r['offered_rate']:.0f}/s" for s, r in runs.items()]
    for i, q in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        ax.bar(
            [x + (i - 1) * 0.25 for x in range(len(runs))],
            [r[q] for r in runs.values()],
            0.25,
            label=q.removesuffix("_ms"),
        )
    ax.set_xticks(range(len(runs)), labels)
    ax.axhline(50, color="grey", linestyle="--", linewidth=1)
    ax.set_title("e2e 201 → visible at a sustainable load (ms)")
    return bool(runs)


def _panel_fanout(ax, figs: dict) -> bool:
    f = figs.get("scope_fanout", {}).get("bus", {})
    if "readers" not in f:
        return False
    names = ["whole" + (" (projected)" if f["whole"].get("projected") else ""), *f["readers"]]
    ax.bar(names, [f["whole"]["seconds"], *(r["seconds"] for r in f["readers"].values())])
    ax.set_title("scope fan-out: seconds to read")
    ax.tick_params(axis="x", labelsize=8)
    return True


def chart(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = result["figures"]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    panels = [
        lambda ax: _panel_bars(ax, "command_throughput", figs),
        lambda ax: _panel_bars(ax, "relay_throughput", figs),
        lambda ax: _panel_bars(ax, "projection_throughput", figs),
        lambda ax: _panel_rss(ax, figs),
        lambda ax: _panel_latency(ax, figs),
        lambda ax: _panel_fanout(ax, figs),
    ]
    for ax, draw in zip(axes.flat, panels, strict=True):
        if not draw(ax):
            ax.clear()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "not measured in this run", ha="center", va="center", color="grey")
        elif ax.get_legend_handles_labels()[0]:
            ax.legend()
    fig.suptitle(
        f"cxzy benchmarks {result['started']} ({result['mode']}), load average "
        f"{result['load_average']['start'][0]:.1f} at start"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(result: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stem = result["started"].replace(":", "").replace("-", "")
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    chart(result, out / f"{stem}.png")
    (out / "latest.md").write_text(markdown(result) + f"\n![chart]({stem}.png)\n")
    return json_path
