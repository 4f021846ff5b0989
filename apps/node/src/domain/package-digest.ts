import { createHash } from 'node:crypto';

/** Digests of packages already hashed: the row and its audit entry need the same one, once. */
const digests = new WeakMap<Buffer, string>();

/** SHA-256 hex of a package's bytes (the buffer is never changed once built, so it is cached). */
export function packageSha256(bytes: Buffer): string {
  let digest = digests.get(bytes);
  if (digest === undefined) {
    digest = createHash('sha256').update(bytes).digest('hex');
    digests.set(bytes, digest);
  }
  return digest;
}
