"""`make soak`'s long run: the release daemon under continuous ingestion into many groups for
SOAK_MINUTES (default 20), with faults arriving at random times on every path, SIGKILLs and
restarts at random, and one backfill and one reconcile alongside; then ingestion stops, the
daemon settles, and CloudWatch's event ids are compared with Elasticsearch's as sets.

    python scripts/soak.py BINARY TALLY_FILE

Every random choice comes from SOAK_SEED (printed; set it to replay a run). A kill counts
only when the daemon was still running and had made progress since it started; a fault
counts only when it fired (the rig's own tallies). The result is one line in TALLY_FILE
and a table on stdout; the exit status is 1 when anything was lost or duplicated.
"""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "rig"))
import seed_logs  # noqa: E402  (the rig's own helpers: put, ids)
from http_json import http  # noqa: E402

BINARY, TALLY = sys.argv[1], sys.argv[2]
MINUTES = float(os.environ.get("SOAK_MINUTES", "20"))
SEED = int(os.environ.get("SOAK_SEED", str(random.SystemRandom().randrange(2**32))))
GROUPS = [f"/soak/service-{n:02d}" for n in range(12)]
DIR = ROOT / ".rig" / "soak"
rng = random.Random(SEED)
lock = threading.Lock()
stop = threading.Event()
log = lambda text: print(f"[soak {time.strftime('%H:%M:%S')}] {text}", flush=True)


def rig_up():
    subprocess.run([sys.executable, str(ROOT / "rig/rig.py"), "down", "--dir", str(DIR)], capture_output=True)
    subprocess.run(["rm", "-rf", str(DIR)], check=True)
    out = subprocess.run([sys.executable, str(ROOT / "rig/rig.py"), "up", "--dir", str(DIR), "--es-proxy", "--parent-pid", str(os.getpid())],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def put(cloudwatch, group, events):
    path = DIR / f"put-{threading.get_ident()}.json"
    path.write_text(json.dumps(events))
    args = types.SimpleNamespace(endpoint=cloudwatch, region="us-east-1", role_arn="", group=group, file=str(path))
    return seed_logs.put(args)["stored"]


def cloudwatch_ids(cloudwatch, group):
    return seed_logs.ids(types.SimpleNamespace(endpoint=cloudwatch, region="us-east-1", role_arn="", group=group))["ids"]


def stored_ids(osmem, group):
    http("POST", f"{osmem}/cloudwatch-*/_refresh")
    page = http("POST", f"{osmem}/cloudwatch-*/_search?scroll=2m", {
        "size": 5000, "_source": ["event.id"], "sort": ["_doc"], "query": {"term": {"aws.cloudwatch.log_group": group}}})
    ids = []
    while page["hits"]["hits"]:
        ids.extend(hit["_source"]["event"]["id"] for hit in page["hits"]["hits"])
        page = http("POST", f"{osmem}/_search/scroll", {"scroll": "2m", "scroll_id": page["_scroll_id"]})
    return ids


def compare(cloudwatch, osmem, examples=None):
    """Id-set comparison over every group; `examples` (a list) receives the lost events."""
    result = {"events": 0, "lost": 0, "duplicates": 0, "unknown": 0}
    for group in GROUPS:
        expected, stored = set(cloudwatch_ids(cloudwatch, group)), stored_ids(osmem, group)
        result["events"] += len(expected)
        lost = expected - set(stored)
        result["lost"] += len(lost)
        result["duplicates"] += len(stored) - len(set(stored))
        result["unknown"] += len(set(stored) - expected)
        if lost and examples is not None:
            client = seed_logs.client_for(types.SimpleNamespace(endpoint=cloudwatch, region="us-east-1", role_arn=""))
            for page in client.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=0):
                examples.extend({"group": group, "stream": e["logStreamName"], "timestamp": e["timestamp"],
                                 "ingested": e.get("ingestionTime"), "id": e["eventId"]} for e in page["events"] if e["eventId"] in lost)
    return result


def document_count(osmem):
    http("POST", f"{osmem}/cloudwatch-*/_refresh")
    return http("POST", f"{osmem}/cloudwatch-*/_count", {"query": {"prefix": {"aws.cloudwatch.log_group": "/soak/"}}})["count"]


