import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';

const VERSION = 'v1';

/**
 * Secrets the node must be able to read back (a VDXP connector's HMAC key), encrypted at rest with
 * the passphrase that already encrypts the hosted agencies' private keys (NODE_KEY_PASSPHRASE):
 * AES-256-GCM under a scrypt-derived key, a salt per secret, and the record's id as associated data
 * so a ciphertext cannot be moved to another record.
 */
@Injectable()
export class SecretBox {
  // scrypt is deliberately slow: derive once per salt, not once per request.
  private readonly keys = new Map<string, Buffer>();

  constructor(@Inject(NODE_CONFIG) private readonly config: Pick<NodeConfig, 'keyPassphrase'>) {}

  seal(plaintext: string, boundTo: string): string {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(salt), iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, salt, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  /** Throws when the ciphertext was altered, moved to another record, or sealed with another passphrase. */
  open(sealed: string, boundTo: string): string {
    const [version, salt, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || body === undefined) throw new Error('Unknown sealed secret format');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(Buffer.from(salt, 'base64')),
      Buffer.from(iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  private key(salt: Buffer): Buffer {
    const id = salt.toString('base64');
    let key = this.keys.get(id);
    if (!key) {
      key = scryptSync(this.config.keyPassphrase, salt, 32, {
        N: 1 << 15,
        r: 8,
        p: 1,
        maxmem: 64 * 1024 * 1024,
      });
      if (this.keys.size >= 1_000) this.keys.clear();
      this.keys.set(id, key);
    }
    return key;
  }
}
