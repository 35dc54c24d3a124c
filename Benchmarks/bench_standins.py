"""In-memory stand-ins for CloudWatch Logs and Elasticsearch, for benchmarks only: they
answer from memory, as fast as Python can, so the client being measured is the bottleneck.
They do not check anything a real service checks (signatures, mappings, ids).

    python bench_standins.py --events 200000 --page 10000 --groups 1 [--save-ndjson FILE] [--parent-pid PID]
    python bench_standins.py --events 200000 --dump-pages DIR   the same pages as files (for the transform benchmark)

First line on stdout: {"cloudwatch_url": ..., "es_url": ..., "pid": ...}.

CloudWatch: FilterLogEvents answers pages of a fixed corpus (realistic messages, 100 B to
8 KB), `nextToken` "<n>" for page n, for every group the same. A request that starts
within the last hour (a tail) gets one small page of recent events instead.
Kinesis (same endpoint, with --kinesis-shards N): the stream `bench` of N shards, filled
as a CloudWatch Logs subscription would fill it from the live groups (--live-rate): on each
GetRecords, every group of the shard (by a hash of its name) whose events arrived since its
last record gets one gzipped DATA_MESSAGE record of them, with the same ids FilterLogEvents
gives them.
Elasticsearch: `_bulk` answers 201 for every item (the gzip body is counted, and written
to --save-ndjson when given, so gzip can be measured on the very same bytes); every other
request gets a plausible empty answer. GET /_bench/stats returns what was received.
"""
import argparse
import gzip
import json
import os
import random
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rig"))
import seed_logs  # noqa: E402  (the rig's realistic message generators)

STATS = {"bulk_requests": 0, "bulk_documents": 0, "ndjson_bytes": 0, "filter_requests": 0, "get_records": 0}
# The subscription stream: per shard, its records; per group, the newest arrival delivered.
KINESIS = {"shards": 0, "records": {}, "delivered": {}, "groups": set()}
KINESIS_LOCK = threading.Lock()
LOCK = threading.Lock()
# Live mode (--live-rate): events arrive in every group at a steady rate, and the bulk side
# notes, for each event id it sees first, the milliseconds since that event arrived.
LIVE = {"rate": 0.0, "groups": {}, "seen": set(), "latencies": []}


def live_events(group, start, end):
    """The events of `group` that have arrived by now (timestamp = arrival time), within
    [start, end]. Arrivals are laid out on a fixed schedule from the first request on, so
    an event exists from its arrival whether or not anyone asks."""
    now = int(time.time() * 1000)
    with LOCK:
        # Each group's number makes its ids its own (two groups' events may arrive in the same
        # millisecond with the same sequence number).
        state = LIVE["groups"].setdefault(group, {"origin": now, "events": [], "number": len(LIVE["groups"])})
        interval = 1000.0 / LIVE["rate"]
        due = int((now - state["origin"]) / interval)
        while len(state["events"]) < due:
            sequence = len(state["events"])
            arrival = state["origin"] + int((sequence + 1) * interval)
            state["events"].append({"logStreamName": "live", "timestamp": arrival, "ingestionTime": arrival,
                                    "message": '{"level":"INFO","message":"live event %d","group":"%s"}' % (sequence, group),
                                    "eventId": "%013d%03d%06d" % (arrival, state["number"] % 1000, sequence)})
        return [event for event in state["events"] if start <= event["timestamp"] <= end]


def note_latencies(ndjson):
    now = int(time.time() * 1000)
    marker = b'"event":{"id":"'
    position = ndjson.find(marker)
    with LOCK:
        while position >= 0:
            start = position + len(marker)
            event_id = ndjson[start:ndjson.index(b'"', start)]
            if event_id not in LIVE["seen"] and len(event_id) == 22:
                LIVE["seen"].add(event_id)
                LIVE["latencies"].append(now - int(event_id[:13]))
            position = ndjson.find(marker, start)


