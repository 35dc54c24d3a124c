"""`make bench`: logstream's speed, CPU and memory, each next to a baseline measured in
the same run on the same machine.

  1. the transform alone vs gzip -1 (logstream-bench, Swift);
  2. the whole pipeline — FilterLogEvents pages → documents → gzip NDJSON → bulk answers —
     against in-memory stand-ins for both services (rig/bench_standins.py), next to
     `gzip -1` over the very NDJSON logstream sent, and a typical Python peer
     (rig/bench_peer.py: boto3 + a bulk helper) doing the same job against the same stand-ins;
  3. memory: peak RSS of a default-settings backfill, steady RSS of `tail --follow` over 50 groups;
  4. start-up: `logstream --version`;
  5. end to end on the real rig (moto + osmem), for scale.

CPU is user + system time of the measured process alone (from wait4), never the servers'.
"""
import json
import os
import signal
import statistics
import subprocess
import urllib.request
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".rig/venv/bin/python")
BIN = str(ROOT / ".build/release/logstream")
EVENTS = int(os.environ.get("BENCH_EVENTS", "200000"))
WORK = Path(tempfile.mkdtemp(prefix="logstream-bench-"))




def measured(argv, env=None, out_path=None):
    started = time.monotonic()
    out_file = open(out_path, "wb") if out_path else subprocess.DEVNULL
    err_path = WORK / f"err-{time.monotonic_ns()}"
    with open(err_path, "wb") as err_file:
        proc = subprocess.Popen(argv, env=env, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if out_path:
        out_file.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"status": proc.returncode, "cpu": usage.ru_utime + usage.ru_stime, "wall": wall,
            "rss_mib": usage.ru_maxrss / 1024, "stderr": err_path.read_text(errors="replace")}


def start_standins(save=None, events=None):
    argv = [PY, str(ROOT / "rig/bench_standins.py"), "--events", str(events or EVENTS), "--parent-pid", str(os.getpid())]
    if save:
        argv += ["--save-ndjson", save]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    info = json.loads(proc.stdout.readline())
    return proc, info


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    proc.wait()


def environment(info, groups, checkpoint, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(WORK), "AWS_ACCESS_KEY_ID": "bench",
           "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": info["cloudwatch_url"],
           "ES_HOST": info["es_url"], "ES_USER": "", "LOG_GROUPS": ",".join(groups), "CHECKPOINT_PATH": str(checkpoint)}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def per_million(cpu, events):
    return cpu / events * 1e6


def backfill(info, name, **settings):
    args = [BIN, "backfill", "--since", iso(info["window_start_ms"]), "--until", iso(info["window_end_ms"]), "--json", "--quiet"]
    result = measured(args, env=environment(info, ["/bench/orders"], WORK / f"cp-{name}.json", **settings))
    if result["status"] != 0:
        raise SystemExit("logstream backfill failed:\n" + result["stderr"][-2000:])
    return result


