"""One JSON request to the rig's services (osmem, moto's /_rig endpoints), for the scripts
that drive the rig from Python (soak, the quota bench)."""
import json
import urllib.request


def http(method, url, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read() or b"null")
