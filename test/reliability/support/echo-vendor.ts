import type http from 'node:http';
import fc from 'fast-check';
import { GREEN_SUMMARY, type Route } from './vendor-server.ts';

/** Characters that need escaping in JSON, URLs, headers or HTML, and Latin-1 letters (what a header can carry). */
const TRICKY = [...'"\\/+%& \'=?#<>{:;', 'é', 'ß', 'ü', '©'];

/** Random credentials full of characters that need escaping; `sk-` keeps them from matching anything else. */
export const secretArb: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.constantFrom(...'abcdxyzABCXYZ0189-_')), {
    minLength: 16,
    maxLength: 32,
  })
  .filter((chars) => chars.filter((char) => TRICKY.includes(char)).length >= 4)
  .map((chars) => `sk-${chars.join('')}`);

/** Opens at the first failing cycle, identifies at the second, resolves at the first healthy one. */
export const ECHO_POLICY = { openAfter: 1, resolveAfter: 1, identifyAfter: 2 };

const calls = new Map<string, number>();
/** How many times this route was asked for this secret (the `key` query parameter) so far. */
function nth(req: http.IncomingMessage, route: string): number {
  const key = `${route} ${new URL(req.url!, 'http://x').searchParams.get('key')}`;
  calls.set(key, (calls.get(key) ?? 0) + 1);
  return calls.get(key)!;
}
const sent = (req: http.IncomingMessage) => String(req.headers.authorization ?? '').replace(/^Bearer /, '');
const answer = (res: http.ServerResponse, status: number, body: unknown, headers = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/**
 * A careless vendor: it echoes the credential it is sent, and the URL it is asked for (which carries
 * the secret in its query), in bodies, headers, redirect targets and error messages. Two failing
 * cycles, then healthy: an incident opens, is identified, resolves and gets a postmortem.
 */
export const echoRoutes: Record<string, Route> = {
  '/status/api/v2/summary.json': (req, res) =>
    nth(req, 'status') <= 2
      ? answer(res, 200, {
          ...GREEN_SUMMARY,
          status: { indicator: 'minor', description: `Degraded for ${req.url}` },
          incidents: [
            { name: `Errors for ${req.url}`, status: 'investigating', impact: 'minor', shortlink: req.url },
          ],
        })
      : answer(res, 200, { ...GREEN_SUMMARY, status: { indicator: 'none', description: `OK ${req.url}` } }),
  // Same origin, so the credential follows the redirect, and the next URL carries it too.
  '/api/start': (req, res) => {
    const key = new URL(req.url!, 'http://x').searchParams.get('key');
    res.writeHead(302, { location: `/api/final?key=${key}&t=${encodeURIComponent(sent(req))}` }).end();
  },
  '/api/final': (req, res) => {
    const echo = { 'x-echo': sent(req), 'set-cookie': `session=${sent(req)}`, 'x-request-id': sent(req) };
    return nth(req, 'api') <= 4
      ? answer(res, 500, { code: 'internalError', message: `token ${sent(req)} failed on ${req.url}` }, echo)
      : answer(res, 200, { ok: true, youSent: sent(req), url: req.url }, echo);
  },
  '/token': (req, res) => answer(res, 200, { scopes: ['read'], token: sent(req), team: { id: sent(req) } }),
  '/health': (req, res) =>
    nth(req, 'health') <= 2
      ? res.writeHead(302, { location: req.url }).end()
      : answer(res, 200, { status: 'ok', seen: req.url }),
};

/** A vendor config for the echo server whose URLs carry the secret in their query strings. */
export function echoVendor(url: string, secret: string, id: string, auth: Record<string, unknown>) {
  const key = `key=${encodeURIComponent(secret)}`;
  return {
    id,
    profile: 'generic',
    statusPage: `${url}/status?${key}`,
    apiBase: url,
    api: { path: `/api/start?${key}` },
    token: { path: `/token?${key}` },
    auth: { token: auth },
    appHealth: { url: `${url}/health?${key}`, statusPath: 'status' },
    // No later confirmation look: the echo server counts two API calls per failing cycle.
    timeouts: { checkMs: 5_000, retryDelayMs: 10, confirmAfterMs: 0 },
  };
}
