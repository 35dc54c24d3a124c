"""The rig's side of CloudWatch Logs subscriptions to Kinesis (moto): a data stream, and a
subscription filter on a group that delivers its events there as CloudWatch does (each
PutLogEvents batch a gzip-compressed DATA_MESSAGE record)."""
import boto3


def _client(service, args):
    return boto3.client(service, endpoint_url=args.endpoint, region_name=args.region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def subscribe(args):
    kinesis = _client("kinesis", args)
    logs = _client("logs", args)
    try:
        kinesis.create_stream(StreamName=args.stream, ShardCount=args.shards)
    except kinesis.exceptions.ResourceInUseException:
        pass
    arn = kinesis.describe_stream_summary(StreamName=args.stream)["StreamDescriptionSummary"]["StreamARN"]
    try:
        logs.create_log_group(logGroupName=args.group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.put_subscription_filter(logGroupName=args.group, filterName=args.filter, filterPattern="",
                                 destinationArn=arn, roleArn="arn:aws:iam::123456789012:role/cwl-to-kinesis")
    return {"stream_arn": arn}


def split(args):
    """Splits every open shard at the middle of its hash range, as a resharding does: the
    parents close, and new records go to their children."""
    kinesis = _client("kinesis", args)
    shards = kinesis.list_shards(StreamName=args.stream)["Shards"]
    split = []
    for shard in shards:
        if "EndingSequenceNumber" in shard["SequenceNumberRange"]:
            continue
        low, high = int(shard["HashKeyRange"]["StartingHashKey"]), int(shard["HashKeyRange"]["EndingHashKey"])
        kinesis.split_shard(StreamName=args.stream, ShardToSplit=shard["ShardId"], NewStartingHashKey=str((low + high) // 2))
        split.append(shard["ShardId"])
    return {"split": split, "shards": [s["ShardId"] for s in kinesis.list_shards(StreamName=args.stream)["Shards"]]}
