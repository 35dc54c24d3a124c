"""`make bench`, section 8: the daemon behind CloudWatch's request quota, on the real rig.

moto answers FilterLogEvents beyond the quota (per account and region) with
ThrottlingException, as CloudWatch does, and makes events readable a second after it ingests
them. 200 groups, a tenth of them busy (an event a second each), the rest quiet (an event
every few minutes between them), six hours of history in each, and five groups receiving
events twenty minutes late in new streams. logstream runs `tail --follow` with the region's
own quota as its budget (CLOUDWATCH_MAX_RPS unset) and says at start what it can deliver.

Measured, per quota:
  - history: when every seeded event was in Elasticsearch;
  - late events: seconds from reaching CloudWatch to being searchable, against the delay
    the daemon announced (`late_within_s`);
  - busy groups' on-time latency (write to searchable, polled every second), p50 and p99,
    against twice the poll interval the daemon announced (`poll_s`);
  - CloudWatch events read per event stored once history is in, by purpose;
  - throttling answers per FilterLogEvents request.

    python Benchmarks/bench_quota.py BIN RPS REGION SECONDS   prints one JSON object
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "rig"))
from http_json import http  # noqa: E402  (the rig's JSON request helper)
PY = str(ROOT / ".rig/venv/bin/python")
GROUPS = 200
BUSY = 20
LATE_GROUPS = 5
LATE_EVENTS = 10
LATE_BY_MS = 20 * 60_000
HISTORY_EVENTS = 30


def now_ms():
    return int(time.time() * 1000)


class Watcher(threading.Thread):
    """Polls Elasticsearch every second for the live and late events, noting when each was
    first searchable: messages carry the moment they were written."""

    def __init__(self, es_url):
        super().__init__(daemon=True)
        self.es_url = es_url
        self.first_seen = {}
        self.stop = False

    def run(self):
        while not self.stop:
            try:
                http("POST", self.es_url + "/cloudwatch-*/_refresh")
                for kind in ("live", "late"):
                    answer = http("POST", self.es_url + "/cloudwatch-*/_search", {
                        "size": 10_000, "_source": ["message"],
                        "query": {"bool": {"filter": [{"prefix": {"aws.cloudwatch.log_stream": kind}},
                                                      {"range": {"@timestamp": {"gte": now_ms() - (LATE_BY_MS + 600_000 if kind == "late" else 300_000)}}}]}}})
                    seen = now_ms()
                    for hit in answer.get("hits", {}).get("hits", []):
                        if hit["_id"] not in self.first_seen:
                            self.first_seen[hit["_id"]] = (kind, seen, hit["_source"]["message"])
            except Exception:
                pass
            time.sleep(1)

    def latencies(self, kind, since_ms=0):
        result = []
        for found_kind, seen, message in list(self.first_seen.values()):
            written = int(message.split()[1])
            if found_kind == kind and written >= since_ms:
                result.append((seen - written) / 1000)
        return sorted(result)


def percentile(values, fraction):
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else float("nan")


def metrics(path):
    figures = {}
    try:
        for line in open(path):
            if line.startswith("logstream_cloudwatch_events_read{") or line.startswith("logstream_documents_created{"):
                name, value = line.rsplit(" ", 1)
                figures[name] = float(value)
    except OSError:
        pass
    read = {name.split('"')[1]: value for name, value in figures.items() if name.startswith("logstream_cloudwatch_events_read")}
    created = sum(value for name, value in figures.items() if name.startswith("logstream_documents_created"))
    return read, created


def scenario(binary, rps, region, seconds):
    directory = Path(tempfile.mkdtemp(prefix="logstream-quota-"))
    info = json.loads(subprocess.run([PY, str(ROOT / "rig/rig.py"), "up", "--dir", str(directory), "--parent-pid", str(os.getpid())],
                                     check=True, capture_output=True, text=True).stdout)
    cw, es = info["cloudwatch_url"], info["es_url"]
    try:
        logs = boto3.client("logs", endpoint_url=cw, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
        rng = random.Random(33)
        groups = ["/quota/group-%03d" % i for i in range(GROUPS)]
        history = 0
        base = now_ms() - 6 * 3_600_000
        for group in groups:
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName="history")
            events = sorted({base + rng.randrange(6 * 3_600_000 - 120_000) for _ in range(HISTORY_EVENTS)})
            logs.put_log_events(logGroupName=group, logStreamName="history",
                                logEvents=[{"timestamp": ts, "message": "history %d" % ts} for ts in events])
            logs.create_log_stream(logGroupName=group, logStreamName="live")
            history += len(events)
        http("POST", cw + "/_rig/quota", {"FilterLogEvents": rps, "DescribeLogGroups": 5})
        http("POST", cw + "/_rig/readable", {"delay_ms": 1_000})

        metrics_file = directory / "metrics.prom"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory), "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": region, "AWS_ENDPOINT_URL": cw, "ES_HOST": es, "ES_USER": "",
               "LOG_GROUPS": "/quota/*", "CHECKPOINT_PATH": str(directory / "cp.json"), "POLL_INTERVAL_SECS": "5",
               "BACKFILL_DAYS": "1", "RECONCILE_INTERVAL_SECS": "300", "METRICS_FILE": str(metrics_file)}
        log_path = directory / "daemon.log"
        daemon = subprocess.Popen([binary, "tail", "--follow"], env=env, stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"))
        watcher = Watcher(es)
        watcher.start()
        started = now_ms()
        history_done = None
        late_written = None
        reads_at_history = None
        quiet = [g for g in groups[BUSY:]]
        sequence = 0
        while now_ms() - started < seconds * 1000:
            tick = time.monotonic()
            for group in groups[:BUSY]:
                sequence += 1
                logs.put_log_events(logGroupName=group, logStreamName="live",
                                    logEvents=[{"timestamp": now_ms(), "message": "live %d %d" % (now_ms(), sequence)}])
            if rng.random() < 0.5:
                group = rng.choice(quiet)
                logs.put_log_events(logGroupName=group, logStreamName="live",
                                    logEvents=[{"timestamp": now_ms(), "message": "live %d quiet" % now_ms()}])
            if late_written is None and now_ms() - started >= 60_000:
                late_written = now_ms()
                for index, group in enumerate(groups[BUSY:BUSY + LATE_GROUPS]):
                    stream = "late-%d" % index
                    logs.create_log_stream(logGroupName=group, logStreamName=stream)
                    written = now_ms()
                    logs.put_log_events(logGroupName=group, logStreamName=stream,
                                        logEvents=[{"timestamp": written - LATE_BY_MS + i, "message": "late %d %d" % (written, i)} for i in range(LATE_EVENTS)])
            if history_done is None and int(time.monotonic()) % 5 == 0:
                http("POST", es + "/cloudwatch-*/_refresh")
                count = http("POST", es + "/cloudwatch-*/_count", {"query": {"term": {"aws.cloudwatch.log_stream": "history"}}})["count"]
                if count >= history:
                    history_done = now_ms()
                    reads_at_history = metrics(metrics_file)
            time.sleep(max(0, 1 - (time.monotonic() - tick)))
        reads_at_end = metrics(metrics_file)
        watcher.stop = True
        daemon.terminate()
        daemon.wait(timeout=60)
        quota = http("GET", cw + "/_rig/quota")
        log = log_path.read_text(errors="replace")
        announced = re.search(r"late_within_s=(\d+)", log)
        poll = re.search(r"poll_s=(\d+)", log)
        live = watcher.latencies("live", since_ms=(history_done or started))
        late = watcher.latencies("late")
        steady = {}
        if reads_at_history:
            before, created_before = reads_at_history
            after, created_after = reads_at_end
            stored = max(1, created_after - created_before)
            steady = {purpose: (after.get(purpose, 0) - before.get(purpose, 0)) / stored for purpose in after}
        return {
            "rps": rps, "region": region, "seconds": seconds, "groups": GROUPS, "busy": BUSY,
            "history_events": history, "history_s": (history_done - started) / 1000 if history_done else None,
            "late_events": len(late), "late_expected": LATE_GROUPS * LATE_EVENTS, "late_max_s": max(late) if late else None,
            "announced_late_s": int(announced[1]) if announced else None, "announced_poll_s": int(poll[1]) if poll else None,
            "live_events": len(live), "live_p50_s": percentile(live, 0.5), "live_p99_s": percentile(live, 0.99),
            "reads_per_stored": steady, "throttled": quota.get("throttled", {}).get("FilterLogEvents", 0),
            "filter_requests": quota.get("admitted", {}).get("FilterLogEvents", 0),
            "daemon_status": daemon.returncode,
        }
    finally:
        subprocess.run([PY, str(ROOT / "rig/rig.py"), "down", "--dir", str(directory)], check=False)


if __name__ == "__main__":
    print(json.dumps(scenario(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
