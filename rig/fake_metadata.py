"""A local stand-in for the AWS credential endpoints logstream reads: the ECS/EKS container
credentials endpoint, EC2 instance metadata (IMDSv2, session tokens required) and the
IAM Identity Center portal's GetRoleCredentials (GET /federation/credentials with the
x-amz-sso_bearer_token header; --sso-token is the one it accepts).

    python fake_metadata.py --key AKIA... --secret ... [--token T] [--expires-in 3600] [--auth-token X] [--parent-pid PID]

First line on stdout: {"url": ..., "pid": ...}. GET /_stats returns how many credential
documents were served, so tests can see refreshes.
"""
import argparse
import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
SERVED = {"count": 0}
LOCK = threading.Lock()
IMDS_TOKEN = "rig-imds-session-token"
ROLE = "rig-instance-role"


def credentials():
    with LOCK:
        SERVED["count"] += 1
        n = SERVED["count"]
    expires = datetime.now(timezone.utc) + timedelta(seconds=ARGS.expires_in)
    document = {"Code": "Success", "AccessKeyId": ARGS.key, "SecretAccessKey": ARGS.secret,
                "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}
    # "none": long-lived keys without a session token; empty: a fresh token per fetch.
    if ARGS.token != "none":
        document["Token"] = ARGS.token or f"rig-session-{n}"
    return document


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, IMDS_TOKEN, "text/plain")
        return self.reply(400, "missing X-aws-ec2-metadata-token-ttl-seconds", "text/plain")

    def do_GET(self):
        if self.path == "/_stats":
            return self.reply(200, SERVED)
        if self.path.startswith("/federation/credentials"):
            if not ARGS.sso_token or self.headers.get("x-amz-sso_bearer_token") != ARGS.sso_token:
                return self.reply(401, {"message": "Session token not found or invalid"})
            if "account_id=" not in self.path or "role_name=" not in self.path:
                return self.reply(400, {"message": "account_id and role_name are required"})
            document = credentials()
            expires = int(time.time() * 1000) + ARGS.expires_in * 1000
            return self.reply(200, {"roleCredentials": {"accessKeyId": document["AccessKeyId"], "secretAccessKey": document["SecretAccessKey"],
                                                        "sessionToken": document.get("Token"), "expiration": expires}})
        if self.path.startswith("/ecs/"):
            if ARGS.auth_token and self.headers.get("Authorization") != ARGS.auth_token:
                return self.reply(401, {"message": "bad authorization token"})
            return self.reply(200, credentials())
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.reply(401, "IMDSv2 session token required", "text/plain")
            rest = self.path[len("/latest/meta-data/iam/security-credentials/"):]
            if rest == "":
                return self.reply(200, ROLE, "text/plain")
            if rest == ROLE:
                return self.reply(200, credentials())
        return self.reply(404, "not found", "text/plain")


def watch_parent(pid):
    while True:
        try:
            os.kill(pid, 0)
        except OSError:
            os._exit(0)
        time.sleep(1)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--token", default="", help='"none" for no session token')
    p.add_argument("--expires-in", type=int, default=3600)
    p.add_argument("--auth-token", default="")
    p.add_argument("--sso-token", default="")
    p.add_argument("--parent-pid", type=int, default=0)
    ARGS = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ARGS.parent_pid:
        threading.Thread(target=watch_parent, args=(ARGS.parent_pid,), daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_address[1]}", "pid": os.getpid()}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
