#!/usr/bin/env bash
# The embedded default: a local CloudWatch Logs emulator (moto) and a local
# Elasticsearch-compatible engine (osmem-server) on loopback, seeded with a few days of
# realistic logs in three groups; then a real `logstream backfill` into it.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.rig/venv/bin/python
DIR=.rig/demo
BIN=.build/release/logstream
GROUPS_CSV="/aws/lambda/orders-api,/ecs/web-frontend,/aws/apigateway/access-logs"

$PY rig/rig.py down --dir "$DIR" 2>/dev/null || true
rm -rf "$DIR"
echo "==> starting the local rig (moto for CloudWatch Logs, osmem-server for Elasticsearch)"
$PY rig/rig.py up --dir "$DIR" > /dev/null
CW_URL=$($PY -c "import json;print(json.load(open('$DIR/rig.json'))['cloudwatch_url'])")
ES_URL=$($PY -c "import json;print(json.load(open('$DIR/rig.json'))['es_url'])")
echo "    CloudWatch Logs: $CW_URL"
echo "    Elasticsearch:   $ES_URL"

echo "==> seeding 3 days of sample logs"
$PY rig/rig.py seed --endpoint "$CW_URL" --groups "$GROUPS_CSV" --days 3 --events 4000 > "$DIR/seeded.json"
$PY -c "import json;[print(f'    {g}: {n} events') for g,n in json.load(open('$DIR/seeded.json'))['groups'].items()]"

export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$CW_URL" ES_HOST="$ES_URL" LOG_GROUPS="$GROUPS_CSV"
export CHECKPOINT_PATH="$PWD/$DIR/state/checkpoints.json"

echo "==> logstream backfill --days 4"
"$BIN" backfill --days 4

echo
echo "==> what landed in Elasticsearch"
$PY - "$ES_URL" "$DIR/seeded.json" <<'PYEOF'
import json, sys, urllib.request
es, seeded = sys.argv[1], json.load(open(sys.argv[2]))["groups"]
def post(path, body):
    req = urllib.request.Request(es + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
for group, expected in seeded.items():
    count = post("/cloudwatch-*/_count", {"query": {"term": {"aws.cloudwatch.log_group": group}}})["count"]
    print(f"    {group}: {count} documents (CloudWatch has {expected}) {'OK' if count == expected else 'MISMATCH'}")
hit = post("/cloudwatch-*/_search", {"size": 1, "sort": [{"@timestamp": "desc"}], "query": {"term": {"aws.cloudwatch.log_group": "/aws/lambda/orders-api"}}})["hits"]["hits"][0]
print("    newest /aws/lambda/orders-api document:")
print("    " + json.dumps(hit["_source"], ensure_ascii=False)[:600])
PYEOF

cat <<EOT

The rig keeps running so you can look around:
    curl -s '$ES_URL/_cat/indices/cloudwatch-*?v'
    curl -s '$ES_URL/cloudwatch-*/_search?q=message:REPORT&size=3&pretty'
Run it again (nothing is duplicated):
    AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$CW_URL \\
    ES_HOST=$ES_URL LOG_GROUPS=$GROUPS_CSV CHECKPOINT_PATH=$CHECKPOINT_PATH $BIN backfill --days 4
Stop it with:  make demo-stop
EOT
