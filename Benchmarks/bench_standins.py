"""In-memory stand-ins for CloudWatch Logs and Elasticsearch, for benchmarks only: they
answer from memory, as fast as Python can, so the client being measured is the bottleneck.
They do not check anything a real service checks (signatures, mappings, ids).

    python bench_standins.py --events 200000 --page 10000 --groups 1 [--save-ndjson FILE] [--parent-pid PID]
    python bench_standins.py --events 200000 --dump-pages DIR   the same pages as files (for the transform benchmark)

First line on stdout: {"cloudwatch_url": ..., "es_url": ..., "pid": ...}.

CloudWatch: FilterLogEvents answers pages of a fixed corpus (realistic messages, 100 B to
8 KB), `nextToken` "<n>" for page n, for every group the same. A request that starts
within the last hour (a tail) gets one small page of recent events instead.
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

STATS = {"bulk_requests": 0, "bulk_documents": 0, "ndjson_bytes": 0, "filter_requests": 0}
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
        state = LIVE["groups"].setdefault(group, {"origin": now, "events": []})
        interval = 1000.0 / LIVE["rate"]
        due = int((now - state["origin"]) / interval)
        while len(state["events"]) < due:
            sequence = len(state["events"])
            arrival = state["origin"] + int((sequence + 1) * interval)
            state["events"].append({"logStreamName": "live", "timestamp": arrival, "ingestionTime": arrival,
                                    "message": '{"level":"INFO","message":"live event %d","group":"%s"}' % (sequence, group),
                                    "eventId": "%013d%02d%07d" % (arrival, abs(hash(group)) % 100, sequence)})
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
        if target.endswith("FilterLogEvents"):
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
                return self.answer(200, dict(STATS, latencies_ms=sorted(LIVE["latencies"])))
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
        if path.startswith("/_alias/") or path.startswith("/_index_template/") and self.command == "GET":
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
    parser.add_argument("--dump-pages", default="", help="write the FilterLogEvents pages to DIR/page-NNNNN.json and exit")
    args = parser.parse_args()
    base_ms = int(time.time() * 1000) - 6 * 3_600_000
    LIVE["rate"] = args.live_rate
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
