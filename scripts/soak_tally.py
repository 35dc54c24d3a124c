"""Sums what `make soak`'s tests recorded (one JSON object per line) and prints the tally."""
import json
import sys

entries = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
total = {key: sum(entry.get(key, 0) for entry in entries) for key in ("kills", "faults", "badInputs", "events", "lost", "duplicates")}
print()
print("soak tally")
print("  processes killed with SIGKILL and restarted  %d" % total["kills"])
print("  faults injected                              %d" % total["faults"])
print("  bad inputs tried                             %d" % total["badInputs"])
print("  events checked                               %d" % total["events"])
print("  events lost                                  %d" % total["lost"])
print("  duplicates                                   %d" % total["duplicates"])
sys.exit(0 if total["lost"] == 0 and total["duplicates"] == 0 else 1)
