import { createHash, KeyObject } from 'crypto';
import * as forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;

/** Small DER builders over node-forge's ASN.1 (forge has no CRL writer; the structures are simple). */
export const der = {
  sequence: (items: forge.asn1.Asn1[]) => asn1.create(U, asn1.Type.SEQUENCE, true, items),
  oid: (oid: string) => asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
  octetString: (bytes: Buffer) => asn1.create(U, asn1.Type.OCTETSTRING, false, bytes.toString('binary')),
  bitString: (bytes: Buffer) => asn1.create(U, asn1.Type.BITSTRING, false, '\x00' + bytes.toString('binary')),
  boolean: (value: boolean) => asn1.create(U, asn1.Type.BOOLEAN, false, value ? '\xff' : '\x00'),
  enumerated: (value: number) => asn1.create(U, asn1.Type.ENUMERATED, false, String.fromCharCode(value)),
  /** A non-negative INTEGER from hex, with the leading zero byte DER needs when the top bit is set. */
  integerFromHex: (hex: string) => {
    let h = hex.replace(/^0+(?=.)/, '');
    if (h.length % 2) h = '0' + h;
    if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h;
    return asn1.create(U, asn1.Type.INTEGER, false, forge.util.hexToBytes(h));
  },
  /** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
  time: (date: Date) =>
    date.getUTCFullYear() < 2050
      ? asn1.create(U, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
      : asn1.create(U, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date)),
  algorithmIdentifier: (oid: string) =>
    asn1.create(U, asn1.Type.SEQUENCE, true, [der.oid(oid), asn1.create(U, asn1.Type.NULL, false, '')]),
  // decodeBitStrings off: a BIT STRING holding a key or a signature stays bytes.
  fromBuffer: (bytes: Buffer) =>
    (asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: object) => forge.asn1.Asn1)(
      forge.util.createBuffer(bytes.toString('binary')),
      { strict: true, parseAllBytes: true, decodeBitStrings: false },
    ),
  toBuffer: (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary'),
};

/** RFC 5280 key identifier, method 1: SHA-1 of the subjectPublicKey BIT STRING contents, hex. */
export function publicKeyIdentifier(publicKey: KeyObject): string {
  const spki = der.fromBuffer(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = (spki.value as forge.asn1.Asn1[])[1].value as string;
  return createHash('sha1')
    .update(Buffer.from(bits.slice(1), 'binary'))
    .digest('hex')
    .toUpperCase();
}

/**
 * The encodings of the elements of a top-level DER SEQUENCE, without decoding them: enough to
 * take the exact to-be-signed bytes of a certificate or CRL.
 */
export function derSequenceElements(bytes: Buffer): Buffer[] {
  const outer = readTlv(bytes, 0);
  if (bytes[0] !== 0x30 || outer.end !== bytes.length) throw new Error('Not a single DER SEQUENCE');
  const items: Buffer[] = [];
  let offset = outer.contentStart;
  while (offset < outer.end) {
    const tlv = readTlv(bytes, offset);
    items.push(bytes.subarray(offset, tlv.end));
    offset = tlv.end;
  }
  return items;
}

function readTlv(bytes: Buffer, offset: number): { contentStart: number; end: number } {
  if (offset + 2 > bytes.length || (bytes[offset] & 0x1f) === 0x1f) throw new Error('Bad DER tag');
  let length = bytes[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > bytes.length) throw new Error('Bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > bytes.length) throw new Error('Truncated DER');
  return { contentStart, end };
}
