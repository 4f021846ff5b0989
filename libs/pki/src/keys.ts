import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'crypto';
import { PkiError } from './errors';

export interface GeneratedKeyPair {
  /** PKCS#8 PEM; `ENCRYPTED PRIVATE KEY` (AES-256-CBC, PBKDF2) when a passphrase was given. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  publicKeyPem: string;
  /** The private key, ready for signing without decrypting the PEM again. */
  privateKey: KeyObject;
}

export interface GenerateKeyPairOptions {
  passphrase?: string;
  /** Default 2048. */
  modulusLength?: number;
}

/** An RSA key pair made by Node's crypto (OpenSSL). */
export function generateRsaKeyPair(options: GenerateKeyPairOptions = {}): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: options.modulusLength ?? 2048,
    publicExponent: 0x10001,
  });
  return {
    privateKey,
    privateKeyPem: exportPrivateKeyPem(privateKey, options.passphrase),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** PKCS#8 PEM of a private key, encrypted with AES-256-CBC when a passphrase is given. */
export function exportPrivateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase !== undefined) {
    if (passphrase === '') throw new PkiError('KEY_INVALID', 'An empty passphrase cannot protect a key');
    return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  }
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * Reads a PEM private key (PKCS#8, encrypted PKCS#8 or PKCS#1). Throws a PkiError with code
 * KEY_PASSPHRASE_REQUIRED / KEY_PASSPHRASE_WRONG / KEY_INVALID that says what went wrong.
 */
export function loadPrivateKey(pem: string | KeyObject, passphrase?: string): KeyObject {
  if (pem instanceof KeyObject) {
    if (pem.type !== 'private') throw new PkiError('KEY_INVALID', 'A private key is required');
    return pem;
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) {
    throw new PkiError('KEY_PASSPHRASE_REQUIRED', 'The private key is encrypted: a passphrase is required');
  }
  try {
    return createPrivateKey(
      encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' },
    );
  } catch (error) {
    if (encrypted) {
      throw new PkiError('KEY_PASSPHRASE_WRONG', 'The passphrase does not decrypt the private key', {
        cause: error,
      });
    }
    throw new PkiError('KEY_INVALID', `Not a readable private key: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The SubjectPublicKeyInfo PEM of a private key, a public key or a certificate. */
export function publicKeyPemOf(key: KeyObject | string): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string;
}