def median(results):
    """The run with the median CPU stands for all (peak RSS is the highest seen), so one
    disturbed run neither helps nor hurts a ratio."""
    results = sorted(results, key=lambda result: result["cpu"])
    chosen = dict(results[len(results) // 2])
    chosen["rss_mib"] = max(result["rss_mib"] for result in results)
    return chosen


def with_standins(action, save=None, events=None):
    proc, info = start_standins(save=save, events=events)
    try:
        return action(info)
    finally:
        stop(proc)


def peer_run(info):
    run = measured([PY, str(ROOT / "rig/bench_peer.py"), "--cloudwatch", info["cloudwatch_url"], "--es", info["es_url"],
                    "--group", "/bench/orders", "--start", str(info["window_start_ms"]), "--end", str(info["window_end_ms"])],
                   out_path=str(WORK / "peer.json"))
    if run["status"] != 0:
        raise SystemExit("python peer failed:\n" + run["stderr"][-2000:])
    run.update(json.loads((WORK / "peer.json").read_text()))
    # Its own measurement, taken after its imports: the interpreter's start-up is not held against it.
    run["cpu"] = run["cpu_seconds"]
    return run


def pipeline(rounds=3):
    """Each round measures every contender once, one after the other, so that a machine
    that speeds up or slows down during the run weighs on all of them alike."""
    ndjson = str(WORK / "sent.ndjson")
    with_standins(lambda info: backfill(info, "save"), save=ndjson)
    size = os.path.getsize(ndjson)
    runs = {"gzip": [], "plain": [], "gzip -1": [], "peer": []}
    for round_ in range(rounds):
        runs["gzip"].append(with_standins(lambda info: backfill(info, "gzip-%d" % round_)))
        runs["plain"].append(with_standins(lambda info: backfill(info, "plain-%d" % round_, ES_GZIP="false")))
        runs["gzip -1"].append(measured(["gzip", "-1", "-c", ndjson]))
        runs["peer"].append(with_standins(peer_run))
    os.unlink(ndjson)
    return median(runs["gzip"]), median(runs["plain"]), median(runs["gzip -1"]), median(runs["peer"]), size


def read_amplification():
    """The daemon's verification schedule against a manual clock (logstream-bench)."""
    out = subprocess.run([str(ROOT / ".build/release/logstream-bench"), "read-amplification"], check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in out.strip().splitlines():
        _, name, value = line.split(" ", 2)
        figures[name] = value
    return figures


def reconcile_memory(events=1_000_000):
    """One day of `events` events: reconcile (Elasticsearch holds none of it, so every event
    is summarised, read again and shipped) next to a backfill of the same day, same stand-ins."""
    def both(info):
        base = backfill(info, "day-backfill")
        args = [BIN, "reconcile", "--since", iso(info["window_start_ms"]), "--until", iso(info["window_end_ms"]), "--json", "--quiet"]
        rec = measured(args, env=environment(info, ["/bench/orders"], WORK / "cp-day-reconcile.json"), out_path=str(WORK / "reconcile.json"))
        if rec["status"] not in (0, 3):
            raise SystemExit("logstream reconcile failed:\n" + rec["stderr"][-2000:])
        report = json.loads((WORK / "reconcile.json").read_text())["groups"][0]
        stats = json.loads(urllib.request.urlopen(info["es_url"] + "/_bench/stats").read())
        return base, rec, report, stats
    return with_standins(both, events=events)


def tail_memory(groups=50, seconds=25):
    proc, info = start_standins()
    names = ["/bench/tail/group-%02d" % i for i in range(groups)]
    env = environment(info, names, WORK / "cp-tail.json", BACKFILL_DAYS=0, POLL_INTERVAL_SECS=2)
    daemon = subprocess.Popen([BIN, "tail", "--follow"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(1)
            with open(f"/proc/{daemon.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        samples.append(int(line.split()[1]) / 1024)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        stop(proc)
    steady = statistics.median(samples[len(samples) // 2:])
    return steady, max(samples)


def startup():
    times = []
    for _ in range(15):
        started = time.monotonic()
        subprocess.run([BIN, "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append((time.monotonic() - started) * 1000)
    return statistics.median(times)


def real_rig(events_per_group=10_000):
    directory = WORK / "rig"
    info = json.loads(subprocess.run([PY, str(ROOT / "rig/rig.py"), "up", "--dir", str(directory), "--parent-pid", str(os.getpid())],
                                     check=True, capture_output=True, text=True).stdout)
    try:
        groups = ["/bench/rig-a", "/bench/rig-b"]
        seeded = json.loads(subprocess.run([PY, str(ROOT / "rig/rig.py"), "seed", "--endpoint", info["cloudwatch_url"], "--groups",
                                            ",".join(groups), "--days", "1", "--events", str(events_per_group)],
                                           check=True, capture_output=True, text=True).stdout)
        total = sum(seeded["groups"].values())
        env = environment({"cloudwatch_url": info["cloudwatch_url"], "es_url": info["es_url"]}, groups, directory / "cp.json")
        result = measured([BIN, "backfill", "--days", "2", "--quiet"], env=env)
        return total, result
    finally:
        subprocess.run([PY, str(ROOT / "rig/rig.py"), "down", "--dir", str(directory)], check=False)


def row(name, figure, note=""):
    print(f"  {name:<58} {figure:<34} {note}")


def verdict(ok):
    return "meets target" if ok else "MISSES target"


def main():
    print("logstream benchmarks (%d cores; each figure next to its baseline from this same run)" % os.cpu_count())
    print()
    print("1. transform alone (logstream-bench)")
    transform = subprocess.run([str(ROOT / ".build/release/logstream-bench")], check=True, capture_output=True, text=True).stdout
    for line in transform.strip().splitlines():
        print("  " + line)
    print()
    print("2. whole pipeline against in-memory stand-ins for CloudWatch and Elasticsearch (%d events; median of 3 rounds, each contender once per round)" % EVENTS)
    result, plain, gzip, peer, size = pipeline()
    row("logstream backfill (default settings: gzip bodies)", "%.0fk events/s wall" % (EVENTS / result["wall"] / 1000), "%.2f CPU-s per million events" % per_million(result["cpu"], EVENTS))
    row("logstream backfill, ES_GZIP=false", "%.0fk events/s wall" % (EVENTS / plain["wall"] / 1000), "%.2f CPU-s per million events" % per_million(plain["cpu"], EVENTS))
    row("gzip -1 over the same NDJSON (%d MiB)" % (size // 1_048_576), "%.0fk events/s" % (EVENTS / gzip["cpu"] / 1000), "%.2f CPU-s per million events" % per_million(gzip["cpu"], EVENTS))
    row("python peer: boto3 + opensearch-py helpers.bulk", "%.0fk events/s wall" % (peer["events"] / peer["wall_seconds"] / 1000), "%.2f CPU-s per million events (bodies not compressed)" % per_million(peer["cpu"], peer["events"]))
    peer_per_million = per_million(peer["cpu"], peer["events"])
    peer_ratio = peer_per_million / per_million(result["cpu"], EVENTS)
    plain_ratio = peer_per_million / per_million(plain["cpu"], EVENTS)
    gzip_ratio = result["cpu"] / gzip["cpu"]
    row("events per CPU-second, logstream / python peer, same job", "%.1fx" % plain_ratio,
        verdict(plain_ratio >= 10) + " (>= 10x; both send plain bodies)")
    compressing = per_million(result["cpu"] - plain["cpu"], EVENTS)
    row("  with logstream's default gzip bodies (the peer sends plain)", "%.1fx" % peer_ratio,
        "%s (>= 10x): compressing alone costs %.2f CPU-s/M here, %.2f would be all of a 10x budget"
        % (verdict(peer_ratio >= 10), compressing, peer_per_million / 10))
    row("pipeline CPU / gzip -1 CPU", "%.2fx" % gzip_ratio, verdict(gzip_ratio <= 3) + " (<= 3x)")
    print()
    print("3. memory")
    row("peak RSS, backfill of %d events, default settings" % EVENTS, "%.1f MiB" % result["rss_mib"], verdict(result["rss_mib"] < 100) + " (< 100 MiB)")
    steady, peak = tail_memory()
    row("steady RSS, tail --follow over 50 groups", "%.1f MiB (peak %.1f)" % (steady, peak), verdict(steady < 40) + " (< 40 MiB)")
    print()
    print("4. start-up")
    row("logstream --version, median of 15", "%.1f ms" % startup())
    print()
    print("5. verification at volume")
    figures = read_amplification()
    schedule = float(figures["verification_schedule"].split()[0])
    row("CloudWatch events read per event, verification schedule (31 days simulated)", "%.1fx" % schedule,
        verdict(schedule <= 8) + " (<= 8x); baseline, the schedule it replaced: %sx" % figures["previous_schedule"])
    row("  by purpose", figures["verification_schedule"].split("(", 1)[1].rstrip(")"))
    row("  the tail's own re-reading of its overlap (not verification)", "%sx" % figures["tail_overlap"],
        "(TAIL_MIN_OVERLAP_SECS 60 + POLL_INTERVAL_SECS 15) / 15")
    day_events = 1_000_000
    base, rec, report, stats = reconcile_memory(day_events)
    row("peak RSS, reconcile of one day of %d events (all missing)" % day_events, "%.1f MiB" % rec["rss_mib"],
        verdict(rec["rss_mib"] < 100) + " (< 100 MiB); baseline, backfill of the same day: %.1f MiB" % base["rss_mib"])
    row("  reconcile reshipped / stand-in received", "%d / %d" % (report["reshipped"], stats["bulk_documents"] - day_events),
        "%.1f CPU-s" % rec["cpu"])
    print()
    print("6. end to end on the real rig (moto + osmem-server; both servers are far slower than logstream)")
    total, rig = real_rig()
    row("backfill of %d events in 2 groups" % total, "%.0f events/s wall" % (total / rig["wall"]),
        "logstream used %.2f CPU-s (%.1f per million events), peak %.1f MiB" % (rig["cpu"], per_million(rig["cpu"], total), rig["rss_mib"]))


if __name__ == "__main__":
    main()
