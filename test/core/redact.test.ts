/** Registered secrets: every spelling is masked, one request's secrets are not kept, expired tokens are let go. */
import { describe, expect, it } from 'vitest';
import { maskerOf, maskSecrets, registerSecret } from '../../src/core/redact.js';

describe('registerSecret and maskSecrets', () => {
  it('mask the spellings a server echoes: form, percent (twice, any case), JSON, JavaScript, HTML, base64', () => {
    const secret = `P@ss w0rd!"q'\\<&>é😀+/=-redact-1`;
    registerSecret(secret);
    const spellings = [
      secret,
      new URLSearchParams({ v: secret }).toString().slice(2),
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      encodeURIComponent(encodeURIComponent(secret)),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(JSON.stringify(secret)).slice(3, -3),
      JSON.stringify(secret)
        .slice(1, -1)
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      secret.replace(/'/g, "\\'").replace(/"/g, '\\"'),
      secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#039;').replace(/</g, '&lt;'),
    ];
    for (const spelling of spellings)
      expect(maskSecrets(`before ${spelling} after`), spelling).toBe('before *** after');
    for (const prefix of ['', 'c', 'id', 'client:']) {
      const basic = Buffer.from(`${prefix}${secret}`).toString('base64');
      expect(maskSecrets(basic)).toContain('***');
      expect(Buffer.from(maskSecrets(basic), 'base64').includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('ignore values shorter than 6 characters, which would mask ordinary words', () => {
    registerSecret('admin');
    expect(maskSecrets('login as admin')).toBe('login as admin');
  });

  it('forget an expired token some minutes after it expires, and keep the others', () => {
    registerSecret('token-expired-an-hour-ago', { expiresAt: Date.now() - 3_600_000 });
    registerSecret('token-valid-for-an-hour', { expiresAt: new Date(Date.now() + 3_600_000) });
    registerSecret('a-secret-that-never-expires');
    expect(maskSecrets('token-expired-an-hour-ago token-valid-for-an-hour a-secret-that-never-expires')).toBe(
      'token-expired-an-hour-ago *** ***',
    );
  });
});

describe('maskerOf', () => {
  it("masks one request's secrets without registering them", () => {
    const mask = maskerOf(['NewPass!1']);
    expect(mask('users[0][password]=NewPass%211')).toBe('users[0][password]=***');
    expect(maskSecrets('NewPass!1')).toBe('NewPass!1');
  });
});
