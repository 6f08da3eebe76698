/** The tool's own signing keys: generate, import, publish as a JWKS, rotate with overlap, sign. */
import { randomBytes } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { ltiError } from '../errors.js';

/** Algorithms the tool signs with. */
export type ToolKeyAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** One signing key of the tool. The private part stays in a private field: logging a key shows no secret. */
export class ToolKey {
  readonly kid: string;
  readonly alg: ToolKeyAlgorithm;
  /** The public half as a JWK (with `kid`, `alg`, `use: "sig"`). */
  readonly publicJwk: JWK;
  /** When the key was made or imported (ms since epoch). */
  readonly createdAt: number;
  readonly #privateKey: PrivateKey;

  constructor(kid: string, alg: ToolKeyAlgorithm, privateKey: PrivateKey, publicJwk: JWK, createdAt: number) {
    this.kid = kid;
    this.alg = alg;
    this.#privateKey = privateKey;
    this.publicJwk = Object.freeze({ ...publicJwk, kid, alg, use: 'sig' });
    this.createdAt = createdAt;
  }

  /** Signs a JWT with this key (`kid` and `typ: JWT` in the header). */
  async sign(payload: JWTPayload): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: this.alg, kid: this.kid, typ: 'JWT' })
      .sign(this.#privateKey);
  }

  /** The private key as PKCS#8 PEM, to store it (treat the result as a secret). */
  async exportPrivatePem(): Promise<string> {
    return exportPKCS8(this.#privateKey);
  }

  /** No private material in JSON or logs. */
  toJSON(): JWK {
    return this.publicJwk;
  }
}

/** Options of {@link generateToolKey}. */
export interface GenerateToolKeyOptions {
  /** Default RS256. */
  alg?: ToolKeyAlgorithm | undefined;
  /** RSA modulus size; 2048 or more. Default 2048. */
  modulusLength?: number | undefined;
  /** Key id. Default: the JWK thumbprint. */
  kid?: string | undefined;
  /** Creation time (ms). Default now. */
  createdAt?: number | undefined;
}

async function fromPair(
  privateKey: PrivateKey,
  publicJwk: JWK,
  alg: ToolKeyAlgorithm,
  kid: string | undefined,
  createdAt: number | undefined,
): Promise<ToolKey> {
  if (publicJwk.kty === 'RSA') {
    const bits = Buffer.from(publicJwk.n ?? '', 'base64url').length * 8;
    if (bits < 2048)
      throw ltiError('config', 'lti.key_invalid', `The RSA key has ${bits} bits; LTI needs 2048 or more.`, {
        vars: { detail: `${bits}-bit RSA` },
      });
  }
  const thumbprint = kid ?? (await calculateJwkThumbprint(publicJwk)).slice(0, 16);
  return new ToolKey(thumbprint, alg, privateKey, publicJwk, createdAt ?? Date.now());
}

/**
 * Generates a new signing key for the tool (RSA 2048 by default).
 *
 * @example
 * ```ts
 * const key = await generateToolKey();
 * console.log(key.kid, key.publicJwk);
 * ```
 */
export async function generateToolKey(options: GenerateToolKeyOptions = {}): Promise<ToolKey> {
  const alg = options.alg ?? 'RS256';
  const modulusLength = options.modulusLength ?? 2048;
  if (!alg.startsWith('ES') && modulusLength < 2048)
    throw ltiError('config', 'lti.key_invalid', `RSA keys need 2048 bits or more, not ${modulusLength}.`, {
      vars: { detail: `modulusLength ${modulusLength}` },
    });
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength, extractable: true });
  return fromPair(privateKey, await exportJWK(publicKey), alg, options.kid, options.createdAt);
}

/**
 * Imports a stored private key (PKCS#8 PEM or a private JWK).
 *
 * @example
 * ```ts
 * const key = await importToolKey(process.env.LTI_PRIVATE_KEY!, { kid: 'tool-2026' });
 * ```
 */