def corpus_pages(events, page_size, base_ms):
    rng = random.Random(7)
    groups = ["/aws/lambda/orders-api", "/ecs/web-frontend", "/aws/apigateway/access-logs"]
    # Like the real service: a page holds at most 10,000 events or 1 MB of them.
    pages, page, page_bytes = [], [], 0
    for index in range(events):
        ts = base_ms + index * 3
        group = groups[index % 3]
        message = seed_logs.message_for(group, rng, ts)
        if page and (len(page) == page_size or page_bytes + len(message) + 26 > 1_048_576):
            pages.append(page)
            page, page_bytes = [], 0
        page.append({"logStreamName": "2026/11/24/[$LATEST]0123456789abcdef", "timestamp": ts,
                     "message": message, "ingestionTime": ts + 400,
                     "eventId": "3751644475806431289358561146499338628764527658517%07d" % index})
        page_bytes += len(message) + 26
    if page:
        pages.append(page)
    encoded = []
    for number, events_ in enumerate(pages):
        token = str(number + 1) if number + 1 < len(pages) else None
        encoded.append(json.dumps({"events": events_, "nextToken": token, "searchedLogStreams": []}).encode())
    return encoded


def subscription_record(group, events):
    import base64
    payload = {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": group, "logStream": "live",
               "subscriptionFilters": ["logstream-bench"],
               "logEvents": [{"id": e["eventId"], "timestamp": e["timestamp"], "message": e["message"]} for e in events]}
    return base64.b64encode(gzip.compress(json.dumps(payload, separators=(",", ":")).encode(), 1)).decode()


def kinesis_answer(operation, request):
    shards = KINESIS["shards"]
    if operation == "ListShards":
        return {"Shards": [{"ShardId": "shardId-%012d" % i, "HashKeyRange": {}, "SequenceNumberRange": {"StartingSequenceNumber": "1"}}
                           for i in range(shards)]}
    if operation == "GetShardIterator":
        shard = int(request["ShardId"].rsplit("-", 1)[1])
        position = int(request.get("StartingSequenceNumber", "0")) if request.get("ShardIteratorType") == "AFTER_SEQUENCE_NUMBER" else 0
        return {"ShardIterator": "%d:%d" % (shard, position)}
    if operation == "GetRecords":
        shard, position = (int(x) for x in request["ShardIterator"].split(":"))
        now = int(time.time() * 1000)
        with KINESIS_LOCK:
            log = KINESIS["records"].setdefault(shard, [])
            fill(shard, log, now)
            records = log[position:position + int(request.get("Limit", 10000))]
        with LOCK:
            STATS["get_records"] += 1
        return {"Records": records, "NextShardIterator": "%d:%d" % (shard, position + len(records)), "MillisBehindLatest": 0}
    return {}


def fill(shard, log, now):
    """One record per group of `shard` whose events arrived since its last record."""
    shards = KINESIS["shards"]
    for group in sorted(KINESIS["groups"]):
        if zlib.crc32(group.encode()) % shards != shard:
            continue
        since = KINESIS["delivered"].get(group, 0)
        events = [e for e in live_events(group, since + 1, now) if e["timestamp"] > since]
        if events:
            KINESIS["delivered"][group] = events[-1]["timestamp"]
            log.append({"SequenceNumber": str(len(log) + 1), "Data": subscription_record(group, events),
                        "ApproximateArrivalTimestamp": now / 1000, "PartitionKey": group})


