"""`make bench`: logstream's speed, CPU and memory, each next to a baseline measured in
the same run on the same machine.

  1. the transform alone vs gzip of the same bodies, over the pipeline's own corpus (the
     stand-in's pages written to files; logstream-bench, Swift);
  2. the whole pipeline — FilterLogEvents pages → documents → gzip NDJSON → bulk answers —
     against in-memory stand-ins for both services (Benchmarks/bench_standins.py), next to
     in-process zlib level 1, libdeflate and ISA-L igzip over the very bodies logstream sent,
     a typical Python peer (Benchmarks/bench_peer.py: boto3 + a bulk helper) and a competent one
     (Benchmarks/bench_peer_competent.py: orjson, gzip, four requests in flight, pooled HTTP); every
     run must deliver exactly the events sent;
  3. tail latency: from an event's arrival in the stand-in to its bulk acknowledgement;
  4. memory: peak RSS of a default-settings backfill, steady RSS of `tail --follow` over 50 groups;
  5. start-up: `logstream --version` and `logstream checkpoint show`;
  6. verification at volume; 7. end to end on the real rig (moto + osmem), for scale;
  8. the daemon behind CloudWatch's request quota at 5 and 25 requests a second, 200 groups
     (Benchmarks/bench_quota.py);
  9. 500 groups read through a Kinesis subscription stream against the same groups polled.

CPU is user + system time of the measured process alone (from wait4), never the servers'.
Every figure is the median of its rounds.
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


def start_standins(save=None, events=None, live_rate=0, extra=()):
    argv = [PY, str(ROOT / "Benchmarks/bench_standins.py"), "--events", str(events or EVENTS), "--parent-pid", str(os.getpid())] + list(extra)
    if save:
        argv += ["--save-ndjson", save]
    if live_rate:
        argv += ["--live-rate", str(live_rate)]
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


def stand_in_stats(info):
    return json.loads(urllib.request.urlopen(info["es_url"] + "/_bench/stats").read())


def backfill(info, name, expect=None, **settings):
    args = [BIN, "backfill", "--since", iso(info["window_start_ms"]), "--until", iso(info["window_end_ms"]), "--json", "--quiet"]
    result = measured(args, env=environment(info, ["/bench/orders"], WORK / f"cp-{name}.json", **settings))
    if result["status"] != 0:
        raise SystemExit("logstream backfill failed:\n" + result["stderr"][-2000:])
    received = stand_in_stats(info)["bulk_documents"]
    if expect is not None and received != expect:
        raise SystemExit(f"the stand-in received {received} documents from backfill {name}, not the {expect} events sent")
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


def peer_run(info, script="bench_peer.py"):
    out = WORK / ("peer-%s.json" % script)
    run = measured([PY, str(ROOT / "Benchmarks" / script), "--cloudwatch", info["cloudwatch_url"], "--es", info["es_url"],
                    "--group", "/bench/orders", "--start", str(info["window_start_ms"]), "--end", str(info["window_end_ms"])],
                   out_path=str(out))
    if run["status"] != 0:
        raise SystemExit("python peer %s failed:\n" % script + run["stderr"][-2000:])
    run.update(json.loads(out.read_text()))
    received = stand_in_stats(info)["bulk_documents"]
    if run["events"] != EVENTS or received != EVENTS:
        raise SystemExit(f"python peer {script} read {run['events']} events and delivered {received}, not {EVENTS}")
    # Its own measurement, taken after its imports: the interpreter's start-up is not held against it.
    run["cpu"] = run["cpu_seconds"]
    return run


def compression(ndjson):
    """zlib level 1, libdeflate level 1 and igzip level 1 in-process over the bodies logstream sent."""
    out = subprocess.run([str(ROOT / ".build/release/logstream-bench"), "compression", ndjson], check=True, capture_output=True, text=True).stdout
    codecs = {}
    for line in out.strip().splitlines():
        if not line.startswith("codec "):
            raise SystemExit("compression benchmark: " + line)
        fields = dict(part.split("=", 1) for part in line.split()[2:])
        codecs[line.split()[1]] = {"cpu": float(fields["cpu"]), "in": int(fields["in"]), "out": int(fields["out"]), "bodies": int(fields["bodies"])}
    return codecs


PIPELINE_ROUNDS = 5


def pipeline(rounds=PIPELINE_ROUNDS):
    """Each round measures every contender once, one after the other, so that a machine
    that speeds up or slows down during the run weighs on all of them alike."""
    ndjson = str(WORK / "sent.ndjson")
    with_standins(lambda info: backfill(info, "save", expect=EVENTS, ES_GZIP="false"), save=ndjson)
    size = os.path.getsize(ndjson)
    codecs = compression(ndjson)
    runs = {"gzip": [], "plain": [], "peer": [], "competent": []}
    for round_ in range(rounds):
        runs["gzip"].append(with_standins(lambda info: backfill(info, "gzip-%d" % round_, expect=EVENTS)))
        runs["plain"].append(with_standins(lambda info: backfill(info, "plain-%d" % round_, expect=EVENTS, ES_GZIP="false")))
        runs["peer"].append(with_standins(peer_run))
        runs["competent"].append(with_standins(lambda info: peer_run(info, "bench_peer_competent.py")))
    os.unlink(ndjson)
    return {name: median(results) for name, results in runs.items()}, codecs, size


def tail_latency(groups=50, rate=2.0, seconds=40, **settings):
    """`tail --follow` at POLL_INTERVAL_SECS=1 over `groups` groups into which `rate` events
    per second arrive each: milliseconds from arrival to bulk acknowledgement, per event."""
    proc, info = start_standins(live_rate=rate)
    names = ["/bench/live/group-%02d" % i for i in range(groups)]
    env = environment(info, names, WORK / ("cp-latency-%d.json" % time.monotonic_ns()), BACKFILL_DAYS=0, POLL_INTERVAL_SECS=1, **settings)
    daemon = subprocess.Popen([BIN, "tail", "--follow"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(seconds)
        latencies = stand_in_stats(info)["latencies_ms"]
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        stop(proc)
    # The first seconds include start-up and the first poll of every group: left out.
    settled = latencies[len(latencies) // 5:] if len(latencies) > 100 else latencies
    settled = sorted(settled)
    if not settled:
        raise SystemExit("tail latency: no event was delivered")
    return settled[len(settled) // 2], settled[min(len(settled) - 1, int(len(settled) * 0.99))], len(settled)


def subscription_run(mode, groups=500, rate=1.0, seconds=120, shards=4):
    """`tail --follow` over `groups` live groups (`rate` events a second each), read through
    the stand-in's subscription stream (`mode` "kinesis") or polled ("poll", every 5 s):
    arrival-to-acknowledgement latency, the daemon's CPU per event stored, and FilterLogEvents
    requests per event stored."""
    names = ["/bench/sub/group-%03d" % i for i in range(groups)]
    proc, info = start_standins(live_rate=rate, extra=["--kinesis-shards", str(shards), "--kinesis-groups", ",".join(names)])
    settings = {"BACKFILL_DAYS": 0, "RECONCILE_INTERVAL_SECS": 30, "METRICS_FILE": WORK / ("metrics-%s.prom" % mode)}
    if mode == "kinesis":
        settings["KINESIS_STREAM"] = "bench"
    else:
        settings.update(POLL_INTERVAL_SECS=5, CLOUDWATCH_MAX_RPS=200)
    env = environment(info, names, WORK / ("cp-%s-%d.json" % (mode, time.monotonic_ns())), **settings)
    log = WORK / ("daemon-%s.log" % mode)
    with open(log, "wb") as err:
        daemon = subprocess.Popen([BIN, "tail", "--follow"], env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        # Making 500 groups' targets takes a while against the stand-in: measured from the start.
        deadline = time.monotonic() + 600
        while b"daemon starting" not in log.read_bytes() and daemon.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(seconds)
        stats = stand_in_stats(info)
        if daemon.returncode is not None:
            raise SystemExit("subscription bench (%s): the daemon failed:\n%s" % (mode, log.read_text(errors="replace")[-2000:]))
        os.kill(daemon.pid, signal.SIGTERM)  # not send_signal: it would reap a daemon that already exited
        _, status, usage = os.wait4(daemon.pid, 0)
    finally:
        stop(proc)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("subscription bench (%s): the daemon failed:\n%s" % (mode, log.read_text(errors="replace")[-2000:]))
    latencies = stats["latencies_ms"]
    stored = len(latencies)
    if stored == 0:
        raise SystemExit("subscription bench (%s): no event was delivered" % mode)
    settled = sorted(latencies[len(latencies) // 5:])
    return {"p50": settled[len(settled) // 2], "p99": settled[min(len(settled) - 1, int(len(settled) * 0.99))], "stored": stored,
            "cpu": usage.ru_utime + usage.ru_stime, "filter_requests": stats["filter_requests"], "get_records": stats["get_records"],
            "arrived": stats["live_events_arrived"]}


def subscription_rows():
    kinesis, poll = subscription_run("kinesis"), subscription_run("poll")
    row("arrival to acknowledgement through the stream (%d of %d events arrived)" % (kinesis["stored"], kinesis["arrived"]), "p50 %.0f ms, p99 %.0f ms" % (kinesis["p50"], kinesis["p99"]),
        verdict(kinesis["p99"] < 2000) + " (p99 < 2 s)")
    row("  the same groups polled every 5 s (baseline, %d of %d events)" % (poll["stored"], poll["arrived"]), "p50 %.0f ms, p99 %.0f ms" % (poll["p50"], poll["p99"]))
    through, polled = kinesis["stored"] / kinesis["cpu"], poll["stored"] / poll["cpu"]
    row("events per CPU-second of the daemon, through the stream", "%.0f" % through,
        verdict(through >= polled) + " (>= polling the same groups: %.0f)" % polled)
    row("FilterLogEvents requests per event stored, through the stream (verification only)", "%.3f" % (kinesis["filter_requests"] / kinesis["stored"]),
        "polled: %.3f (tail and verification); GetRecords %d over 4 shards" % (poll["filter_requests"] / poll["stored"], kinesis["get_records"]))


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


def startup(arguments, env=None):
    times = []
    for _ in range(15):
        started = time.monotonic()
        subprocess.run([BIN] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
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


def quota_rows(result):
    """The rows of one quota scenario, each against its target."""
    label = "%d requests/s (%s)" % (result["rps"], result["region"])
    history = result["history_s"]
    row(label + ": history of %d events complete" % result["history_events"], "after %s s" % ("%.0f" % history if history else "never"),
        verdict(history is not None) + " (within the run)")
    late, announced = result["late_max_s"], result["announced_late_s"]
    row("  events 20 min late: shipped %d of %d, the last after" % (result["late_events"], result["late_expected"]),
        "%s s" % ("%.0f" % late if late is not None else "-"),
        verdict(result["late_events"] == result["late_expected"] and announced is not None and late <= announced)
        + " (all, within the announced %s s)" % announced)
    poll = result["announced_poll_s"] or 0
    row("  busy groups' on-time latency, write to searchable (%d events)" % result["live_events"],
        "p50 %.1f s, p99 %.1f s" % (result["live_p50_s"], result["live_p99_s"]),
        verdict(result["live_p99_s"] <= 2 * poll) + " (p99 <= 2 x the announced poll interval, %d s)" % poll)
    reads = result["reads_per_stored"]
    total = sum(reads.values())
    row("  CloudWatch events read per event stored, once history is in", "%.1fx (%s)" % (total, ", ".join("%s %.1f" % item for item in sorted(reads.items()))),
        verdict(total <= 3) + " (<= 3x)")
    requests = result["filter_requests"] + result["throttled"]
    share = 100.0 * result["throttled"] / max(1, requests)
    row("  FilterLogEvents answered with ThrottlingException", "%.2f%% of %d" % (share, requests), verdict(share <= 1) + " (<= 1%)")


def row(name, figure, note=""):
    print(f"  {name:<58} {figure:<34} {note}")


def verdict(ok):
    return "meets target" if ok else "MISSES target"


def main():
    print("logstream benchmarks (%d cores; each figure next to its baseline from this same run)" % os.cpu_count())
    print()
    print("1. transform alone, over the pipeline's own corpus (logstream-bench)")
    pages = WORK / "pages"
    subprocess.run([PY, str(ROOT / "Benchmarks/bench_standins.py"), "--events", str(EVENTS), "--dump-pages", str(pages)], check=True)
    transform = subprocess.run([str(ROOT / ".build/release/logstream-bench"), "transform", str(pages)], check=True, capture_output=True, text=True).stdout
    for line in transform.strip().splitlines():
        print("  " + line)
    print()
    print("2. whole pipeline against in-memory stand-ins for CloudWatch and Elasticsearch (%d events; median of %d rounds, each contender once per round;"
          " every run delivered exactly the events sent)" % (EVENTS, PIPELINE_ROUNDS))
    runs, codecs, size = pipeline()
    result, plain, peer, competent = runs["gzip"], runs["plain"], runs["peer"], runs["competent"]
    zlib, libdeflate, igzip = codecs["zlib-1"], codecs["libdeflate-1"], codecs["igzip-1"]
    print("  compression in-process over the very bodies logstream sent (%d MiB of NDJSON in %d requests of ~1 MiB; median of 5):"
          % (size // 1_048_576, zlib["bodies"]))
    for name, codec in (("zlib level 1", zlib), ("libdeflate level 1", libdeflate), ("ISA-L igzip level 1 (logstream's choice)", igzip)):
        row("  " + name, "%.0f MiB/s, ratio %.2f" % (codec["in"] / codec["cpu"] / 1_048_576, codec["in"] / codec["out"]),
            "%.2f CPU-s per million events; size %.2fx zlib's" % (per_million(codec["cpu"], EVENTS), codec["out"] / zlib["out"]))
    size_ratio = igzip["out"] / zlib["out"]
    row("  igzip's compressed size / zlib level 1's", "%.2fx" % size_ratio, verdict(size_ratio <= 1.3) + " (<= 1.3x)")
    row("logstream backfill (default settings: gzip bodies)", "%.0fk events/s wall" % (EVENTS / result["wall"] / 1000), "%.2f CPU-s per million events" % per_million(result["cpu"], EVENTS))
    row("logstream backfill, ES_GZIP=false", "%.0fk events/s wall" % (EVENTS / plain["wall"] / 1000), "%.2f CPU-s per million events" % per_million(plain["cpu"], EVENTS))
    row("python peer, typical: boto3 + opensearch-py helpers.bulk", "%.0fk events/s wall" % (peer["events"] / peer["wall_seconds"] / 1000),
        "%.2f CPU-s per million events (plain bodies, one request at a time)" % per_million(peer["cpu"], peer["events"]))
    row("python peer, competent: orjson, gzip, 4 in flight, pooled", "%.0fk events/s wall" % (competent["events"] / competent["wall_seconds"] / 1000),
        "%.2f CPU-s per million events" % per_million(competent["cpu"], competent["events"]))
    typical_ratio = per_million(peer["cpu"], peer["events"]) / per_million(result["cpu"], EVENTS)
    competent_ratio = per_million(competent["cpu"], competent["events"]) / per_million(result["cpu"], EVENTS)
    floor_ratio = result["cpu"] / zlib["cpu"]
    row("events per CPU-second, logstream (default) / typical peer", "%.1fx" % typical_ratio, verdict(typical_ratio >= 10) + " (>= 10x)")
    row("events per CPU-second, logstream (default) / competent peer", "%.1fx" % competent_ratio, verdict(competent_ratio >= 5) + " (>= 5x)")
    row("whole-pipeline CPU / in-process zlib level 1 over the same bodies", "%.3fx" % floor_ratio, verdict(floor_ratio <= 1.0) + " (<= 1.0x)")
    print()
    print("3. tail latency (tail --follow, POLL_INTERVAL_SECS=1, 50 groups, 2 events/s arriving in each; first fifth of the events left out)")
    p50, p99, count = tail_latency(CLOUDWATCH_MAX_RPS=60)
    row("arrival to bulk acknowledgement, CLOUDWATCH_MAX_RPS=60 (%d events)" % count, "p50 %.0f ms, p99 %.0f ms" % (p50, p99), verdict(p99 < 1500) + " (p99 < 1500 ms)")
    p50, p99, count = tail_latency(CLOUDWATCH_MAX_RPS=10)
    row("  the same at CLOUDWATCH_MAX_RPS=10, most regions' quota (%d events)" % count, "p50 %.0f ms, p99 %.0f ms" % (p50, p99),
        "50 polls a second do not fit 10 requests a second: each group is polled every ~5 s, and the daemon warns so at start")
    print()
    print("4. memory")
    row("peak RSS, backfill of %d events, default settings" % EVENTS, "%.1f MiB" % result["rss_mib"], verdict(result["rss_mib"] < 100) + " (< 100 MiB)")
    steady, peak = tail_memory()
    row("steady RSS, tail --follow over 50 groups", "%.1f MiB (peak %.1f)" % (steady, peak), verdict(steady < 40) + " (< 40 MiB)")
    print()
    print("5. start-up (median of 15)")
    version = startup(["--version"])
    row("logstream --version", "%.1f ms" % version, verdict(version < 10) + " (< 10 ms)")
    checkpoint_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(WORK), "CHECKPOINT_PATH": str(WORK / "cp-gzip-0.json")}
    show = startup(["checkpoint", "show"], env=checkpoint_env)
    row("logstream checkpoint show", "%.1f ms" % show, verdict(show < 10) + " (< 10 ms)")
    print()
    print("6. verification at volume")
    figures = read_amplification()
    schedule = float(figures["verification_schedule"].split()[0])
    row("CloudWatch events read per event, verification schedule (31 days simulated)", "%.1fx" % schedule,
        verdict(schedule <= 8) + " (<= 8x); baseline, the schedule it replaced: %sx" % figures["previous_schedule"])
    row("  by purpose", figures["verification_schedule"].split("(", 1)[1].rstrip(")"))
    row("  the tail's own reads (not verification)", "%sx" % figures["tail_overlap"],
        "a pass just behind the newest event every POLL_INTERVAL_SECS 15, a sweep of TAIL_MIN_OVERLAP_SECS 60 every 45 s; before, (60 + 15) / 15 = 5.0x")
    day_events = 1_000_000
    base, rec, report, stats = reconcile_memory(day_events)
    row("peak RSS, reconcile of one day of %d events (all missing)" % day_events, "%.1f MiB" % rec["rss_mib"],
        verdict(rec["rss_mib"] < 100) + " (< 100 MiB); baseline, backfill of the same day: %.1f MiB" % base["rss_mib"])
    row("  reconcile reshipped / stand-in received", "%d / %d" % (report["reshipped"], stats["bulk_documents"] - day_events),
        "%.1f CPU-s" % rec["cpu"])
    print()
    print("7. end to end on the real rig (moto + osmem-server; both servers are far slower than logstream)")
    total, rig = real_rig()
    row("backfill of %d events in 2 groups" % total, "%.0f events/s wall" % (total / rig["wall"]),
        "logstream used %.2f CPU-s (%.1f per million events), peak %.1f MiB" % (rig["cpu"], per_million(rig["cpu"], total), rig["rss_mib"]))
    print()
    seconds = int(os.environ.get("BENCH_QUOTA_SECONDS", "420"))
    print("8. the daemon behind CloudWatch's request quota (real rig, %d s each; 200 groups, 20 busy at an event a second, history of 6 h in each," % seconds)
    print("   5 groups receiving events 20 min late in new streams; POLL_INTERVAL_SECS=5, RECONCILE_INTERVAL_SECS=300, CLOUDWATCH_MAX_RPS unset)")
    for rps, region in ((5, "eu-central-1"), (25, "us-east-1")):
        quota_rows(json.loads(subprocess.run([PY, str(ROOT / "Benchmarks/bench_quota.py"), BIN, str(rps), region, str(seconds)],
                                             check=True, capture_output=True, text=True).stdout))
    print()
    print("9. past the quota: reading through a subscription stream (stand-ins; 500 groups, an event a second each, 4 shards, 120 s,")
    print("   RECONCILE_INTERVAL_SECS=30 so verification runs within the run — against a stand-in that stores nothing, so it reships;")
    print("   latency leaves out the first fifth of the events)")
    subscription_rows()


if __name__ == "__main__":
    main()