def ingest(cloudwatch, written):
    """Events into random groups every half second; now and then a batch arriving late
    (up to 20 minutes behind) in a new stream, as a delayed Lambda or agent delivers it."""
    batch = 0
    while not stop.is_set():
        batch += 1
        with lock:
            group = rng.choice(GROUPS)
            late = rng.random() < 0.1
            count = rng.randint(1, 60)
            lag = rng.randint(60_000, 20 * 60_000) if late else rng.randint(0, 3_000)
        now = int(time.time() * 1000)
        stream = f"late-{batch}" if late else f"live-{batch % 3}"
        events = [{"timestamp": now - lag + i, "message": json.dumps({"batch": batch, "n": i, "level": "info"}), "stream": stream}
                  for i in range(count)]
        try:
            written[0] += put(cloudwatch, group, events)
        except Exception as error:  # moto busy: the batch is not counted, CloudWatch does not hold it
            log(f"put failed ({error}); going on")
        stop.wait(0.5)


def inject_faults(cloudwatch, es_proxy):
    """A random fault on a random path every 5 to 25 seconds."""
    es_rules = [
        {"path": "/_bulk", "count": 3, "status": 429}, {"path": "/_bulk", "count": 2, "status": 503},
        {"path": "/_bulk", "count": 1, "drop": True}, {"path": "/_bulk", "count": 1, "ack_lost": True},
        {"path": "/_bulk", "count": 2, "items_429": 10}, {"path": "/_bulk", "count": 1, "status": 0, "delay_ms": 6_000},
        {"path": "/_search", "count": 2, "status": 503}, {"path": "/_search", "count": 1, "drop": True},
        {"path": "/_count", "count": 1, "status": 429},
        {"path": "/cloudwatch-logstream-state/_doc", "count": 2, "status": 503},
        {"path": "/cloudwatch-logstream-state/_doc", "count": 1, "drop": True},
    ]
    cloudwatch_rules = [
        {"target": "FilterLogEvents", "count": 3, "type": "ThrottlingException", "message": "Rate exceeded"},
        {"target": "FilterLogEvents", "count": 2, "status": 503, "type": "ServiceUnavailableException", "message": "try later"},
        {"target": "FilterLogEvents", "count": 1, "drop": True},
        {"target": "FilterLogEvents", "count": 1, "delay_ms": 6_000},
        {"target": "DescribeLogGroups", "count": 1, "status": 500, "type": "InternalFailure", "message": "oops"},
    ]
    while True:
        with lock:
            pause = rng.uniform(5, 25)
        if stop.wait(pause):
            return
        with lock:
            on_es = rng.random() < 0.6
            rule = dict(rng.choice(es_rules if on_es else cloudwatch_rules))
            rule["after"] = rng.randint(0, 5)
        try:
            http("POST", f"{es_proxy if on_es else cloudwatch}/_rig/faults", rule)
        except Exception as error:
            log(f"could not queue a fault: {error}")


class Daemon:
    def __init__(self, environment):
        self.environment = environment
        self.process = None
        self.log = open(DIR / "daemon.log", "ab")

    def start(self):
        self.process = subprocess.Popen([BINARY, "tail", "--follow"], env=self.environment, stdout=self.log, stderr=self.log)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def running(self):
        return self.process is not None and self.process.poll() is None


def progress_mark(osmem, checkpoint):
    return document_count(osmem), checkpoint.read_bytes() if checkpoint.exists() else b""


