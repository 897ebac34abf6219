"""A webhook receiver that checks X-Webhook-Signature with seed 002's own snippet, unchanged, so the E2E tests show
that the console's hex signature verifies for a receiver written from that seed.

    python3 hex_receiver.py --port 0 --secret whsec_...

Listens on 127.0.0.1 (port 0 = any free port), prints "LISTENING <port>" once started, and for every POST prints one
JSON line {"path", "webhookId", "verified", "error", "event"} (event = the parsed body's "event", or null), then
answers 200 {"ok": true} when verified and 401 when not. Standard library only.
"""
import argparse
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# --- seed 002's snippet, verbatim ---
import hmac, hashlib

def verify_signature(body, signature, secret):
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
# --- end of seed 002's snippet ---


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *log_args):  # keep stdout/stderr for the JSON lines only
            pass

        def _read_body(self):
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                data = b""
                while True:
                    size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _reply(self, status, body):
            payload = json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            body = self._read_body()
            signature = self.headers.get("X-Webhook-Signature")
            error = None
            if signature is None:
                verified, error = False, "missing X-Webhook-Signature"
            else:
                try:
                    verified = verify_signature(body, signature, args.secret)
                except TypeError as e:  # compare_digest refuses non-ASCII strings
                    verified, error = False, str(e)
                if not verified and error is None:
                    error = "signature does not match"
            try:
                parsed = json.loads(body)
                event = parsed.get("event") if isinstance(parsed, dict) else None
            except ValueError:
                event = None
            line = {"path": self.path, "webhookId": self.headers.get("webhook-id"), "verified": verified,
                    "error": error, "event": event}
            print(json.dumps(line, separators=(",", ":")), flush=True)
            if verified:
                self._reply(200, {"ok": True})
            else:
                self._reply(401, {"ok": False, "error": error})

        def do_GET(self):
            self._reply(405, {"ok": False, "error": "POST only"})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
