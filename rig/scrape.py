"""Reads logstream's HTTP endpoint (METRICS_ADDR) the way Prometheus and a Kubernetes probe
do: one GET with a timeout. `/metrics` is parsed by the prometheus-client package's own
text-format parser (a reading it refuses is an error, not a guess); other paths come back
as their status and body.

    rig.py scrape --url http://127.0.0.1:PORT/metrics [--timeout 5]
      → {"status": 200, "content_type": "...", "families": {name: {"type": t, "samples": [[name, labels, value], ...]}}}
    rig.py scrape --url http://127.0.0.1:PORT/healthz → {"status": 503, "body": "..."}
A request that gets no answer within the timeout prints {"status": null, "error": "..."}.
"""
import urllib.error
import urllib.request


def scrape(args):
    try:
        with urllib.request.urlopen(args.url, timeout=args.timeout) as answer:
            status, content_type, body = answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        status, content_type, body = error.code, error.headers.get("Content-Type", ""), error.read()
    except (urllib.error.URLError, OSError) as error:
        return {"status": None, "error": str(error)}
    text = body.decode("utf-8")
    result = {"status": status, "content_type": content_type, "body": text}
    if args.url.split("?")[0].endswith("/metrics") and status == 200:
        from prometheus_client.parser import text_string_to_metric_families
        result["families"] = {
            family.name: {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
            for family in text_string_to_metric_families(text)
        }
        del result["body"]
    return result
