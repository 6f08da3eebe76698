/**
 * Secret handling shared by every module: which keys hold secrets, masking of known secret values in free text,
 * and redacted copies of URLs, headers and parameter objects.
 */

/** What a masked secret is replaced with. */
export const MASK = '***';

const SECRET_KEY =
  /(^|[_\-.[\]])(w?s?token|password|passwd|pass|secret|client_?secret|access_?token|refresh_?token|id_?token|private_?key|privatekey|authorization|cookie|set-cookie|assertion|client_?assertion|api_?key|apikey|jwt|credentials?)($|[_\-.[\]])/i;
const SECRET_KEY_CAMEL = /(token|password|secret|privatekey|authorization|assertion|apikey|credential)$/i;

/**
 * True when a parameter, header or property name holds a secret (`wstoken`, `password`, `client_secret`,
 * `Authorization`, `users[0][password]`, `clientSecret`...).
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_CAMEL.test(key);
}

const knownSecrets = new Set<string>();

/**
 * Registers a secret value (a token, a client secret) so that {@link maskSecrets} removes it from any text:
 * error messages, debug output, REPL history. Values shorter than 6 characters are ignored (too likely to
 * match ordinary text).
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 6) knownSecrets.add(value);
}

/** Replaces every registered secret value in `text` with {@link MASK}. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** A copy of a URL with secret query parameters (and any user info) masked. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return maskSecrets(String(url));
  }
  if (parsed.username) parsed.username = MASK;
  if (parsed.password) parsed.password = MASK;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretKey(key)) parsed.searchParams.set(key, MASK);
  }
  return maskSecrets(parsed.toString());
}

/** A copy of headers with secret headers masked; names are lower-cased. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name.toLowerCase()] = isSecretKey(name) ? MASK : maskSecrets(text);
  }
  return out;
}

/** A deep copy of a parameter object with every secret-named property masked. */
export function redactParams(value: unknown, depth = 0): unknown {
  if (depth > 32) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redactParams(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      out[key] = isSecretKey(key) ? MASK : redactParams(inner, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string') return maskSecrets(value);
  return value;
}

/**
 * A redacted form body (`a=1&wstoken=***`): secret-named fields masked, registered secrets removed.
 */
export function redactFormBody(body: string): string {
  const params = new URLSearchParams(body);
  const parts: string[] = [];
  for (const [key, value] of params) {
    parts.push(`${key}=${isSecretKey(key) ? MASK : maskSecrets(value)}`);
  }
  return parts.join('&');
}
