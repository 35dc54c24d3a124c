"""Sums what `make soak` recorded (one JSON object per line: each reliability test, then the
long run) and prints the tally. Kills count only processes that were running and had made
progress; faults count only those that fired; lost, duplicated and unknown come from
comparing CloudWatch's event ids with Elasticsearch's as sets."""
import json
import sys

entries = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
keys = ("kills", "faults", "badInputs", "events", "lost", "duplicates", "unknown")
total = {key: sum(entry.get(key, 0) for entry in entries) for key in keys}
print()
print("soak tally (%d parts: %s)" % (len(entries), ", ".join(entry["test"] for entry in entries)))
print("  SIGKILLs of a running process that had made progress   %d" % total["kills"])
print("  faults that fired                                      %d" % total["faults"])
print("  bad inputs tried                                       %d" % total["badInputs"])
print("  CloudWatch event ids compared                          %d" % total["events"])
print("  lost (in CloudWatch, not in Elasticsearch)             %d" % total["lost"])
print("  duplicated (stored more than once)                     %d" % total["duplicates"])
print("  unknown (in Elasticsearch, never in CloudWatch)        %d" % total["unknown"])
soak = [entry for entry in entries if entry["test"] == "soak"]
if not soak:
    print("  the long run recorded nothing: it did not finish")
sys.exit(0 if soak and total["lost"] == 0 and total["duplicates"] == 0 and total["unknown"] == 0 else 1)