export async function importToolKey(
  privateKey: string | JWK,
  options: {
    alg?: ToolKeyAlgorithm | undefined;
    kid?: string | undefined;
    createdAt?: number | undefined;
  } = {},
): Promise<ToolKey> {
  const alg: ToolKeyAlgorithm =
    options.alg ??
    (typeof privateKey === 'object' ? (privateKey.alg as ToolKeyAlgorithm | undefined) : undefined) ??
    'RS256';
  let key: PrivateKey;
  try {
    key =
      typeof privateKey === 'string'
        ? await importPKCS8(privateKey, alg, { extractable: true })
        : ((await importJWK(privateKey, alg, { extractable: true })) as PrivateKey);
  } catch (error) {
    throw ltiError('config', 'lti.key_invalid', 'The private key cannot be imported.', {
      vars: { detail: (error as Error).message },
      cause: error,
    });
  }
  const jwk = await exportJWK(key);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const kid = options.kid ?? (typeof privateKey === 'object' ? privateKey.kid : undefined);
  return fromPair(key, publicJwk, alg, kid, options.createdAt);
}

/**
 * The tool's key set: the newest key signs, older keys stay published until retired, so platforms that cached the
 * old JWKS keep verifying during a rotation.
 *
 * @example
 * ```ts
 * const keys = await ToolKeySet.generate();
 * app.get('/jwks', () => keys.jwks());
 * await keys.rotate();                       // new key signs, old key still published
 * keys.retireOlderThan(Date.now() - 86_400_000);
 * ```
 */
export class ToolKeySet {
  readonly #keys: ToolKey[];
  constructor(keys: ToolKey[]) {
    if (keys.length === 0)
      throw ltiError('config', 'lti.key_invalid', 'A tool key set needs at least one key.', {
        vars: { detail: 'no keys' },
      });
    this.#keys = [...keys];
  }

  /** A key set with one freshly generated key. */
  static async generate(options: GenerateToolKeyOptions = {}): Promise<ToolKeySet> {
    return new ToolKeySet([await generateToolKey(options)]);
  }

  /** The key that signs (the newest). */
  get signingKey(): ToolKey {
    return this.#keys[this.#keys.length - 1] as ToolKey;
  }

  /** Every key, oldest first. */
  get keys(): readonly ToolKey[] {
    return [...this.#keys];
  }

  /** The public JWKS to serve at the tool's key set URL (Moodle: "Public keyset"). */
  jwks(): JSONWebKeySet {
    return { keys: this.#keys.map((key) => ({ ...key.publicJwk })) };
  }

  /** Adds a new signing key; the old ones stay published until retired. Returns the new key. */
  async rotate(options: GenerateToolKeyOptions = {}): Promise<ToolKey> {
    const key = await generateToolKey({ alg: this.signingKey.alg, ...options });
    this.#keys.push(key);
    return key;
  }

  /** Adds an existing key as the new signing key. */
  add(key: ToolKey): this {
    this.#keys.push(key);
    return this;
  }

  /** Stops publishing a key (never the signing key). Returns true when removed. */
  retire(kid: string): boolean {
    const index = this.#keys.findIndex((key) => key.kid === kid);
    if (index < 0 || index === this.#keys.length - 1) return false;
    this.#keys.splice(index, 1);
    return true;
  }

  /** Retires every key made before `time` except the signing key. Returns the retired kids. */
  retireOlderThan(time: number): string[] {
    const old = this.#keys.slice(0, -1).filter((key) => key.createdAt < time);
    for (const key of old) this.retire(key.kid);
    return old.map((key) => key.kid);
  }

  /** Signs a JWT with the signing key. */
  sign(payload: JWTPayload): Promise<string> {
    return this.signingKey.sign(payload);
  }
}

/** A random url-safe identifier (state, nonce, jti). */
export function randomId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
