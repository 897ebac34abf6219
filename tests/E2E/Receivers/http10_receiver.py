"""A webhook receiver that closes the connection after each answer, the way Python's own http.server does by default.

    python3 http10_receiver.py --port 0

Listens on 127.0.0.1 (port 0 = any free port), prints "LISTENING <port>" once started, and for every request reads its
Content-Length bytes, prints one JSON line {"method", "path", "headers", "body"} (body as text), then answers 200 with
HTTP/1.0 semantics (BaseHTTPRequestHandler's default protocol_version): no keep-alive, the connection closed after the answer.
Standard library only.
"""
import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    printing = threading.Lock()  # a thread per connection: one JSON line at a time

    class Handler(BaseHTTPRequestHandler):
        # protocol_version stays "HTTP/1.0", the default: that is the point of this receiver.

        def log_message(self, format, *log_args):  # stdout is for the JSON lines only
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            line = {"method": self.command, "path": self.path, "headers": {k: v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace")}
            with printing:
                print(json.dumps(line, separators=(",", ":")), flush=True)
            answer = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

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
