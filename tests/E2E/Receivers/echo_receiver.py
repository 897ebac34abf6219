"""An HTTP endpoint for assistant actions in the E2E tests: records every request and answers with fixed JSON.

    python3 echo_receiver.py --port 0 --respond '{"status":"ok"}'      (or --respond-base64 eyJvayI6dHJ1ZX0=)

Listens on 127.0.0.1 (port 0 = any free port), prints "LISTENING <port>" once started, and for every request prints
one JSON line {"method", "path", "headers", "body"} (body as text), then answers 200 with the --respond JSON.
Standard library only.
"""
import argparse
import base64
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--respond", default='{"ok": true}')
    parser.add_argument("--respond-base64")
    args = parser.parse_args()
    answer = base64.b64decode(args.respond_base64) if args.respond_base64 else args.respond.encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *log_args):  # stdout is for the JSON lines only
            pass

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            line = {"method": self.command, "path": self.path, "headers": {k: v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace")}
            print(json.dumps(line, separators=(",", ":")), flush=True)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

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
