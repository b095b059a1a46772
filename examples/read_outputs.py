"""Read ipwarm's outputs from Python with pandas (and pyarrow, for Parquet): a run folder and an experiment folder.

    python3 examples/read_outputs.py RUN_DIR EXPERIMENT_DIR

RUN_DIR is written by `ipwarm run` (daily.csv, or daily.parquet with `--series-format
parquet`; summary.json, scenario.toml) and EXPERIMENT_DIR by `ipwarm sweep` or `ipwarm
compare` (runs.csv, summary.csv, manifest.json, and the daily series: the Parquet parts of
series/ by default, series.csv with `--series-format csv`). The script prints a few figures and checks what the README
promises about the files, so it fails loudly if a format changes: tests/it/python.rs
runs it on fresh outputs.

Two things to know when reading the files:
- Seeds are text, `0x` and hex digits (`"0x9e3779b97f4a7c15"`), in every file:
  a 64-bit seed written as a number is rounded by readers that hold numbers as
  doubles. `int(seed, 16)` gives the integer back; `ipwarm run --seed` takes the
  text as it is.
- In runs.csv and summary.csv each sweep axis has a column of its values (numbers
  as numbers), followed by `<axis>_label` when the experiment gave the axis labels.
- The Parquet series read as they are: `pd.read_parquet(folder / "series")` (or
  `polars.read_parquet(folder / "series/*.parquet")`), rows and columns as in series.csv;
  the reputation holds series.csv's 7 significant digits (to within 3e-8).
"""

import json
import sys
import tomllib
from pathlib import Path

import pandas as pd


def seed(text: str) -> int:
    """A seed as ipwarm writes it (`0x2a`) as an integer."""
    assert isinstance(text, str) and text.startswith("0x"), f"a seed is text, got {text!r}"
    return int(text, 16)


def read_run(folder: Path) -> None:
    summary = json.loads((folder / "summary.json").read_text())
    scenario = tomllib.loads((folder / "scenario.toml").read_text())
    parquet = folder / "daily.parquet"
    daily = pd.read_parquet(parquet) if parquet.exists() else pd.read_csv(folder / "daily.csv")

    strategy = summary["strategy"]
    print(f"run of scenario {summary['scenario']!r} with {strategy['label']}, seed {seed(summary['seed'])}")
    # scenario.toml is the scenario that ran, after --strategy and --seed: its seed is the run's.
    recorded = scenario.get("seed", 1)
    recorded = seed(recorded) if isinstance(recorded, str) else recorded
    assert recorded == seed(summary["seed"]), (recorded, summary["seed"])
    assert scenario["name"] == summary["scenario"]

    # daily.csv: one row per (day, provider, IP); its sums are summary.json's totals.
    assert daily["sent"].sum() == summary["totals"]["sent"]
    per_provider = daily.groupby("provider", sort=False)[["sent", "inbox"]].sum()
    per_provider["inbox_rate"] = per_provider["inbox"] / per_provider["sent"]
    print(per_provider.round(4).to_string())


def read_experiment(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    runs = pd.read_csv(folder / "runs.csv")
    summary = pd.read_csv(folder / "summary.csv")

    # Seeds: text in runs.csv and manifest.json alike, the same for each run.
    assert runs["seed"].dtype == object, runs["seed"].dtype
    runs["seed_int"] = runs["seed"].map(seed)
    # (manifest.json listed every run with its seed before its layout 2.)
    from_manifest = {r["run"]: seed(r["seed"]) for r in manifest.get("runs", [])}
    assert all(from_manifest.get(r, s) == s for r, s in zip(runs["run"], runs["seed_int"]))
    assert all(0 <= s < 2**64 for s in runs["seed_int"])
    seed(manifest["root_seed"])

    # Axes: a column of values per axis (numbers as numbers), then its labels if it has any.
    axes = manifest["axes"]
    # manifest.json: each point's values, and its labels where an axis has them ("labels" absent if none has).
    labels = [p.get("labels") or [None] * len(axes) for p in manifest["points"]]
    labelled = [any(point[i] is not None for point in labels) for i in range(len(axes))]
    for axis, has_labels in zip(axes, labelled):
        assert axis in runs.columns, axis
        assert (f"{axis}_label" in runs.columns) == has_labels, (axis, has_labels)
        values = [p["values"][axes.index(axis)] for p in manifest["points"]]
        if all(_is_number(v) for v in values):
            assert pd.api.types.is_numeric_dtype(runs[axis]), (axis, runs[axis].dtype)

    # summary.csv holds the statistics over replicates: its means are the means of runs.csv.
    ok = runs[runs["status"] == "ok"]
    means = ok.groupby("point")["inbox_share"].mean()
    from_summary = summary[summary["metric"] == "inbox_share"].set_index("point")["mean"]
    assert ((means - from_summary.loc[means.index]).abs() <= 1e-6 * means.abs().clip(lower=1)).all()

    # Warm days are censored at the horizon: an empty days_to_warm_<provider> means "not warm by
    # day days_observed" (NA: a provider this run's scenario does not have). summary.csv gives the
    # restricted mean, the mean of min(day, horizon); warm_times.csv counts the runs never warm.
    restricted = ok["days_to_warm_all"].fillna(ok["days_observed"]).groupby(ok["point"]).mean()
    from_summary = summary[summary["metric"] == "restricted_days_to_warm_all"].set_index("point")["mean"]
    assert ((restricted - from_summary.loc[restricted.index]).abs() <= 1e-6 * restricted.clip(lower=1)).all()
    warm_times = pd.read_csv(folder / "warm_times.csv")
    every = warm_times[warm_times["provider"] == "all"].set_index("point")
    never = ok["days_to_warm_all"].isna().groupby(ok["point"]).sum()
    assert (every.loc[never.index, "n_censored"] == never).all(), (every, never)

    # The daily series: one row per (run, day, provider) of each run that succeeded, whose sums
    # are the run's totals in runs.csv; as Parquet parts (the default) or CSV.
    if manifest["series"]:
        if manifest.get("series_format", "csv") == "parquet":
            series = pd.read_parquet(folder / "series")
        else:
            series = pd.read_csv(folder / "series.csv")
        assert list(series.columns[:3]) == ["run", "day", "provider"], list(series.columns)
        sums = series.groupby("run")[["sent", "inbox"]].sum()
        assert set(sums.index) == set(ok["run"]), "series rows for the runs that succeeded"
        totals = ok.set_index("run").loc[sums.index, ["sent", "inbox"]]
        assert (sums.astype("int64") == totals.astype("int64")).all().all()
        lowest = series.groupby(["run", "day"])["reputation"].min()
        print(f"series: {len(series)} rows, lowest daily reputation {lowest.min():.4f}")

    names = [c for c in runs.columns if c in axes or c.endswith("_label")]
    table = ok.groupby("point").agg(runs=("run", "size"), inbox_share=("inbox_share", "mean"))
    table = table.join(ok.groupby("point")[names].first()) if names else table
    print(f"experiment {manifest['experiment']!r}: {len(manifest['points'])} points x {manifest['replicates']} replicates")
    print(table.round(4).to_string())


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    read_run(Path(sys.argv[1]))
    read_experiment(Path(sys.argv[2]))
    print("ok: outputs read as documented")


if __name__ == "__main__":
    main()