class CloudWatch(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages = []
    tail_page = b""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        request = json.loads(body or b"{}")
        if target.startswith("Kinesis_20131202."):
            answer = json.dumps(kinesis_answer(target.split(".", 1)[1], request)).encode()
        elif target.endswith("FilterLogEvents"):
            with LOCK:
                STATS["filter_requests"] += 1
            if LIVE["rate"] and request.get("startTime", 0) > time.time() * 1000 - 3_600_000:
                events = live_events(request.get("logGroupName", ""), request.get("startTime", 0), request.get("endTime", 2**62))
                answer = json.dumps({"events": events, "nextToken": None, "searchedLogStreams": []}).encode()
            elif request.get("startTime", 0) > time.time() * 1000 - 3_600_000:
                answer = self.tail_page
            else:
                answer = self.pages[int(request.get("nextToken") or 0)]
        elif target.endswith("DescribeLogGroups"):
            answer = json.dumps({"logGroups": []}).encode()
        else:
            answer = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class Elasticsearch(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    save = None

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?", 1)[0]
        if path == "/_bench/stats":
            with LOCK:
                arrived = sum(len(state["events"]) for state in LIVE["groups"].values())
                return self.answer(200, dict(STATS, latencies_ms=sorted(LIVE["latencies"]), live_events_arrived=arrived))
        if path == "/_bulk":
            if self.headers.get("Content-Encoding") == "gzip":
                body = zlib.decompress(body, 31)
            documents = body.count(b"\n") // 2
            with LOCK:
                STATS["bulk_requests"] += 1
                STATS["bulk_documents"] += documents
                STATS["ndjson_bytes"] += len(body)
                if self.save:
                    self.save.write(body)
            if LIVE["rate"]:
                note_latencies(body)
            items = b'{"create":{"status":201,"result":"created"}}'
            return self.answer(200, b'{"took":1,"errors":false,"items":[' + b",".join([items] * documents) + b"]}")
        if path == "/":
            return self.answer(200, {"version": {"number": "2.11.0", "distribution": "opensearch"}, "tagline": "bench stand-in"})
        # No alias, template or index exists until made (a name that existed as an index
        # but not as an alias would be refused as taken).
        if path.startswith("/_alias/") or path.startswith("/_index_template/") and self.command == "GET" or self.command == "HEAD":
            return self.answer(404, {"error": {"type": "resource_not_found_exception", "reason": "stand-in"}, "status": 404})
        if path.endswith("/_search") or path.endswith("/_count"):
            return self.answer(200, {"count": 0, "hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}})
        if path.endswith("/_field_caps"):
            return self.answer(200, {"indices": [], "fields": {}})
        return self.answer(200, {"acknowledged": True})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--page", type=int, default=10_000)
    parser.add_argument("--save-ndjson", default="")
    parser.add_argument("--parent-pid", type=int, default=0)
    parser.add_argument("--live-rate", type=float, default=0, help="events per second arriving in every group (tail latency)")
    parser.add_argument("--kinesis-shards", type=int, default=0, help="serve the stream `bench` of this many shards, filled from the live groups")
    parser.add_argument("--kinesis-groups", default="", help="comma-separated groups the stream carries")
    parser.add_argument("--dump-pages", default="", help="write the FilterLogEvents pages to DIR/page-NNNNN.json and exit")
    args = parser.parse_args()
    base_ms = int(time.time() * 1000) - 6 * 3_600_000
    LIVE["rate"] = args.live_rate
    KINESIS["shards"] = args.kinesis_shards
    KINESIS["groups"] = set(filter(None, args.kinesis_groups.split(",")))
    CloudWatch.pages = corpus_pages(args.events, args.page, base_ms)
    if args.dump_pages:
        os.makedirs(args.dump_pages, exist_ok=True)
        for number, page in enumerate(CloudWatch.pages):
            with open(os.path.join(args.dump_pages, "page-%05d.json" % number), "wb") as out:
                out.write(page)
        return
    now = int(time.time() * 1000)
    CloudWatch.tail_page = json.dumps({"events": [
        {"logStreamName": "s", "timestamp": now - 300_000 + i, "message": "heartbeat %d ok" % i, "ingestionTime": now - 299_000, "eventId": "9%020d" % i}
        for i in range(20)], "nextToken": None}).encode()
    if args.save_ndjson:
        Elasticsearch.save = open(args.save_ndjson, "wb")
    cw = ThreadingHTTPServer(("127.0.0.1", 0), CloudWatch)
    es = ThreadingHTTPServer(("127.0.0.1", 0), Elasticsearch)
    for server in (cw, es):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"cloudwatch_url": "http://127.0.0.1:%d" % cw.server_address[1],
                      "es_url": "http://127.0.0.1:%d" % es.server_address[1], "pid": os.getpid(),
                      "window_start_ms": base_ms, "window_end_ms": base_ms + args.events * 3 + 1}), flush=True)
    while True:
        if args.parent_pid:
            try:
                os.kill(args.parent_pid, 0)
            except OSError:
                os._exit(0)
        time.sleep(1)


if __name__ == "__main__":
    main()
