import { createPublicKey, sign, verify } from 'crypto';
import { PkiError } from './errors';
import { exportPrivateKeyPem, generateRsaKeyPair, loadPrivateKey, publicKeyPemOf } from './keys';

describe('keys', () => {
  const plain = generateRsaKeyPair();
  const encrypted = exportPrivateKeyPem(plain.privateKey, 'mật-khẩu 123');

  it('generates RSA-2048 keys as PKCS#8 PEM', () => {
    expect(plain.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(plain.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(plain.privateKey.asymmetricKeyType).toBe('rsa');
    expect(plain.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('encrypts with a passphrase (PKCS#8, AES-256-CBC) and reads it back', () => {
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(encrypted).not.toContain(plain.privateKeyPem.split('\n')[1]);
    const key = loadPrivateKey(encrypted, 'mật-khẩu 123');
    const signature = sign('sha256', Buffer.from('văn bản'), key);
    expect(verify('sha256', Buffer.from('văn bản'), createPublicKey(plain.publicKeyPem), signature)).toBe(
      true,
    );
    expect(publicKeyPemOf(key)).toBe(plain.publicKeyPem);
  });

  it('generates an encrypted key directly when given a passphrase', () => {
    const pair = generateRsaKeyPair({ passphrase: 's3cret' });
    expect(pair.privateKeyPem).toContain('ENCRYPTED PRIVATE KEY');
    expect(publicKeyPemOf(loadPrivateKey(pair.privateKeyPem, 's3cret'))).toBe(pair.publicKeyPem);
  });

  it('says clearly when the passphrase is missing or wrong', () => {
    expect(() => loadPrivateKey(encrypted)).toThrow(
      expect.objectContaining({ name: 'PkiError', code: 'KEY_PASSPHRASE_REQUIRED' }),
    );
    expect(() => loadPrivateKey(encrypted, 'wrong')).toThrow(
      expect.objectContaining({ code: 'KEY_PASSPHRASE_WRONG', message: expect.stringMatching(/passphrase/) }),
    );
  });

  it('reads unencrypted keys and rejects garbage', () => {
    expect(loadPrivateKey(plain.privateKeyPem).type).toBe('private');
    expect(() => loadPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(
      PkiError,
    );
    expect(() => loadPrivateKey(createPublicKey(plain.publicKeyPem))).toThrow(/private key is required/);
    expect(() => exportPrivateKeyPem(plain.privateKey, '')).toThrow(PkiError);
  });
});