def main():
    log(f"seed {SEED} (replay with SOAK_SEED={SEED}); {MINUTES:g} minutes; {len(GROUPS)} groups")
    rig = rig_up()
    cloudwatch, es_proxy, osmem = rig["cloudwatch_url"], rig["es_url"], rig["osmem"]["url"]
    seeded = seed_logs.seed(types.SimpleNamespace(endpoint=cloudwatch, region="us-east-1", role_arn="", groups=",".join(GROUPS),
                                                  days=0.5, events=3000, streams=3, seed=SEED % 1000, end_ms=0))
    log(f"seeded {sum(seeded['groups'].values())} events of history (half a day: inside BACKFILL_DAYS=1 for the whole run)")
    checkpoint = DIR / "state" / "checkpoints.json"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(DIR),
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": cloudwatch, "ES_HOST": es_proxy, "LOG_GROUPS": "/soak/*", "CHECKPOINT_PATH": str(checkpoint),
        "POLL_INTERVAL_SECS": "2", "RECONCILE_INTERVAL_SECS": "60", "BACKFILL_DAYS": "1", "HTTP_TIMEOUT_SECS": "4",
        "BACKOFF_MAX_MS": "2000", "COORDINATION": "elasticsearch", "LEASE_SECS": "10", "GROUP_DISCOVERY_INTERVAL_SECS": "10",
    }
    written = [0]
    threads = [threading.Thread(target=ingest, args=(cloudwatch, written), daemon=True),
               threading.Thread(target=inject_faults, args=(cloudwatch, es_proxy), daemon=True)]
    for thread in threads:
        thread.start()
    daemon = Daemon(environment)
    daemon.start()
    mark = progress_mark(osmem, checkpoint)
    kills, attempts = 0, 0
    started = time.monotonic()
    end = started + MINUTES * 60
    alongside = {"backfill": (0.25, ["backfill", "--days", "1"]), "reconcile": (0.6, ["reconcile", "--days", "1"])}
    side_runs = {}
    while time.monotonic() < end:
        with lock:
            wait = rng.uniform(15, 75)
        time.sleep(min(wait, max(0, end - time.monotonic())))
        elapsed = (time.monotonic() - started) / (MINUTES * 60)
        for name, (when, arguments) in alongside.items():
            if name not in side_runs and elapsed >= when:
                log(f"starting {name} alongside")
                side_runs[name] = subprocess.Popen([BINARY] + arguments, env=environment, stdout=open(DIR / f"{name}.out", "wb"),
                                                   stderr=open(DIR / f"{name}.log", "wb"))
        if time.monotonic() >= end:
            break
        attempts += 1
        running = daemon.running()
        moved = progress_mark(osmem, checkpoint) != mark
        daemon.kill()
        if running and moved:
            kills += 1
        log(f"SIGKILL {attempts}: running {running}, progress since start {moved}")
        with lock:
            pause = rng.uniform(0, 3)
        time.sleep(pause)
        mark = progress_mark(osmem, checkpoint)
        daemon.start()
    stop.set()
    http("DELETE", f"{es_proxy}/_rig/faults")
    http("DELETE", f"{cloudwatch}/_rig/faults")
    side_status = {}
    for name, process in side_runs.items():
        side_status[name] = process.wait()
        log(f"{name} alongside ended with status {side_status[name]}")
    log(f"ingestion stopped after {written[0]} events; letting the daemon settle")
    settle_deadline = time.monotonic() + float(os.environ.get("SOAK_SETTLE_SECS", "600"))
    result = compare(cloudwatch, osmem)
    while (result["lost"] or result["duplicates"] or result["unknown"]) and time.monotonic() < settle_deadline and daemon.running():
        time.sleep(10)
        result = compare(cloudwatch, osmem)
        log(f"settling: {result}")
    if result["lost"]:
        examples = []
        compare(cloudwatch, osmem, examples)
        for example in sorted(examples, key=lambda e: (e["group"], e["timestamp"]))[:40]:
            log(f"lost: {example} (timestamp {time.strftime('%H:%M:%S', time.gmtime(example['timestamp'] / 1000))}, "
                f"ingested {time.strftime('%H:%M:%S', time.gmtime((example['ingested'] or 0) / 1000))})")
    daemon.process.send_signal(signal.SIGTERM)
    stopped = daemon.process.wait(timeout=60)
    fired_es, fired_cw = http("GET", f"{es_proxy}/_rig/fired"), http("GET", f"{cloudwatch}/_rig/fired")
    faults = sum(fired_es.values()) + sum(fired_cw.values())
    entry = {"test": "soak", "kills": kills, "faults": faults, "events": result["events"], "lost": result["lost"],
             "duplicates": result["duplicates"], "unknown": result["unknown"]}
    with open(TALLY, "a") as tally:
        tally.write(json.dumps(entry) + "\n")
    log(f"kills counted {kills} of {attempts}; faults fired: Elasticsearch {fired_es}, CloudWatch {fired_cw}")
    log(f"daemon stopped with status {stopped}; alongside: {side_status}; id sets: {result} (seed {SEED})")
    if os.environ.get("SOAK_KEEP") != "1":
        subprocess.run([sys.executable, str(ROOT / "rig/rig.py"), "down", "--dir", str(DIR)], capture_output=True)
    # Reconcile may end with 3 (events kept arriving while it compared); backfill must end with 0.
    healthy = stopped == 0 and side_status.get("backfill") == 0 and side_status.get("reconcile") in (0, 3)
    return 0 if healthy and result["lost"] == 0 and result["duplicates"] == 0 and result["unknown"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
