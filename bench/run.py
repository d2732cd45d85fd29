"""Scale benchmark: generate, import, quarterly snapshot vs one hand-written SQL pass.

Run by `make bench` (S and M) or `make bench SCALE=L`. Needs PostgreSQL; the bench database
(DATABASE_URL, default postgres://postgres@127.0.0.1:5432/outreach_bench) is DROPPED and recreated
for every scale. Results go to bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCALES = {"S": 1_000, "M": 10_000, "L": 100_000}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/outreach_bench"
IMPORT_CLIENTS = 1_000  # the CSV set imported for rows/s (~120k rows)
SEED = 1
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Sofia")


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run manage.py; stop the benchmark with its output if it fails."""
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({proc.returncode})")
    return proc


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to drop a database named {name!r}")
    admin = urlunparse(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def measure(command: list[str], env: dict[str, str]) -> dict:
    """Run a command in a fresh helper process; return wall time, peak RSS and its stdout."""
    helper = [sys.executable, str(Path(__file__).resolve()), "--measure", "--", *command]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        helper, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return {"ok": False, "stderr": proc.stderr[-4000:]}
    return {"ok": True, **json.loads(proc.stdout.strip().splitlines()[-1])}


def _measure_child(command: list[str]) -> None:
    """The helper: run one child, then report ITS peak RSS (the only child this process has)."""
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(proc.returncode)
    print(
        json.dumps(
            {
                "wall": wall,
                "peak_rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
                "cpu": usage.ru_utime + usage.ru_stime,
                "stdout": proc.stdout,
            }
        )
    )


SNAPSHOT = """
import sys, django
django.setup()
from django.core.management import call_command, get_commands
if "compute_indicators" not in get_commands():
    print("ENGINE-NOT-AVAILABLE")
    sys.exit(0)
import io, json, time
out = io.StringIO()
started = time.perf_counter()
call_command("compute_indicators", "--period", sys.argv[1], *sys.argv[2:], "--json", stdout=out)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "indicators": json.loads(out.getvalue())["indicators"]}))
"""


def last_full_quarter(day: date) -> str:
    quarter = (day.month - 1) // 3  # the quarter before the one holding `day`
    year = day.year
    if quarter == 0:
        year, quarter = year - 1, 4
    return f"{year}-Q{quarter}"


def quarter_days(period: str) -> tuple[date, date]:
    year, q = int(period[:4]), int(period[-1])
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def run_floor(url: str, period: str) -> tuple[dict[str, float], dict]:
    """Time bench/floor.sql with PostgreSQL's JIT on (the server default) and off.

    The floor is the faster of the two, so that the floor is never slowed down by a setting
    (the engine turns the JIT off for its own transaction).
    """
    import psycopg

    first, last = quarter_days(period)
    sql = (BENCH / "floor.sql").read_text()
    seconds: dict[str, float] = {}
    values: dict = {}
    for jit in ("on", "off"):
        with psycopg.connect(urlunparse(urlparse(url)._replace(scheme="postgresql"))) as conn:
            if jit == "off":
                conn.execute("SET jit = off")
            started = time.perf_counter()
            row = conn.execute(sql, {"first": first, "last": last, "tz": TIME_ZONE}).fetchone()
            seconds[jit] = time.perf_counter() - started
            values = row[0]
    return seconds, values


def _close(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare_floor(floor: dict, indicators: dict) -> list[str]:
    """Return the floor's figures that differ from the snapshot's (none: same figures)."""
    differ = []
    for key, value in floor.items():
        if key == "by_sex_age":
            for name, column in (
                ("clients_served", "served"),
                ("clients_with_involuntary_admission", "involuntary"),
                ("clients_with_coercive_measure", "coerced"),
            ):
                for part, field in (("sex", "sex"), ("age", "band")):
                    sums: dict[str, int] = {}
                    for row in value or []:
                        sums[row[field]] = sums.get(row[field], 0) + row[column]
                    mine = {k: v for k, v in indicators[f"{name}_by_{part}"].items() if v}
                    if mine != {k: v for k, v in sums.items() if v}:
                        differ.append(f"{name}_by_{part}")
        elif not _close(value, indicators.get(key)):
            differ.append(key)
    return differ


def run_scale(scale: str, url: str) -> dict:
    clients = SCALES[scale]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "DB_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "outreach.settings",
    }
    result: dict = {"scale": scale, "clients": clients, "date": datetime.now(UTC).isoformat()}
    log(f"{scale}: recreating the bench database")
    recreate_database(url)
    manage("migrate", "--noinput", "-v0", env=env)

    log(f"{scale}: generating {clients} clients")
    started = time.perf_counter()
    out = manage(
        "generate_synthetic", "--clients", str(clients), "--seed", str(SEED), "--json", env=env
    )
    gen = json.loads(out.stdout.strip().splitlines()[-1])
    result["generate_seconds"] = time.perf_counter() - started
    result["rows"] = gen["rows"]
    result["teams"] = gen["teams"]
    result["tables"] = gen["tables"]

    period = last_full_quarter(date.fromisoformat(gen["anchor"]))
    result["period"] = period
    log(f"{scale}: snapshot {period} (compute_indicators, everything)")
    snap = measure([sys.executable, "-c", SNAPSHOT, period], env)
    if not snap["ok"]:
        result["snapshot"] = "failed: " + snap["stderr"].strip().splitlines()[-1][:200]
    elif "ENGINE-NOT-AVAILABLE" in snap["stdout"]:
        result["snapshot"] = "engine not available"
    else:
        printed = json.loads(snap["stdout"].strip().splitlines()[-1])
        result["snapshot_process_seconds"] = snap["wall"]
        result["snapshot_seconds"] = printed["seconds"]
        result["snapshot_cpu_seconds"] = snap["cpu"]
        result["snapshot_peak_rss_mib"] = snap["peak_rss_mib"]
        result["snapshot_indicators"] = len(printed["indicators"])

    log(f"{scale}: floor (bench/floor.sql)")
    floor_seconds, floor_values = run_floor(url, period)
    result["floor_seconds"] = min(floor_seconds.values())
    result["floor_seconds_jit_on"] = floor_seconds["on"]
    result["floor_seconds_jit_off"] = floor_seconds["off"]
    result["floor_keys"] = len(floor_values)
    if "snapshot_seconds" in result:
        result["floor_differs"] = compare_floor(floor_values, printed["indicators"])
    if "snapshot_seconds" in result:
        result["ratio"] = result["snapshot_seconds"] / result["floor_seconds"]

    log(f"{scale}: import of {IMPORT_CLIENTS} clients as CSV into a new team")
    directory = Path(tempfile.mkdtemp(prefix="outreach-bench-"))
    try:
        manage(
            "generate_synthetic",
            "--clients",
            str(IMPORT_CLIENTS),
            "--seed",
            "99",
            "--teams",
            "1",
            "--csv",
            str(directory),
            env=env,
        )
        run = measure(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "import_caseload",
                str(directory),
                "--team",
                f"bench-import-{scale.lower()}",
                "--municipality",
                "bench-import",
                "--json",
            ],
            env,
        )
        if not run["ok"]:
            raise SystemExit("import_caseload failed:\n" + run["stderr"])
        imported = json.loads(run["stdout"].strip().splitlines()[-1])
        result["import_rows"] = imported["rows"]
        result["import_seconds"] = imported["seconds"]
        result["import_cpu_seconds"] = run["cpu"]
        result["import_rows_per_second"] = imported["rows"] / imported["seconds"]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    result.update(run_first_snapshot(scale, url, env, period))
    log(f"{scale}: done {json.dumps({k: v for k, v in result.items() if k != 'tables'})}")
    return result


