const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** Every PEM block in a text, in order. Base64 must be clean (whitespace only between characters). */
export function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = match[2].replace(/\s+/g, '');
    if (!isCanonicalBase64(body)) continue;
    blocks.push({ label: match[1], der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** The DER of the single block with the given label; throws when missing. */
export function pemToDer(pem: string, label: string): Buffer {
  const block = readPemBlocks(pem).find((b) => b.label === label);
  if (!block) throw new Error(`No "${label}" PEM block found`);
  return block.der;
}

export function derToPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Splits a bundle of certificates into separate PEM strings. */
export function splitPemCertificates(text: string): string[] {
  return readPemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => derToPem(b.der, 'CERTIFICATE'));
}

/**
 * True when `text` is base64 that decodes and re-encodes to exactly itself. Node's decoder
 * silently skips junk and ignores unused trailing bits; a signature check must not.
 */
export function isCanonicalBase64(text: string): boolean {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false;
  return Buffer.from(text, 'base64').toString('base64') === text;
}

/** Upper-case hex without leading zeros or separators, the way Node prints serial numbers. */
export function normalizeSerial(serial: string): string {
  const hex = serial
    .replace(/[:\s]/g, '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '');
  if (!/^[0-9A-F]+$/.test(hex)) throw new Error(`Not a hexadecimal serial number: ${serial}`);
  return hex;
}

/** A small map that forgets its oldest entries once full: parsed certificates and CRLs are reused. */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): V {
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
    return value;
  }

  clear(): void {
    this.map.clear();
  }
}
