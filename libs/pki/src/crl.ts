import { createHash, KeyObject, sign as rsaSign, verify as rsaVerify } from 'crypto';
import * as forge from 'node-forge';
import { der, derSequenceElements, publicKeyIdentifier } from './asn1';
import { formatName, parseCertificate, ParsedCertificate } from './certificate';
import { PkiError } from './errors';
import { loadPrivateKey } from './keys';
import { BoundedCache, derToPem, normalizeSerial, readPemBlocks } from './pem';
import { x509 } from './webcrypto';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';
const OID_REASON_CODE = '2.5.29.21';
const SHA256_WITH_RSA = forge.pki.oids.sha256WithRSAEncryption;

/** RFC 5280 CRLReason names (value 7 is unused). */
export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type CrlReason = keyof typeof CRL_REASONS;

export interface RevokedCertificateInput {
  /** Hex, any case, colons allowed. */
  serialNumber: string;
  revokedAt: Date;
  /** A CrlReason name (or its number); `unspecified` is omitted from the CRL, as RFC 5280 asks. */
  reason?: CrlReason | string | number;
}

export interface CreateCrlOptions {
  caKeyPem: string | KeyObject;
  caKeyPassphrase?: string;
  caCertPem: string;
  revoked: readonly RevokedCertificateInput[];
  /** Monotonic CRL number (cRLNumber extension). */
  crlNumber: number | bigint | string;
  /** Default now. */
  thisUpdate?: Date;
  /** Default thisUpdate + 7 days. */
  nextUpdate?: Date;
}

export interface CrlEntry {
  serialNumber: string;
  revokedAt: Date;
  reason?: CrlReason;
}

export interface ParsedCrl {
  pem: string;
  der: Buffer;
  issuer: string;
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Decimal string. */
  crlNumber?: string;
  authorityKeyId?: string;
  /** Keyed by normalized serial number (upper-case hex). */
  entries: ReadonlyMap<string, CrlEntry>;
  /** Exact to-be-signed bytes, the signature and its hash, for synchronous verification. */
  tbs: Buffer;
  signature: Buffer;
  signatureHash?: string;
}

/**
 * An X.509 v2 CRL signed SHA-256 with RSA, with authorityKeyIdentifier and cRLNumber, whose
 * issuer is the CA subject byte for byte. Built with node-forge's ASN.1 writer and signed by
 * Node's crypto, so it is synchronous; read back with @peculiar/x509.
 */
export function createCrl(options: CreateCrlOptions): string {
  const caKey = loadPrivateKey(options.caKeyPem, options.caKeyPassphrase);
  const ca = parseCertificate(options.caCertPem);
  if (!ca.isCa) throw new PkiError('CERT_INVALID', 'The CRL issuer is not a CA certificate');
  if (ca.keyUsage && !ca.keyUsage.has('cRLSign')) {
    throw new PkiError('CERT_INVALID', 'The CA certificate does not allow CRL signing (keyUsage cRLSign)');
  }
  const thisUpdate = options.thisUpdate ?? new Date();
  const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000);
  if (nextUpdate <= thisUpdate) throw new PkiError('CRL_INVALID', 'nextUpdate must be after thisUpdate');

  const tbsItems: forge.asn1.Asn1[] = [
    der.integerFromHex('01'), // v2
    der.algorithmIdentifier(SHA256_WITH_RSA),
    der.fromBuffer(ca.subjectDer),
    der.time(thisUpdate),
    der.time(nextUpdate),
  ];
  const seen = new Set<string>();
  const entries = options.revoked.map((r) => {
    const serial = normalizeSerial(r.serialNumber);
    if (seen.has(serial)) throw new PkiError('CRL_INVALID', `Serial ${serial} is listed twice`);
    seen.add(serial);
    const reason = reasonCode(r.reason);
    const entry = [der.integerFromHex(serial), der.time(r.revokedAt)];
    if (reason !== undefined && reason !== CRL_REASONS.unspecified) {
      entry.push(der.sequence([extension(OID_REASON_CODE, false, der.enumerated(reason))]));
    }
    return der.sequence(entry);
  });
  if (entries.length > 0) tbsItems.push(der.sequence(entries));
  const akiKeyId = ca.subjectKeyId ?? publicKeyIdentifier(ca.publicKey);
  const aki = der.sequence([
    forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, false, forge.util.hexToBytes(akiKeyId)),
  ]);
  tbsItems.push(
    forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      der.sequence([
        extension(OID_AUTHORITY_KEY_ID, false, aki),
        extension(OID_CRL_NUMBER, false, der.integerFromHex(crlNumberHex(options.crlNumber))),
      ]),
    ]),
  );
  const tbs = der.sequence(tbsItems);
  const signature = rsaSign('sha256', der.toBuffer(tbs), caKey);
  const crlDer = der.toBuffer(
    der.sequence([tbs, der.algorithmIdentifier(SHA256_WITH_RSA), der.bitString(signature)]),
  );
  return derToPem(crlDer, 'X509 CRL');
}

const crlCache = new BoundedCache<string, ParsedCrl>(200);
const crlByPem = new BoundedCache<string, ParsedCrl>(200);

