/**
 * For the secrets tests: secrets with awkward characters, servers on loopback that echo everything they received
 * (headers, body, query) in every encoding, and an oracle that decodes a text every way a secret could hide in it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer, type TestServer } from './http.js';

/**
 * Secret shapes that are encoded differently on the wire, in JSON and in HTML: `@`, space and `!` (form and
 * percent), quotes and backslashes (JSON, HTML), non-ASCII and astral characters (UTF-8 bytes, `\uXXXX`), and
 * `+/=` (base64 look-alikes that form encoding turns into `%2B%2F%3D`). `tag` keeps secrets of different tests
 * apart, so that one path's registration cannot hide another path's leak.
 */
export function awkwardSecrets(tag: string): string[] {
  return [
    `P@ss w0rd!Unique77-${tag}`,
    `q"uo'te\\back\\slash<&>-${tag}`,
    `ünï©ødé 😀 ßecret-${tag}`,
    `a+b/c=d+e/f==${tag}`,
  ];
}

/** The secrets that can travel in an HTTP header (an access token is sent as `Authorization: Bearer …`). */
export function headerSafe(secrets: readonly string[]): string[] {
  return secrets.filter((s) => /^[\x20-\x7e]+$/.test(s));
}

/** Everything a request carried, rendered in every way a careless server might echo it. */
export function echoOf(req: IncomingMessage & { body: string }): string {
  const url = new URL(req.url ?? '/', 'http://echo.invalid');
  const headers = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
  const raw = [`${req.method} ${req.url}`, ...headers, '', req.body].join('\n');
  const decoded: string[] = [];
  for (const [key, value] of url.searchParams) decoded.push(`${key}=${value}`);
  if (!req.body.trimStart().startsWith('{'))
    for (const [key, value] of new URLSearchParams(req.body)) decoded.push(`${key}=${value}`);
  const authorization = String(req.headers.authorization ?? '').replace(/^\w+\s+/, '');
  return [
    raw,
    decoded.join('&'),
    authorization,
    JSON.stringify(req.headers),
    Buffer.from(raw).toString('base64'),
    Buffer.from(`client:${decoded.join('&')}`).toString('base64url'),
    htmlEscape(raw),
    phpJsonEscape(raw),
    encodeURIComponent(raw),
  ].join(' | ');
}

function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}

/** What PHP's json_encode writes by default: `\/` and `\uXXXX` for every non-ASCII unit. */
function phpJsonEscape(text: string): string {
  return JSON.stringify(text)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How an echo server answers: a JSON body built from the echo, an HTML page, or plain text. */
export type EchoShape = 'json' | 'html' | 'text';

/** The answer of an echo server to one request. */
export interface EchoAnswer {
  status: number;
  shape: EchoShape;
  /** For `json`: the body, given the echo. */
  json?: (echo: string, req: IncomingMessage & { body: string }) => unknown;
}

/**
 * A server on 127.0.0.1 that answers every request with what `answer` says, the echo of the request in every
 * field, and in a `WWW-Authenticate` header too.
 */
export function startEchoServer(
  answer: (req: IncomingMessage & { body: string }, index: number) => EchoAnswer,
): Promise<TestServer> {
  return startTestServer((req, res: ServerResponse, index) => {
    const echo = echoOf(req);
    const { status, shape, json } = answer(req, index);
    res.setHeader(
      'www-authenticate',
      `Bearer error="invalid_token", error_description="${encodeURIComponent(echo)}"`,
    );
    if (shape === 'json') {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json ? json(echo, req) : { error: echo }));
    } else if (shape === 'html') {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<html><head><title>${htmlEscape(echo)}</title></head><body><p>${htmlEscape(echo)}</p></body></html>`,
      );
    } else {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(echo);
    }
  });
}

/**
 * The secrets of `secrets` that `text` still reveals, in any encoding: the text is decoded every way a secret may
 * hide (percent and form encoding, nested; JSON escapes, nested; HTML references; base64 and base64url at every
 * alignment), alone and in combination, and each decoding is searched. Written apart from the SDK's own masking,
 * so that it judges it.
 */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  const variants = new Set<string>([text]);
  for (let round = 0; round < 3; round++) {
    for (const variant of [...variants]) {
      for (const decode of DECODERS) {
        const decoded = decode(variant);
        if (decoded !== variant && variants.size < 200) variants.add(decoded);
      }
    }
  }
  const blobs = [...variants].flatMap(base64Decodings);
  return secrets.filter(
    (secret) =>
      [...variants].some((v) => v.includes(secret)) ||
      blobs.some((blob) => blob.includes(Buffer.from(secret, 'utf8'))) ||
      blobs.some((blob) =>
        blob.includes(Buffer.from(new URLSearchParams({ v: secret }).toString().slice(2))),
      ),
  );
}

const DECODERS: Array<(text: string) => string> = [
  (text) => text.replace(/(?:%[0-9a-fA-F]{2})+/g, percentDecode),
  (text) => text.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, percentDecode),
  (text) =>
    text.replace(
      /\\(u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|["'`\\/bfnrt])/g,
      (_m, what: string) =>
        what.length > 1
          ? String.fromCodePoint(Number.parseInt(what.replace(/^[ux]\{?|\}$/g, ''), 16))
          : (({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[what] ?? what),
    ),
  (text) =>
    text
      .replace(/&#[xX]([0-9a-fA-F]+);/g, (_m, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
];

function percentDecode(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1');
  }
}

/** Every run of base64 characters, decoded from each of its first four characters. */
function base64Decodings(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const match of text.matchAll(/[A-Za-z0-9+/_-]{8,}/g)) {
    const run = match[0].replace(/-/g, '+').replace(/_/g, '/');
    for (let start = 0; start < 4; start++) out.push(Buffer.from(run.slice(start), 'base64'));
  }
  return out;
}