def run_first_snapshot(scale: str, url: str, env: dict[str, str], period: str) -> dict:
    """Import + first snapshot as a user meets them (issue 14, item 6).

    A fresh database, the scale's clients written as import files for ONE team and loaded with
    the real `import_caseload` command, then the first `compute_indicators --municipality` of
    that municipality (the only one: it is everything, so the floor is comparable). Nothing
    else analyses the tables (autovacuum may be off): the snapshot meets whatever statistics
    the import left.
    """
    clients = SCALES[scale]
    out: dict = {}
    log(f"{scale}: import + first snapshot: recreating the bench database")
    recreate_database(url)
    manage("migrate", "--noinput", "-v0", env=env)
    directory = Path(tempfile.mkdtemp(prefix="outreach-bench-first-"))
    try:
        log(f"{scale}: import + first snapshot: writing {clients} clients as CSV")
        manage(
            "generate_synthetic", "--clients", str(clients), "--seed", str(SEED), "--teams", "1",
            "--csv", str(directory), env=env,
        )  # fmt: skip
        log(f"{scale}: import + first snapshot: import_caseload")
        run = measure(
            [
                sys.executable, str(ROOT / "manage.py"), "import_caseload", str(directory),
                "--team", "bench-first", "--municipality", "bench-first", "--json",
            ],
            env,
        )  # fmt: skip
        if not run["ok"]:
            raise SystemExit("import_caseload failed:\n" + run["stderr"])
        imported = json.loads(run["stdout"].strip().splitlines()[-1])
        out["first_import_rows"] = imported["rows"]
        out["first_import_seconds"] = imported["seconds"]
        out["first_import_process_seconds"] = run["wall"]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    out["first_period"] = period  # the generator's anchor is the same: the same quarter
    log(f"{scale}: import + first snapshot: compute_indicators --municipality, {period}")
    snap = measure([sys.executable, "-c", SNAPSHOT, period, "--municipality", "bench-first"], env)
    if not snap["ok"]:
        out["first_snapshot"] = "failed: " + snap["stderr"].strip().splitlines()[-1][:200]
        return out
    printed = json.loads(snap["stdout"].strip().splitlines()[-1])
    out["first_snapshot_seconds"] = printed["seconds"]
    out["first_snapshot_process_seconds"] = snap["wall"]
    out["first_total_seconds"] = run["wall"] + snap["wall"]
    again = measure([sys.executable, "-c", SNAPSHOT, period, "--municipality", "bench-first"], env)
    if again["ok"]:  # the same compute once more: warm caches, as the floor meets them
        out["first_snapshot_again_seconds"] = json.loads(again["stdout"].strip().splitlines()[-1])[
            "seconds"
        ]
    floor_seconds, floor_values = run_floor(url, period)
    out["first_floor_seconds"] = min(floor_seconds.values())
    out["first_floor_differs"] = compare_floor(floor_values, printed["indicators"])
    out["first_floor_keys"] = len(floor_values)
    out["first_ratio"] = printed["seconds"] / out["first_floor_seconds"]
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average {load:.1f} at start (machine shared with other work)"
    )


