/** The in-memory stores: a nonce is never forgotten while its token lives; login states make room for new logins. */
import { describe, expect, it } from 'vitest';
import {
  LaunchValidator,
  type LtiError,
  LtiLaunchError,
  MemoryNonceStore,
  MemoryStateStore,
  type NonceStore,
} from '../../src/lti/index.js';
import {
  CLIENT_ID,
  DEPLOYMENT_ID,
  ISSUER,
  launchPayload,
  makePlatformKey,
  NOW,
  sign,
} from './token-factory.js';

const ISS = 'https://lms.example.org';

describe('MemoryNonceStore', () => {
  it('refuses a replay even after maxEntries other nonces, by refusing new launches rather than forgetting', () => {
    let now = 1_000_000;
    const store = new MemoryNonceStore({ now: () => now, maxEntries: 5 });
    for (let i = 0; i < 5; i++) expect(store.use(ISS, `n${i}`, now + 60_000)).toBe(true);
    let error: LtiError | undefined;
    try {
      store.use(ISS, 'n5', now + 60_000);
    } catch (e) {
      error = e as LtiError;
    }
    expect(error).toBeInstanceOf(LtiLaunchError);
    expect(error?.code).toBe('lti.nonce_store_full');
    expect(error?.hint).toMatch(/maxEntries/);
    // The oldest nonce is still known: its token cannot be replayed.
    now += 1_000;
    expect(store.use(ISS, 'n0', now + 60_000)).toBe(false);
    expect(store.has(ISS, 'n0')).toBe(true);
  });

  it('makes room by evicting only expired nonces, whatever order they expire in', () => {
    let now = 1_000_000;
    const store = new MemoryNonceStore({ now: () => now, maxEntries: 3 });
    expect(store.use(ISS, 'late', now + 120_000)).toBe(true);
    expect(store.use(ISS, 'early', now + 10_000)).toBe(true);
    expect(store.use(ISS, 'middle', now + 60_000)).toBe(true);
    now += 30_000; // "early" has expired; it is not at the head of the insertion order
    expect(store.use(ISS, 'new', now + 60_000)).toBe(true);
    expect(store.has(ISS, 'late')).toBe(true);
    expect(store.has(ISS, 'middle')).toBe(true);
    expect(store.has(ISS, 'early')).toBe(false);
    expect(() => store.use(ISS, 'one-too-many', now + 60_000)).toThrow(/nonce store holds 3/);
    now += 61_000; // "middle" and "new" have expired
    expect(store.use(ISS, 'after', now + 60_000)).toBe(true);
    expect(store.use(ISS, 'late', now + 60_000)).toBe(false);
  });

  it('scopes nonces by issuer', () => {
    const store = new MemoryNonceStore();
    expect(store.use(ISS, 'n', Date.now() + 60_000)).toBe(true);
    expect(store.use('https://other.example.org', 'n', Date.now() + 60_000)).toBe(true);
    expect(store.use(ISS, 'n', Date.now() + 60_000)).toBe(false);
  });
});

describe('MemoryStateStore', () => {
  it('keeps accepting logins when full (a flood of logins must not lock users out): the oldest state goes', () => {
    const store = new MemoryStateStore({ maxEntries: 2 });
    const state = (nonce: string) => ({
      nonce,
      issuer: ISS,
      clientId: 'c',
      targetLinkUri: 'https://t',
      createdAt: 0,
    });
    store.put('a', state('1'), 60_000);
    store.put('b', state('2'), 60_000);
    store.put('c', state('3'), 60_000);
    expect(store.take('a')).toBeUndefined();
    expect(store.take('c')?.nonce).toBe('3');
    expect(store.take('c')).toBeUndefined();
  });
});

describe('nonce replay in the validator', () => {
  it('reports a spent nonce posted with another login as a replay; a store without has() can only say mismatch', async () => {
    const key = await makePlatformKey('k1');
    const validatorWith = (nonceStore: NonceStore) =>
      new LaunchValidator({
        registration: {
          issuer: ISSUER,
          clientId: CLIENT_ID,
          deploymentIds: [DEPLOYMENT_ID],
          keys: { keys: [key.publicJwk] },
        },
        now: () => NOW,
        nonceStore,
      });
    const token = await sign(key, launchPayload(NOW, { nonce: 'spent' }));
    const memory = validatorWith(new MemoryNonceStore({ now: () => NOW }));
    await memory.validate(token, { expectedNonce: 'spent' });
    await expect(memory.validate(token, { expectedNonce: 'fresh-login' })).rejects.toMatchObject({
      code: 'lti.nonce_replayed',
    });
    const seen = new Set<string>();
    const useOnly: NonceStore = {
      use: (issuer, nonce) => !seen.has(`${issuer} ${nonce}`) && Boolean(seen.add(`${issuer} ${nonce}`)),
    };
    const bare = validatorWith(useOnly);
    await bare.validate(token, { expectedNonce: 'spent' });
    await expect(bare.validate(token, { expectedNonce: 'fresh-login' })).rejects.toMatchObject({
      code: 'lti.nonce_mismatch',
    });
    await expect(bare.validate(token, { expectedNonce: 'spent' })).rejects.toMatchObject({
      code: 'lti.nonce_replayed',
    });
  });
});
