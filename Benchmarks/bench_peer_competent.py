"""The competent Python peer for `make bench`: the same job as bench_peer.py written as a
Python user who cares about CPU would — orjson for every JSON step, one pooled HTTP
connection per worker (urllib3), bulk bodies of about 1 MiB compressed with zlib level 1 (C)
as gzip, four requests in flight while the next page is read and transformed. Reading
CloudWatch stays boto3's paginator (what such a user would keep for SigV4 and retries).
Arguments and measurement: bench_peer_harness.py.
"""
import zlib
from concurrent.futures import ThreadPoolExecutor

import boto3
import orjson
import urllib3

from bench_peer_harness import Measurement, arguments, iso


def gzip_level1(data):
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def main():
    args = arguments()
    measurement = Measurement()
    cloudwatch = boto3.client("logs", endpoint_url=args.cloudwatch, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
    pool = urllib3.PoolManager(maxsize=4)
    index = "cloudwatch-" + args.group.strip("/").replace("/", "-")
    headers = {"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"}
    events, stored, failures = 0, 0, 0

    def send(body):
        answer = pool.request("POST", args.es + "/_bulk", body=gzip_level1(body), headers=headers)
        items = orjson.loads(answer.data)["items"]
        return sum(1 for item in items if item["create"]["status"] in (200, 201, 409)), len(items)

    with ThreadPoolExecutor(max_workers=4) as workers:
        pending, lines, size = [], [], 0
        for page in cloudwatch.get_paginator("filter_log_events").paginate(
                logGroupName=args.group, startTime=args.start, endTime=args.end, PaginationConfig={"PageSize": 10000}):
            for event in page["events"]:
                document = {"@timestamp": iso(event["timestamp"]), "message": event["message"], "event": {"id": event["eventId"]},
                            "aws": {"cloudwatch": {"log_group": args.group, "log_stream": event["logStreamName"]}}}
                text = event["message"]
                if text.endswith("}"):
                    try:
                        parsed = orjson.loads(text[text.index("{"):])
                        if isinstance(parsed, dict):
                            document["json"] = parsed
                    except (ValueError, orjson.JSONDecodeError):
                        pass
                action = b'{"create":{"_index":"' + index.encode() + b'","_id":"' + event["eventId"].encode() + b'"}}\n'
                source = orjson.dumps(document) + b"\n"
                lines.append(action)
                lines.append(source)
                size += len(action) + len(source)
                events += 1
                if size >= 1 << 20:
                    pending.append(workers.submit(send, b"".join(lines)))
                    lines, size = [], 0
        if lines:
            pending.append(workers.submit(send, b"".join(lines)))
        for future in pending:
            ok, total = future.result()
            stored += ok
            failures += total - ok
    if failures:
        raise SystemExit("bulk items failed: %d" % failures)
    measurement.report(events, stored)


if __name__ == "__main__":
    main()