def write_results(results: dict[str, dict]) -> None:
    (BENCH / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`make bench`, `make bench SCALE=L`); see bench/README.md.",
        "Snapshot = `compute_indicators --period P --json` for everything (all teams), run as its",
        "own process (peak RSS is that process's); floor = `bench/floor.sql`, the same figures",
        "(checked: every floor figure is compared with the snapshot's) as one hand-written SQL",
        "statement over the same tables in the same run, the faster of PostgreSQL's JIT on and",
        "off; ratio = snapshot time (the command itself) / floor time. Import rows/s = rows /",
        "the command's own time.",
        "",
    ]

    def fmt(value, spec: str, unit: str = "") -> str:
        return f"{value:{spec}}{unit}" if isinstance(value, int | float) else str(value)

    for scale in ("S", "M", "L"):
        r = results.get(scale)
        if not r:
            continue
        snapshot = r.get("snapshot_seconds", r.get("snapshot", "not run"))
        rows = [
            ("clients", f"{r['clients']:,} in {r['teams']} teams"),
            ("rows generated", f"{r['rows']:,}"),
            ("generate time", fmt(r["generate_seconds"], ".1f", " s")),
            (
                "import rows/s",
                fmt(r.get("import_rows_per_second"), ",.0f")
                + f" ({r.get('import_rows', 0):,} rows in {fmt(r.get('import_seconds'), '.2f', ' s')}"
                + f"; import process CPU {fmt(r.get('import_cpu_seconds'), '.2f', ' s')})",
            ),
            ("period", r["period"]),
            ("snapshot time (compute_indicators itself)", fmt(snapshot, ".2f", " s")),
            (
                "snapshot process wall time (incl. Python and Django start)",
                fmt(r.get("snapshot_process_seconds", "n/a"), ".2f", " s"),
            ),
            ("snapshot process CPU time", fmt(r.get("snapshot_cpu_seconds", "n/a"), ".2f", " s")),
            (
                "floor time",
                fmt(r["floor_seconds"], ".3f", " s")
                + (
                    f" (JIT on {r['floor_seconds_jit_on']:.3f} s, off {r['floor_seconds_jit_off']:.3f} s)"
                    if "floor_seconds_jit_on" in r
                    else ""
                ),
            ),
            (
                "floor figures equal to the snapshot's",
                (
                    "n/a"
                    if "floor_differs" not in r
                    else f"yes, all {r['floor_keys']}"
                    if not r["floor_differs"]
                    else "NO: " + ", ".join(r["floor_differs"])
                ),
            ),
            ("ratio snapshot / floor", fmt(r.get("ratio", "n/a"), ".1f")),
            ("snapshot peak RSS", fmt(r.get("snapshot_peak_rss_mib", "n/a"), ".0f", " MiB")),
            (
                "import + first snapshot: fresh database, import_caseload of all clients as one team",
                f"{r['first_import_rows']:,} rows in {fmt(r['first_import_seconds'], '.1f', ' s')}"
                f" (process {fmt(r['first_import_process_seconds'], '.1f', ' s')})"
                if "first_import_rows" in r
                else "not run",
            ),
            (
                "import + first snapshot: first compute_indicators --municipality "
                + r.get("first_period", ""),
                fmt(
                    r.get("first_snapshot_seconds", r.get("first_snapshot", "not run")), ".2f", " s"
                )
                + (
                    f" (process {r['first_snapshot_process_seconds']:.2f} s)"
                    if "first_snapshot_process_seconds" in r
                    else ""
                ),
            ),
            (
                "import + first snapshot: the same compute again (warm caches)",
                fmt(r.get("first_snapshot_again_seconds", "n/a"), ".2f", " s"),
            ),
            (
                "import + first snapshot: floor on the same data (after both)",
                fmt(r.get("first_floor_seconds", "n/a"), ".3f", " s")
                + (
                    ""
                    if "first_floor_differs" not in r
                    else f", figures equal: yes, all {r['first_floor_keys']}"
                    if not r["first_floor_differs"]
                    else ", figures equal: NO: " + ", ".join(r["first_floor_differs"])
                ),
            ),
            (
                "import + first snapshot: ratio first snapshot / floor",
                fmt(r.get("first_ratio", "n/a"), ".1f"),
            ),
            (
                "import + first snapshot: total (both processes)",
                fmt(r.get("first_total_seconds", "n/a"), ".1f", " s"),
            ),
            ("date", r["date"][:16].replace("T", " ") + " UTC"),
            ("machine", r["machine"]),
            ("code", r.get("commit", "")),
        ]
        lines += [f"## {scale}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in rows]
        lines.append("")
    lines += _other_sections()
    (BENCH / "RESULTS.md").write_text("\n".join(lines))


def _other_sections() -> list[str]:
    """The sections of RESULTS.md other benchmarks wrote (not ## S/M/L), kept as they are."""
    path = BENCH / "RESULTS.md"
    if not path.exists():
        return []
    kept: list[str] = []
    keep = False
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            keep = line[3:].strip() not in ("S", "M", "L")
        if keep:
            kept.append(line)
    return [*kept, ""] if kept else []


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        _measure_child(sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", action="append", choices=sorted(SCALES), help="S, M or L")
    parser.add_argument("--note", default="", help="A remark stored with the results.")
    args = parser.parse_args()
    scales = args.scale or ["S", "M"]
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    path = BENCH / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    for scale in scales:
        info = machine()
        results[scale] = run_scale(scale, url)
        results[scale]["machine"] = info
        results[scale]["commit"] = commit[:100] + (f" ({args.note})" if args.note else "")
        write_results(results)
    log("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()
