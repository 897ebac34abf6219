// A webhook receiver that verifies with the official Standard Webhooks library (npm "standardwebhooks"),
// code this project did not write, so the E2E tests show that the console's signatures verify for real receivers.
//
//   node standard-receiver.mjs --port 0 --secret whsec_... [--fail-first N]
//
// Listens on 127.0.0.1 (port 0 = any free port) and prints "LISTENING <port>" once started. For every POST it prints
// one JSON line to stdout, before answering:
//   {"path", "webhookId", "verified", "error", "attempt", "request", "event"}
// attempt = how many requests with this webhook-id this receiver has seen (1 on the first, 2 on the first retry, ...);
// request = the POST's number among all POSTs; event = the parsed body's "event", or null.
// The first N POSTs (--fail-first, default 0) get 500; after that a verified request gets 200 {"ok":true} and one
// that fails verification gets 401.
import http from "node:http";
import { parseArgs } from "node:util";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    secret: { type: "string" },
    "fail-first": { type: "string", default: "0" },
  },
  strict: true,
});

const port = Number.parseInt(values.port, 10);
const failFirst = Number.parseInt(values["fail-first"], 10);
if (!values.secret || !Number.isInteger(port) || port < 0 || !Number.isInteger(failFirst) || failFirst < 0) {
  process.stderr.write("usage: node standard-receiver.mjs --port <n|0> --secret <whsec_...> [--fail-first N]\n");
  process.exit(2);
}

let webhook;
try {
  webhook = new Webhook(values.secret);
} catch (e) {
  process.stderr.write(`invalid --secret: ${e.message}\n`);
  process.exit(2);
}

let requests = 0;
const attemptsById = new Map();

function parseEvent(raw) {
  try {
    const body = JSON.parse(raw.toString("utf8"));
    return body && typeof body === "object" && "event" in body ? body.event : null;
  } catch {
    return null;
  }
}

function verify(raw, headers) {
  try {
    webhook.verify(raw, headers);
    return { verified: true, error: null };
  } catch (e) {
    // JSON.parse runs only after a signature matched: the request is authentic, its body just is not JSON.
    if (e instanceof SyntaxError && !(e instanceof WebhookVerificationError)) {
      return { verified: true, error: `body is not JSON: ${e.message}` };
    }
    return { verified: false, error: e?.message ?? String(e) };
  }
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("error", () => res.destroy());
  req.on("end", () => {
    if (req.method !== "POST") {
      reply(res, 405, { ok: false, error: "POST only" });
      return;
    }
    const raw = Buffer.concat(chunks);
    requests += 1;
    const webhookId = req.headers["webhook-id"] ?? null;
    const attempt = (attemptsById.get(webhookId) ?? 0) + 1;
    attemptsById.set(webhookId, attempt);
    const { verified, error } = verify(raw, req.headers);

    process.stdout.write(
      `${JSON.stringify({ path: req.url, webhookId, verified, error, attempt, request: requests, event: parseEvent(raw) })}\n`,
    );

    if (requests <= failFirst) reply(res, 500, { ok: false, error: `failing the first ${failFirst} requests on purpose` });
    else if (verified) reply(res, 200, { ok: true });
    else reply(res, 401, { ok: false, error });
  });
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
