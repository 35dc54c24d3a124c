"""Realistic sample logs for the rig: Lambda runtime lines and JSON app logs, API Gateway
access logs, ECS JSON, plain text with Python tracebacks, unicode — spread over days."""
import json
import random
import time
import uuid

import boto3

LEVELS = ["DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"]
PATHS = ["/orders", "/orders/{id}", "/users/me", "/health", "/cart/items", "/checkout"]


def lambda_lines(rng, ts):
    request = str(uuid.UUID(int=rng.getrandbits(128)))
    kind = rng.random()
    if kind < 0.15:
        return f"START RequestId: {request} Version: $LATEST"
    if kind < 0.3:
        return f"END RequestId: {request}"
    if kind < 0.45:
        duration = rng.uniform(1, 900)
        return (f"REPORT RequestId: {request}\tDuration: {duration:.2f} ms\tBilled Duration: {int(duration) + 1} ms\t"
                f"Memory Size: 512 MB\tMax Memory Used: {rng.randint(60, 500)} MB")
    record = {"level": rng.choice(LEVELS), "message": rng.choice(["order created", "payment authorised", "cache miss", "retrying downstream"]),
              "orderId": rng.randint(1, 10**9), "latencyMs": round(rng.uniform(0.5, 300), 3), "requestId": request}
    prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts / 1000)) + f".{ts % 1000:03d}Z\t{request}\t{record['level']}\t"
    return prefix + json.dumps(record)


def api_gateway_line(rng, ts):
    return json.dumps({
        "requestId": str(uuid.UUID(int=rng.getrandbits(128))), "ip": f"203.0.113.{rng.randint(1, 254)}",
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(ts / 1000)),
        "httpMethod": rng.choice(["GET", "POST", "PUT", "DELETE"]), "resourcePath": rng.choice(PATHS),
        "status": rng.choice([200, 200, 200, 201, 204, 400, 404, 500]), "protocol": "HTTP/1.1",
        "responseLength": rng.randint(0, 50000)})


def ecs_line(rng, ts):
    kind = rng.random()
    if kind < 0.1:
        return ("Traceback (most recent call last):\n  File \"/app/worker.py\", line 42, in handle\n"
                "    total = sum(item['price'] for item in cart)\nKeyError: 'price'")
    if kind < 0.2:
        return f"worker {rng.randint(1, 8)} heartbeat ok — queue depth {rng.randint(0, 500)} ✓ naïve café"
    return json.dumps({"@version": 1, "level": rng.choice(LEVELS), "logger": "com.example.web.RequestLogger",
                       "thread": f"http-nio-8080-exec-{rng.randint(1, 20)}", "msg": "request served",
                       "http": {"method": rng.choice(["GET", "POST"]), "status_code": rng.choice([200, 302, 404, 503]),
                                "url": rng.choice(PATHS)}, "duration": rng.randint(1, 2000)})


def message_for(group, rng, ts):
    if "lambda" in group:
        return lambda_lines(rng, ts)
    if "apigateway" in group or "api-gateway" in group:
        return api_gateway_line(rng, ts)
    return ecs_line(rng, ts)


def client_for(args):
    """The default account's client, or (with --role-arn) the account of that role, by
    assuming it: moto keeps each account's log groups apart."""
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if getattr(args, "role_arn", ""):
        sts = boto3.client("sts", endpoint_url=args.endpoint, region_name=args.region, **keys)
        creds = sts.assume_role(RoleArn=args.role_arn, RoleSessionName="rig-seed")["Credentials"]
        keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client("logs", endpoint_url=args.endpoint, region_name=args.region, **keys)


def put(args):
    """Writes the given events (any age, any order) and returns how many were stored. An event
    with "offset_ms" instead of "timestamp" is stamped that far from the moment its batch is
    sent (on-time events whose lag is only the request's, however slow the machine)."""
    client = client_for(args)
    events = json.load(open(args.file))
    try:
        client.create_log_group(logGroupName=args.group)
    except client.exceptions.ResourceAlreadyExistsException:
        pass
    by_stream = {}
    for event in events:
        by_stream.setdefault(event.get("stream", "main"), []).append(
            {"timestamp": event.get("timestamp", 0), "offset_ms": event.get("offset_ms"), "message": event["message"]})
    stored = 0
    for stream, batch in by_stream.items():
        try:
            client.create_log_stream(logGroupName=args.group, logStreamName=stream)
        except client.exceptions.ResourceAlreadyExistsException:
            pass
        now = int(time.time() * 1000)
        for event in batch:
            offset = event.pop("offset_ms")
            if offset is not None:
                event["timestamp"] = now + offset
        batch.sort(key=lambda e: e["timestamp"])
        for start in range(0, len(batch), 1000):
            chunk = batch[start:start + 1000]
            answer = client.put_log_events(logGroupName=args.group, logStreamName=stream, logEvents=chunk)
            if answer.get("rejectedLogEventsInfo"):
                raise SystemExit(f"put: rejected {answer['rejectedLogEventsInfo']}")
            stored += len(chunk)
    return {"stored": stored}


def ids(args):
    """Every event id CloudWatch holds for the group: what a complete copy must hold, once each."""
    client = client_for(args)
    found = []
    for page in client.get_paginator("filter_log_events").paginate(logGroupName=args.group, startTime=0):
        found.extend(event["eventId"] for event in page.get("events", []))
    return {"ids": found}


def seed(args):
    client = client_for(args)
    end_ms = args.end_ms or int(time.time() * 1000) - 60_000
    span_ms = int(args.days * 86_400_000)
    counts = {}
    for group_index, group in enumerate(g for g in args.groups.split(",") if g):
        rng = random.Random(args.seed * 1000 + group_index)
        try:
            client.create_log_group(logGroupName=group)
        except client.exceptions.ResourceAlreadyExistsException:
            pass
        streams = [f"{time.strftime('%Y/%m/%d', time.gmtime(end_ms / 1000))}/[$LATEST]{uuid.UUID(int=rng.getrandbits(128)).hex}"
                   for _ in range(args.streams)]
        for stream in streams:
            try:
                client.create_log_stream(logGroupName=group, logStreamName=stream)
            except client.exceptions.ResourceAlreadyExistsException:
                pass
        per_stream = {stream: [] for stream in streams}
        for _ in range(args.events):
            ts = end_ms - rng.randrange(span_ms)
            per_stream[rng.choice(streams)].append({"timestamp": ts, "message": message_for(group, rng, ts)})
        stored = 0
        for stream, events in per_stream.items():
            events.sort(key=lambda e: e["timestamp"])
            for start in range(0, len(events), 5000):
                batch = events[start:start + 5000]
                answer = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
                rejected = answer.get("rejectedLogEventsInfo")
                if rejected:
                    raise SystemExit(f"seed: {group}/{stream} rejected events: {rejected}")
                stored += len(batch)
        counts[group] = stored
    return {"groups": counts, "start_ms": end_ms - span_ms, "end_ms": end_ms}
