"""The Python peer for `make bench`: what a typical hand-written shipper or Lambda
forwarder does — boto3's FilterLogEvents paginator, one document per event (JSON messages
parsed into fields), and opensearch-py's standard bulk helper (`helpers.bulk`, its default
500 actions per request) posting `create` actions. Arguments and measurement:
bench_peer_harness.py.
"""
import json

import boto3
from opensearchpy import OpenSearch, helpers

from bench_peer_harness import Measurement, arguments, iso


def actions(client, args, index, counter):
    for page in client.get_paginator("filter_log_events").paginate(
            logGroupName=args.group, startTime=args.start, endTime=args.end, PaginationConfig={"PageSize": 10000}):
        for event in page["events"]:
            document = {"@timestamp": iso(event["timestamp"]), "message": event["message"], "event": {"id": event["eventId"]},
                        "aws": {"cloudwatch": {"log_group": args.group, "log_stream": event["logStreamName"]}}}
            text = event["message"]
            if text.endswith("}"):
                try:
                    parsed = json.loads(text[text.index("{"):])
                    if isinstance(parsed, dict):
                        document["json"] = parsed
                except ValueError:
                    pass
            counter[0] += 1
            yield {"_op_type": "create", "_index": index, "_id": event["eventId"], "_source": document}


def main():
    args = arguments()
    measurement = Measurement()
    cloudwatch = boto3.client("logs", endpoint_url=args.cloudwatch, region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
    search = OpenSearch(hosts=[args.es])
    index = "cloudwatch-" + args.group.strip("/").replace("/", "-")
    counter = [0]
    ok, errors = helpers.bulk(search, actions(cloudwatch, args, index, counter), raise_on_error=False)
    if errors:
        raise SystemExit("bulk items failed: %d" % len(errors))
    measurement.report(counter[0], ok)


if __name__ == "__main__":
    main()
