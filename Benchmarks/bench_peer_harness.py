"""What both Python peers of `make bench` share that is not part of the job they do: their
arguments, the ISO time of an event, and the measurement — CPU and wall time taken after
the imports (the interpreter's start-up is not held against them), printed as
{"events": n, "stored": n, "cpu_seconds": s, "wall_seconds": s}.
"""
import argparse
import json
import resource
import time


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cloudwatch", required=True)
    parser.add_argument("--es", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--start", type=int, required=True)
    parser.add_argument("--end", type=int, required=True)
    return parser.parse_args()


class Measurement:
    def __init__(self):
        self.cpu, self.wall = cpu(), time.monotonic()

    def report(self, events, stored):
        print(json.dumps({"events": events, "stored": stored, "cpu_seconds": cpu() - self.cpu,
                          "wall_seconds": time.monotonic() - self.wall}))
