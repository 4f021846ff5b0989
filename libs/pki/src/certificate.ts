import { createHash, KeyObject, X509Certificate as NodeX509Certificate } from 'crypto';
import { PkiError } from './errors';
import { BoundedCache, derToPem, normalizeSerial, pemToDer, readPemBlocks } from './pem';
import { x509 } from './webcrypto';

/** userID (RFC 4519 `uid`): where lienthong certificates carry the agency identifier code. */
export const OID_UID = '0.9.2342.19200300.100.1.1';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.12': 'T',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
  [OID_UID]: 'UID',
};

/** What the chain validator and the signature report say about one certificate. */
export interface CertSummary {
  subject: string;
  issuer: string;
  /** Upper-case hex, as OpenSSL and Node print it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER, upper-case hex with colons (Node's `fingerprint256`). */
  fingerprint256: string;
  isCa: boolean;
  /** The agency identifier code (subject UID), when there is exactly one. */
  organId?: string;
}

export interface AgencyIdentity {
  organId?: string;
  /** The subject common name. */
  name?: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  issuer: string;
  subject: string;
}

/** A certificate parsed once (Node for crypto, @peculiar/x509 for names and extensions) and cached. */
export interface ParsedCertificate {
  pem: string;
  der: Buffer;
  node: NodeX509Certificate;
  publicKey: KeyObject;
  subject: string;
  issuer: string;
  subjectDer: Buffer;
  issuerDer: Buffer;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  isCa: boolean;
  pathLength?: number;
  /** Undefined when the certificate has no keyUsage extension. */
  keyUsage?: ReadonlySet<KeyUsageName>;
  organId?: string;
  commonName?: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  summary: CertSummary;
}

const cache = new BoundedCache<string, ParsedCertificate>(2000);
const byPem = new BoundedCache<string, ParsedCertificate>(2000);

/**
 * Parses a certificate (PEM, or DER bytes). Results are cached by DER, so trust anchors and a
 * signer's certificate seen again cost a hash lookup. Throws PkiError CERT_INVALID.
 */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  if (typeof input === 'string') {
    const known = byPem.get(input);
    if (known) return known;
    return byPem.set(input, parseCertificate(pemOrThrow(input)));
  }
  const der = Buffer.from(input);
  const key = der.toString('base64');
  const hit = cache.get(key);
  if (hit) return hit;
  try {
    return cache.set(key, buildParsed(der));
  } catch (error) {
    throw new PkiError('CERT_INVALID', `Not a readable X.509 certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function pemOrThrow(pem: string): Buffer {
  try {
    return pemToDer(pem, 'CERTIFICATE');
  } catch (error) {
    throw new PkiError('CERT_INVALID', 'No PEM certificate found', { cause: error });
  }
}

function buildParsed(der: Buffer): ParsedCertificate {
  const node = new NodeX509Certificate(der);
  const pec = new x509.X509Certificate(new Uint8Array(der));
  const basic = pec.getExtension(x509.BasicConstraintsExtension);
  const ku = pec.getExtension(x509.KeyUsagesExtension);
  const ski = pec.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = pec.getExtension(x509.AuthorityKeyIdentifierExtension);
  const subjectJson = pec.subjectName.toJSON();
  const uids = fieldValues(subjectJson, OID_UID);
  const cns = fieldValues(subjectJson, '2.5.4.3');
  const subject = formatName(subjectJson);
  const issuer = formatName(pec.issuerName.toJSON());
  const serialNumber = normalizeSerial(pec.serialNumber);
  const fingerprint256 = createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
  const organId = uids.length === 1 ? uids[0] : undefined;
  const isCa = basic?.ca === true;
  const parsed: ParsedCertificate = {
    pem: derToPem(der, 'CERTIFICATE'),
    der,
    node,
    publicKey: node.publicKey,
    subject,
    issuer,
    subjectDer: Buffer.from(pec.subjectName.toArrayBuffer()),
    issuerDer: Buffer.from(pec.issuerName.toArrayBuffer()),
    serialNumber,
    notBefore: pec.notBefore,
    notAfter: pec.notAfter,
    fingerprint256,
    isCa,
    pathLength: basic?.pathLength,
    keyUsage: ku ? keyUsageNames(ku.usages) : undefined,
    organId,
    commonName: cns.length === 1 ? cns[0] : undefined,
    subjectKeyId: ski?.keyId.toUpperCase(),
    authorityKeyId: aki?.keyId?.toUpperCase(),
    summary: {
      subject,
      issuer,
      serialNumber,
      notBefore: pec.notBefore,
      notAfter: pec.notAfter,
      fingerprint256,
      isCa,
      ...(organId !== undefined ? { organId } : {}),
    },
  };
  return parsed;
}

/** The agency a certificate speaks for: its identifier code (subject UID) and name (CN). */
export function readAgencyIdentity(certPem: string | Uint8Array): AgencyIdentity {
  const cert = parseCertificate(certPem);
  return {
    organId: cert.organId,
    name: cert.commonName,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint256: cert.fingerprint256,
    issuer: cert.issuer,
    subject: cert.subject,
  };
}

/** True when the certificate has a keyUsage extension asserting every listed usage. */
export function hasKeyUsages(cert: ParsedCertificate, usages: readonly KeyUsageName[]): boolean {
  if (usages.length === 0) return true;
  const present = cert.keyUsage;
  return present !== undefined && usages.every((u) => present.has(u));
}

/** Every readable certificate of PEM texts (bundles allowed), in order. Throws on an unreadable one. */
export function parseCertificateBundle(pems: readonly string[]): ParsedCertificate[] {
  return pems.flatMap((pem) =>
    readPemBlocks(pem)
      .filter((b) => b.label === 'CERTIFICATE')
      .map((b) => parseCertificate(b.der)),
  );
}

function keyUsageNames(flags: number): Set<KeyUsageName> {
  const names = new Set<KeyUsageName>();
  for (const [name, flag] of Object.entries(KEY_USAGE_FLAGS) as [KeyUsageName, number][]) {
    if ((flags & flag) !== 0) names.add(name);
  }
  return names;
}

type JsonName = ReturnType<InstanceType<typeof x509.Name>['toJSON']>;

function fieldValues(name: JsonName, oid: string): string[] {
  const short = SHORT_NAMES[oid];
  return name.flatMap((rdn) => [...(rdn[oid] ?? []), ...(short ? (rdn[short] ?? []) : [])]);
}

/** RFC 4514-style text in DER order (`C=VN, O=..., CN=..., UID=...`), UTF-8 kept readable. */
export function formatName(name: JsonName): string {
  return name
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${SHORT_NAMES[type] ?? type}=${escapeDnValue(v)}`))
        .join('+'),
    )
    .join(', ');
}

function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}
