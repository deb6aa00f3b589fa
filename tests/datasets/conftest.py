"""Fixtures for the dataset tests: a private cache, no network, and a
local HTTP server.

- Every test gets `KARA_HOME` (and `KERAS_HOME`) pointing into its own
  temporary folder, so no real cache is read or written.
- `urllib.request.urlopen` refuses every address but 127.0.0.1 with the
  `URLError` an offline machine gives: the tests can never reach the
  internet, and a loader asked for an uncached file shows its offline
  error.
- `server` serves bytes from memory on 127.0.0.1 in a daemon thread. It
  can honour or ignore `Range` requests and can cut a response short, to
  exercise resuming. It is shut down when the test ends, and every socket
  has a timeout, so it never outlives the test.
"""

import http.server
import re
import threading
import urllib.error
import urllib.request

import pytest

from kara.datasets import _download


@pytest.fixture(autouse=True)
def kara_home(tmp_path, monkeypatch):
    """The test's KARA_HOME; its cache folder is `kara_home / "datasets"`."""
    home = tmp_path / "kara_home"
    monkeypatch.setenv("KARA_HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(_download, "_TIMEOUT", 5.0)
    return home


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Only 127.0.0.1 can be reached; `offline.calls` lists the URLs."""
    real_urlopen = urllib.request.urlopen
    calls = []

    def guarded(request, *args, **kwargs):
        url = getattr(request, "full_url", request)
        calls.append(url)
        if not url.startswith("http://127.0.0.1:"):
            raise urllib.error.URLError("network disabled in tests")
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", guarded)
    guarded.calls = calls
    return guarded


class _Handler(http.server.BaseHTTPRequestHandler):
    timeout = 5  # seconds a client may stay silent

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_GET(self):
        state = self.server.state
        state["requests"].append((self.path, self.headers.get("Range")))
        data = state["files"].get(self.path)
        if data is None:
            self.send_error(404)
            return
        start = 0
        wanted = self.headers.get("Range")
        if wanted and state["ranges"]:
            start = int(re.match(r"bytes=(\d+)-", wanted).group(1))
            if start >= len(data):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header(
                "Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}"
            )
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if state["cut"]:
            # send part of the body, then drop the connection
            keep = state["cut"].pop(0)
            self.wfile.write(body[:keep])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    """A local HTTP server; `server.url(path)`, `server.state`.

    `state["files"]`: {"/name": bytes}; `state["ranges"]`: honour Range
    requests (default True); `state["cut"]`: a list of byte counts, one
    per coming response, after which that response is cut off;
    `state["requests"]`: (path, Range header) of each request.
    """
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.state = {"files": {}, "ranges": True, "cut": [], "requests": []}
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}
    )
    thread.daemon = True
    thread.start()
    port = httpd.server_address[1]
    httpd.url = lambda path: f"http://127.0.0.1:{port}{path}"
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