/** Reads a CRL (PEM or DER). Cached by content. Throws PkiError CRL_INVALID. */
export function parseCrl(input: string | Uint8Array): ParsedCrl {
  if (typeof input === 'string') {
    const known = crlByPem.get(input);
    if (known) return known;
    const block = readPemBlocks(input).find((b) => b.label === 'X509 CRL');
    if (!block) throw new PkiError('CRL_INVALID', 'No "X509 CRL" PEM block found');
    return crlByPem.set(input, parseCrl(block.der));
  }
  const bytes = Buffer.from(input);
  const key = createHash('sha256').update(bytes).digest('base64');
  const hit = crlCache.get(key);
  if (hit) return hit;
  try {
    return crlCache.set(key, buildParsedCrl(bytes));
  } catch (error) {
    throw new PkiError('CRL_INVALID', `Not a readable X.509 CRL: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function buildParsedCrl(bytes: Buffer): ParsedCrl {
  const crl = new x509.X509Crl(new Uint8Array(bytes));
  const [tbs, , signatureBits] = derSequenceElements(bytes);
  const entries = new Map<string, CrlEntry>();
  for (const e of crl.entries) {
    const serialNumber = normalizeSerial(e.serialNumber);
    const reason = e.reason === undefined ? undefined : reasonName(e.reason);
    entries.set(serialNumber, { serialNumber, revokedAt: e.revocationDate, ...(reason ? { reason } : {}) });
  }
  const numberExt = crl.getExtension(OID_CRL_NUMBER);
  const akiExt = crl.getExtension(x509.AuthorityKeyIdentifierExtension);
  const hash = (crl.signatureAlgorithm as { hash?: { name?: string } }).hash?.name;
  const rsa = crl.signatureAlgorithm.name === 'RSASSA-PKCS1-v1_5';
  return {
    pem: derToPem(bytes, 'X509 CRL'),
    der: bytes,
    issuer: formatName(crl.issuerName.toJSON()),
    issuerDer: Buffer.from(crl.issuerName.toArrayBuffer()),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    crlNumber: numberExt ? integerValue(Buffer.from(numberExt.value)) : undefined,
    authorityKeyId: akiExt?.keyId?.toUpperCase(),
    entries,
    tbs,
    signature: bitStringContents(signatureBits),
    signatureHash: rsa && hash ? hash.replace('-', '').toLowerCase() : undefined,
  };
}

const signatureChecks = new BoundedCache<string, boolean>(500);

/** True when the CRL names this issuer and carries a valid signature by its key. Synchronous. */
export function verifyCrlSignature(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  if (!crl.issuerDer.equals(issuer.subjectDer) || !crl.signatureHash) return false;
  const key = `${issuer.fingerprint256}|${crl.signature.toString('base64')}`;
  const known = signatureChecks.get(key);
  if (known !== undefined) return known;
  let ok = false;
  try {
    ok = rsaVerify(crl.signatureHash, crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    ok = false;
  }
  return signatureChecks.set(key, ok);
}

/** The CRL entry for a certificate, when the CRL covers its issuer and lists its serial number. */
export function findRevocation(crl: ParsedCrl | string, certPem: string): CrlEntry | undefined {
  const list = typeof crl === 'string' ? parseCrl(crl) : crl;
  const cert = parseCertificate(certPem);
  if (!list.issuerDer.equals(cert.issuerDer)) return undefined;
  return list.entries.get(cert.serialNumber);
}

/**
 * True when the CRL lists the certificate. Only the issuer name and serial number are matched:
 * check the CRL signature (`verifyCrlSignature`, or `validateCertificateChain` with `crls`) first.
 */
export function isRevoked(crl: ParsedCrl | string, certPem: string): boolean {
  return findRevocation(crl, certPem) !== undefined;
}

function extension(oid: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  const items = [der.oid(oid)];
  if (critical) items.push(der.boolean(true));
  items.push(der.octetString(der.toBuffer(value)));
  return der.sequence(items);
}

function reasonCode(reason: RevokedCertificateInput['reason']): number | undefined {
  if (reason === undefined || reason === null || reason === '') return undefined;
  if (typeof reason === 'number') {
    if (!Object.values(CRL_REASONS).includes(reason as never)) {
      throw new PkiError('CRL_INVALID', `Unknown revocation reason code ${reason}`);
    }
    return reason;
  }
  if (!(reason in CRL_REASONS)) throw new PkiError('CRL_INVALID', `Unknown revocation reason "${reason}"`);
  return CRL_REASONS[reason as CrlReason];
}

function reasonName(code: number): CrlReason | undefined {
  return (Object.keys(CRL_REASONS) as CrlReason[]).find((name) => CRL_REASONS[name] === code);
}

function crlNumberHex(value: number | bigint | string): string {
  let n: bigint;
  try {
    n = BigInt(value);
  } catch {
    throw new PkiError('CRL_INVALID', `crlNumber must be a whole number: ${String(value)}`);
  }
  if (n < 0n || n >= 1n << 159n) throw new PkiError('CRL_INVALID', 'crlNumber must be between 0 and 2^159');
  return n.toString(16);
}

/** Decimal value of a DER INTEGER (non-negative). */
function integerValue(bytes: Buffer): string {
  if (bytes[0] !== 0x02) throw new Error('cRLNumber is not an INTEGER');
  const node = der.fromBuffer(bytes);
  const hex = Buffer.from(node.value as string, 'binary').toString('hex');
  return BigInt(`0x${hex || '0'}`).toString(10);
}

function bitStringContents(bits: Buffer): Buffer {
  const node = der.fromBuffer(bits);
  if (node.type !== forge.asn1.Type.BITSTRING) throw new Error('signatureValue is not a BIT STRING');
  return Buffer.from((node.value as string).slice(1), 'binary');
}
