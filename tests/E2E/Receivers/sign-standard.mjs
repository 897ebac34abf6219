// Signs a body with the official Standard Webhooks library (npm "standardwebhooks"), code this project did not write,
// so the E2E tests show that the console's inbound verification accepts what real senders produce.
//
//   node sign-standard.mjs <whsec_secret> <msg_id> <unix_seconds> < body
//
// Prints the webhook-signature header value ("v1,<base64>").
import { Webhook } from "standardwebhooks";

const [secret, id, seconds] = process.argv.slice(2);
if (!secret || !id || !/^\d+$/.test(seconds ?? "")) {
  process.stderr.write("usage: node sign-standard.mjs <whsec_secret> <msg_id> <unix_seconds> < body\n");
  process.exit(2);
}
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
process.stdout.write(new Webhook(secret).sign(id, new Date(Number(seconds) * 1000), Buffer.concat(chunks).toString("utf8")));
