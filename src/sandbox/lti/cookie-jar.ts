/**
 * The cookies of a scripted browser, kept as a browser keeps them where LTI launches care: per host (a browser
 * shares cookies across the ports of one host), by path, dropped at `Max-Age=0` or a past `Expires`, and a `Secure`
 * cookie never sent over plain http. That last rule is why, over http, Moodle's `lti1p3_state-*` cookie
 * (`secure; SameSite=None; Partitioned`) stays behind and only its `LEGACY_` twin comes back.
 */

interface StoredCookie {
  value: string;
  path: string;
  secure: boolean;
  expiresAt: number | undefined;
}

/** A browser-like cookie jar for scripted launches. */
export class CookieJar {
  readonly #byHost = new Map<string, Map<string, StoredCookie>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the `Set-Cookie` headers of a response from `url`. */
  store(url: string | URL, header: string | string[] | undefined): void {
    if (!header) return;
    const from = new URL(String(url));
    const jar = this.#byHost.get(from.hostname) ?? new Map<string, StoredCookie>();
    this.#byHost.set(from.hostname, jar);
    for (const line of Array.isArray(header) ? header : [header]) {
      const [pair, ...attributes] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq <= 0) continue;
      const name = (pair as string).slice(0, eq).trim();
      const cookie: StoredCookie = {
        value: (pair as string).slice(eq + 1).trim(),
        path: '/',
        secure: false,
        expiresAt: undefined,
      };
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const value = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'path':
            cookie.path = value.startsWith('/') ? value : '/';
            break;
          case 'secure':
            cookie.secure = true;
            break;
          case 'max-age':
            maxAge = Number(value);
            break;
          case 'expires': {
            const time = Date.parse(value);
            if (!Number.isNaN(time)) cookie.expiresAt = time;
            break;
          }
        }
      }
      if (maxAge !== undefined && Number.isFinite(maxAge)) cookie.expiresAt = this.#now() + maxAge * 1000;
      // A browser refuses a Secure cookie set by a plain-http page (Chrome, Firefox; localhost aside).
      if (cookie.secure && from.protocol !== 'https:') continue;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= this.#now()) jar.delete(name);
      else jar.set(name, cookie);
    }
  }

  /** The `Cookie` header a browser sends to `url`, or undefined. */
  header(url: string | URL): string | undefined {
    const to = new URL(String(url));
    const jar = this.#byHost.get(to.hostname);
    if (!jar) return undefined;
    const now = this.#now();
    const parts: string[] = [];
    for (const [name, cookie] of jar) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) continue;
      if (cookie.secure && to.protocol !== 'https:') continue;
      if (!to.pathname.startsWith(cookie.path)) continue;
      parts.push(`${name}=${cookie.value}`);
    }
    return parts.length > 0 ? parts.join('; ') : undefined;
  }

  /** Names of the cookies held for a host (for reports). */
  names(host: string): string[] {
    return [...(this.#byHost.get(host)?.keys() ?? [])];
  }
}
