"""logstream's test rig: start, seed and stop a local CloudWatch Logs (moto) and a local
Elasticsearch-compatible engine (osmem-server), optionally behind fault-injecting proxies.

    rig.py up --dir DIR [--es-proxy] [--es-auth basic:U:P|apikey:K] [--es-tls [--es-tls-name NAME]] [--parent-pid PID]
                                                          start servers, write DIR/rig.json, print it
                                                          (auth and TLS are the proxy's, so they imply it)
    rig.py down --dir DIR                                 stop them by PID
    rig.py seed --endpoint URL --groups a,b --days 5 --events 20000 [--region us-east-1]
                                                          write sample logs, print counts per group
    rig.py ids --endpoint URL --group G                   every event id CloudWatch holds for G
    rig.py assume-role --endpoint URL                     temporary credentials (key, secret, session token)
    rig.py role --endpoint URL --name NAME                a role with logs:* anyone may assume; its ARN
    rig.py iam --endpoint URL [--name N] [--may-assume]   a user with logs:* (and sts:AssumeRole) and its keys
    rig.py auth --endpoint URL on|off                     turn moto's SigV4 checking on or off
    rig.py metadata --dir DIR --key K --secret S [...]    start fake_metadata.py (container and instance credentials)
    rig.py scrape --url URL [--timeout S]                 GET logstream's endpoint; /metrics parsed by prometheus-client
    rig.py put --endpoint URL --group G --file EVENTS.json  write exactly these events
                                                          ([{"timestamp": ms, "message": "...", "stream": "s"}])

Every server listens on 127.0.0.1 on a port it picked itself and reports it on its first
line of output; `up` waits for those lines with a deadline, never a fixed sleep.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def osmem_binary():
    import osmem_server
    return osmem_server.resolve_binary()


def default_signals():
    # A caller that blocks or ignores SIGTERM (the Swift test runner's threads block it)
    # would pass that on to the servers, and `down` would wait out its deadline for each.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)


def start(name, argv, directory, deadline_s=60):
    log_path = directory / f"{name}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=default_signals)
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"rig: {name} exited with {proc.returncode}; see {log_path}:\n{log_path.read_text()[-2000:]}")
        for line in log_path.read_text().splitlines():
            line = line.strip()
            if line.startswith("{") and '"url"' in line:
                info = json.loads(line)
                return {**info, "pid": proc.pid, "log": str(log_path)}
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"rig: {name} did not report ready within {deadline_s}s; see {log_path}")


def up(args):
    directory = Path(args.dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    parent = ["--parent-pid", str(args.parent_pid)] if args.parent_pid else []
    rig = {}
    env_note = {}
    moto_env = dict(os.environ)
    rig["moto"] = start("moto", [sys.executable, str(HERE / "rig_moto.py"), "-H", "127.0.0.1", "-p", "0"] + parent, directory)
    osmem_argv = [osmem_binary(), "-addr", "127.0.0.1:0", "-no-stdin-watch"]
    if args.parent_pid:
        osmem_argv += ["-parent-pid", str(args.parent_pid)]
    rig["osmem"] = start("osmem", osmem_argv, directory)
    if args.es_proxy or args.es_auth or args.es_tls:
        upstream = rig["osmem"]["url"].split("://", 1)[1]
        secured = (["--require-auth", args.es_auth] if args.es_auth else []) + (["--tls-dir", str(directory / "tls")] if args.es_tls else []) \
            + (["--tls-name", args.es_tls_name] if args.es_tls_name else [])
        rig["es_proxy"] = start("es_proxy", [sys.executable, str(HERE / "fault_proxy.py"), "--listen", "127.0.0.1:0",
                                             "--upstream", upstream] + secured + parent, directory)
    rig["cloudwatch_url"] = rig["moto"]["url"]
    rig["es_url"] = rig.get("es_proxy", rig["osmem"])["url"]
    (directory / "rig.json").write_text(json.dumps(rig, indent=2))
    print(json.dumps(rig))


def alive(pid):
    """True while the process runs; a zombie (exited, not yet reaped by init) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def down(args):
    path = Path(args.dir) / "rig.json"
    if not path.exists():
        return
    rig = json.loads(path.read_text())
    for key in ("es_proxy", "osmem", "moto"):
        pid = rig.get(key, {}).get("pid")
        if not pid:
            continue
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.02)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    path.unlink()


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up")
    p_up.add_argument("--dir", required=True)
    p_up.add_argument("--es-proxy", action="store_true")
    p_up.add_argument("--es-auth", default="")
    p_up.add_argument("--es-tls", action="store_true")
    p_up.add_argument("--es-tls-name", default="", help="issue the proxy's certificate for this name only (a host-name mismatch)")
    p_up.add_argument("--parent-pid", type=int, default=0)
    p_down = sub.add_parser("down")
    p_down.add_argument("--dir", required=True)
    p_seed = sub.add_parser("seed")
    p_seed.add_argument("--endpoint", required=True)
    p_seed.add_argument("--region", default="us-east-1")
    p_seed.add_argument("--role-arn", default="", help="write as the account of this role (assumed)")
    p_seed.add_argument("--groups", required=True)
    p_seed.add_argument("--days", type=float, default=5)
    p_seed.add_argument("--events", type=int, default=20000, help="events per group")
    p_seed.add_argument("--streams", type=int, default=3)
    p_seed.add_argument("--seed", type=int, default=1)
    p_seed.add_argument("--end-ms", type=int, default=0, help="newest event time (default: now - 1 minute)")
    p_put = sub.add_parser("put")
    p_put.add_argument("--endpoint", required=True)
    p_put.add_argument("--region", default="us-east-1")
    p_put.add_argument("--role-arn", default="", help="write as the account of this role (assumed)")
    p_put.add_argument("--group", required=True)
    p_put.add_argument("--file", required=True)
    p_ids = sub.add_parser("ids")
    p_ids.add_argument("--endpoint", required=True)
    p_ids.add_argument("--region", default="us-east-1")
    p_ids.add_argument("--role-arn", default="", help="read as the account of this role (assumed)")
    p_ids.add_argument("--group", required=True)
    p_iam = sub.add_parser("iam")
    p_iam.add_argument("--endpoint", required=True)
    p_iam.add_argument("--name", default="logstream-rig")
    p_iam.add_argument("--may-assume", action="store_true")
    p_new_role = sub.add_parser("role")
    p_new_role.add_argument("--endpoint", required=True)
    p_new_role.add_argument("--name", required=True)
    p_new_role.add_argument("--account", default="")
    p_role = sub.add_parser("assume-role")
    p_role.add_argument("--endpoint", required=True)
    p_auth = sub.add_parser("auth")
    p_auth.add_argument("--endpoint", required=True)
    p_auth.add_argument("state", choices=["on", "off"])
    p_sub = sub.add_parser("subscribe", help="a Kinesis stream and a subscription filter delivering a group's events to it")
    p_sub.add_argument("--endpoint", required=True)
    p_sub.add_argument("--region", default="us-east-1")
    p_sub.add_argument("--group", required=True)
    p_sub.add_argument("--stream", required=True)
    p_sub.add_argument("--shards", type=int, default=1)
    p_sub.add_argument("--filter", default="logstream")
    p_split = sub.add_parser("split", help="split each open shard of a Kinesis stream in two (resharding)")
    p_split.add_argument("--endpoint", required=True)
    p_split.add_argument("--region", default="us-east-1")
    p_split.add_argument("--stream", required=True)
    p_scrape = sub.add_parser("scrape", help="GET logstream's HTTP endpoint; /metrics parsed by prometheus-client")
    p_scrape.add_argument("--url", required=True)
    p_scrape.add_argument("--timeout", type=float, default=5)
    p_meta = sub.add_parser("metadata")
    p_meta.add_argument("--dir", required=True)
    p_meta.add_argument("--parent-pid", type=int, default=0)
    p_meta.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command in ("iam", "role", "assume-role", "auth"):
        import aws_auth
        print(json.dumps(getattr(aws_auth, args.command.replace("-", "_"))(args)))
    elif args.command == "metadata":
        directory = Path(args.dir)
        directory.mkdir(parents=True, exist_ok=True)
        parent = ["--parent-pid", str(args.parent_pid)] if args.parent_pid else []
        rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
        print(json.dumps(start("metadata", [sys.executable, str(HERE / "fake_metadata.py")] + rest + parent, directory)))
    elif args.command in ("subscribe", "split"):
        import kinesis_rig
        print(json.dumps(getattr(kinesis_rig, args.command)(args)))
    elif args.command == "scrape":
        import scrape
        print(json.dumps(scrape.scrape(args)))
    elif args.command == "ids":
        import seed_logs
        print(json.dumps(seed_logs.ids(args)))
    elif args.command == "put":
        import seed_logs
        print(json.dumps(seed_logs.put(args)))
    elif args.command == "up":
        up(args)
    elif args.command == "down":
        down(args)
    else:
        import seed_logs
        print(json.dumps(seed_logs.seed(args)))


if __name__ == "__main__":
    main()
