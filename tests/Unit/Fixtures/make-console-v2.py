#!/usr/bin/env python3
"""Builds console-v2.db: a store at schema AddAssistants (the schema of the last net9 build, 2026-11-22), written by the
real console over its real API, so tests can check that a database full of everyday data upgrades and reads back.

    dotnet build src/Console.Web && python3 tests/Unit/Fixtures/make-console-v2.py

It starts the built console on a temporary database with a receiver on 127.0.0.1, then, through the API:
  - webhook "fixture webhook" (ticket.created) and two published events, evt_fixture_1 and evt_fixture_2, each
    delivered once (a succeeded delivery with one attempt, HTTP 200);
  - mapping "fixture lead mapping" (seed 004's people_detail name, mobile_number, email to the contact);
  - inbound webhook "fixture inbound" using that mapping, with two requests: seed 004's lead (accepted, contact
    +910987654321 created) and one malformed body (400, still in the raw log);
  - assistant "fixture assistant" with the action "fixture action" (POST {receiver}/tickets/$plan);
  - a session of that assistant with client_data {"plan": "pro"} in which the action was invoked once (one log entry).
Then it stops the console gracefully (the WAL is checkpointed) and VACUUMs the file into console-v2.db.
Needs only python3 and the built console; the result depends on the clock (ids and times), which the tests do not rely on.
"""

import http.server
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
APP = os.path.join(ROOT, "src", "Console.Web", "bin", "Debug", "net10.0", "WebhookConsole.Web.dll")
OUT = os.path.join(HERE, "console-v2.db")
KEY = "wc_fixture_v2_key_0123456789abcdef"


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.dumps({"ok": True, "ticket": "T-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def call(base, method, path, body=None, raw=None, content_type="application/json", key=KEY):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if key:
        request.add_header("Authorization", "Bearer " + key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, (json.loads(text) if text.startswith("{") else text)


def expect(result, status):
    if result[0] != status:
        sys.exit(f"expected {status}, got {result[0]}: {result[1]}")
    return result[1]


def main():
    if not os.path.exists(APP):
        sys.exit(f"{APP} is missing: run `dotnet build src/Console.Web` first")
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hooks = f"http://127.0.0.1:{receiver.server_address[1]}"

    work = tempfile.mkdtemp(prefix="wc-fixture-v2-")
    db = os.path.join(work, "console.db")
    env = dict(os.environ,
               ASPNETCORE_URLS="http://127.0.0.1:0", ASPNETCORE_ENVIRONMENT="Production",
               ConnectionStrings__Console=f"Data Source={db}",
               Console__Admin__Email="fixture-admin@example.com", Console__Admin__Password="fixture-password-2",
               Console__ApiKeys__Bootstrap=KEY, Webhooks__AllowHttp="true", Webhooks__AllowPrivateNetworks="true")
    console = subprocess.Popen(["dotnet", APP], cwd=os.path.dirname(APP), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = None
        for line in console.stdout:
            if m := re.search(r"Now listening on: (http://\S+)", line):
                base = m.group(1).rstrip("/")
                break
        if base is None:
            sys.exit("the console did not start")
        threading.Thread(target=lambda: [None for _ in console.stdout], daemon=True).start()

        webhook = expect(call(base, "POST", "/api/v1/webhooks", {
            "name": "fixture webhook", "url": hooks + "/hooks", "events": ["ticket.created"],
            "retrySchedule": [5, 60], "timeoutSeconds": 5}), 201)
        for n in (1, 2):
            expect(call(base, "POST", "/api/v1/events", {
                "type": "ticket.created", "id": f"evt_fixture_{n}",
                "data": {"ticket_id": f"T-{n}", "subject": "Fixture ticket"}}), 202)
        deadline = time.time() + 30
        while True:
            deliveries = expect(call(base, "GET", f"/api/v1/webhooks/{webhook['id']}/deliveries"), 200)
            if len(deliveries) == 2 and all(d["state"] == "succeeded" for d in deliveries):
                break
            if time.time() > deadline:
                sys.exit(f"deliveries did not succeed: {deliveries}")
            time.sleep(0.2)

        mapping = expect(call(base, "POST", "/api/v1/mappings", {"name": "fixture lead mapping", "fields": [
            {"source": "payload.people_detail.name", "target": "contact.name"},
            {"source": "payload.people_detail.mobile_number", "target": "contact.phone"},
            {"source": "payload.people_detail.email", "target": "contact.email"}]}), 201)
        inbound = expect(call(base, "POST", "/api/v1/inbound", {"name": "fixture inbound", "mappingId": mapping["id"]}), 201)
        url = inbound["url"]
        path = url[url.index("/in/"):]
        with open(os.path.join(HERE, "seed004-lead.json"), "rb") as f:
            expect(call(base, "POST", path, raw=f.read(), key=None), 202)
        expect(call(base, "POST", path, raw=b'{"payload": {"people_detail": ', key=None), 400)
        deadline = time.time() + 30
        while not any(r.get("processing") == "processed" for r in expect(call(base, "GET", f"/api/v1/inbound/{inbound['id']}/requests"), 200)):
            if time.time() > deadline:
                sys.exit("the inbound request was not processed")
            time.sleep(0.2)

        assistant = expect(call(base, "POST", "/api/v1/assistants", {"name": "fixture assistant"}), 201)
        action = expect(call(base, "POST", f"/api/v1/assistants/{assistant['id']}/actions", {
            "type": "WEBHOOK", "name": "fixture action", "url": hooks + "/tickets/$plan", "method": "POST",
            "headers": [{"key": "X-Session-ID", "value": "$session.id"}],
            "body": {"plan": "$plan", "title": "$issue_title"},
            "trigger": {"name": "open_ticket", "description": "Opens a ticket", "parameters": {"type": "object",
                        "properties": {"issue_title": {"type": "string"}}, "required": ["issue_title"]}}}), 201)
        session = expect(call(base, "POST", "/api/v1/sessions", {"assistantId": assistant["id"], "clientData": {"plan": "pro"}}), 201)
        expect(call(base, "POST", f"/api/v1/sessions/{session['id']}/actions/{action['id']}/invoke",
                    {"arguments": {"issue_title": "Printer on fire"}}), 200)
    finally:
        console.send_signal(signal.SIGTERM)
        console.wait(timeout=60)
        receiver.shutdown()

    with sqlite3.connect(db) as conn:
        applied = [r[0] for r in conn.execute('SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1')]
    if os.path.exists(OUT):
        os.remove(OUT)
    with sqlite3.connect(db) as conn:
        conn.execute(f"VACUUM INTO '{OUT}'")
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {OUT} at {applied[-1]}")


if __name__ == "__main__":
    main()
