import { CertSummary, hasKeyUsages, KeyUsageName, parseCertificate, ParsedCertificate } from './certificate';
import { CrlEntry, CrlReason, parseCrl, ParsedCrl, verifyCrlSignature } from './crl';
import { PkiError } from './errors';
import { BoundedCache, readPemBlocks } from './pem';

export type ChainProblemCode =
  | 'BAD_CERTIFICATE'
  | 'UNTRUSTED_ISSUER'
  | 'BAD_CHAIN_SIGNATURE'
  | 'NOT_CA'
  | 'PATH_LENGTH'
  | 'CHAIN_TOO_LONG'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'KEY_USAGE'
  | 'NOT_END_ENTITY'
  | 'REVOKED'
  | 'NO_CRL'
  | 'CRL_BAD_SIGNATURE'
  | 'CRL_STALE'
  | 'CRL_NOT_YET_VALID';

export interface Problem<C extends string = string> {
  code: C;
  message: string;
}

export interface RevocationStatus {
  /** False when no CRL was supplied: revocation was not checked at all. */
  checked: boolean;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: CrlReason;
  crlNumber?: string;
  crlThisUpdate?: Date;
  crlNextUpdate?: Date;
}

export interface ChainValidationOptions {
  certificatePem: string;
  /** Untrusted helpers for building the path. */
  intermediatePems?: readonly string[];
  /** CA certificates trusted as roots (bundles allowed). Non-CA certificates here are ignored. */
  trustAnchorPems: readonly string[];
  /**
   * CRLs (PEM or parsed). When at least one is given, every certificate below the trust anchor
   * must be covered by a valid, current CRL of its issuer (else NO_CRL / CRL_* problems). When
   * none is given, revocation is not checked and `revocation.checked` is false.
   */
  crls?: readonly (string | ParsedCrl)[];
  /** When the certificates must be valid, e.g. the signing time. Default: now. */
  at?: Date;
  /** The time of verification: CRL freshness and the revocation cut-off. Default: now. */
  now?: Date;
  /** Key usages the end-entity certificate must assert (keyUsage extension required then). */
  requiredKeyUsage?: readonly KeyUsageName[];
  /** Refuse a CA certificate as the end entity. Default false. */
  requireEndEntity?: boolean;
}

export interface ChainValidationResult {
  valid: boolean;
  /** From the end entity up to the trust anchor (as far as it could be built). */
  chain: CertSummary[];
  problems: Problem<ChainProblemCode>[];
  /** Revocation status of the end-entity certificate. */
  revocation: RevocationStatus;
}

const MAX_CHAIN = 8;
/** Tolerated clock difference for CRL thisUpdate. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Builds and checks a path from a certificate to a trust anchor with Node's X509Certificate:
 * issuer names and signatures, CA flags, key usages and path lengths, validity of every
 * certificate at `at`, and revocation against the CRLs.
 *
 * Revocation rule (conservative): a certificate listed on its issuer's valid CRL is invalid,
 * whatever its revocation date, even one after `at` (e.g. after the signing time): the signing
 * time is claimed by the signer and a compromised key can sign with any claimed time. The
 * revocation date is reported so that a human can judge.
 *
 * A certificate is never its own trust anchor: a self-signed end-entity certificate, even one
 * listed among the anchors, is untrusted; anchors must be CA certificates.
 */
export function validateCertificateChain(options: ChainValidationOptions): ChainValidationResult {
  const at = options.at ?? new Date();
  const now = options.now ?? new Date();
  const problems: Problem<ChainProblemCode>[] = [];
  const unchecked: RevocationStatus = { checked: false, status: 'unknown' };
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(options.certificatePem);
  } catch (error) {
    problems.push({ code: 'BAD_CERTIFICATE', message: (error as Error).message });
    return { valid: false, chain: [], problems, revocation: unchecked };
  }
  const anchors = parseAll(options.trustAnchorPems).filter(isUsableAnchor);
  const intermediates = parseAll(options.intermediatePems ?? []);
  const chain = buildPath(leaf, anchors, intermediates, problems);

  for (const cert of chain) {
    if (cert.notBefore.getTime() > at.getTime()) {
      problems.push({
        code: 'NOT_YET_VALID',
        message: `Certificate "${cert.subject}" is not valid before ${cert.notBefore.toISOString()} (checked at ${at.toISOString()})`,
      });
    }
    if (cert.notAfter.getTime() < at.getTime()) {
      problems.push({
        code: 'EXPIRED',
        message: `Certificate "${cert.subject}" expired on ${cert.notAfter.toISOString()} (checked at ${at.toISOString()})`,
      });
    }
  }
  chain.slice(1).forEach((issuer, index) => {
    if (!issuer.isCa) {
      problems.push({ code: 'NOT_CA', message: `Issuer "${issuer.subject}" is not a CA certificate` });
    }
    if (issuer.keyUsage && !issuer.keyUsage.has('keyCertSign')) {
      problems.push({
        code: 'KEY_USAGE',
        message: `Issuer "${issuer.subject}" may not sign certificates (keyUsage)`,
      });
    }
    // `index` certificates sit between this issuer and the end entity, all intermediates.
    if (issuer.pathLength !== undefined && index > issuer.pathLength) {
      problems.push({
        code: 'PATH_LENGTH',
        message: `Path length constraint of "${issuer.subject}" exceeded`,
      });
    }
  });

  const required = options.requiredKeyUsage ?? [];
  if (!hasKeyUsages(leaf, required)) {
    problems.push({
      code: 'KEY_USAGE',
      message: `Certificate "${leaf.subject}" does not allow ${required.join(' + ')} (keyUsage ${
        leaf.keyUsage ? [...leaf.keyUsage].join(', ') || 'empty' : 'absent'
      })`,
    });
  }
  if (options.requireEndEntity && leaf.isCa) {
    problems.push({ code: 'NOT_END_ENTITY', message: `Certificate "${leaf.subject}" is a CA certificate` });
  }

  const crls = (options.crls ?? []).map((c) => (typeof c === 'string' ? parseCrlOrNull(c) : c));
  let revocation = unchecked;
  if (crls.length > 0) {
    const statuses = chain
      .slice(0, -1)
      .map((cert, i) => checkRevocation(cert, chain[i + 1], crls, at, now, problems));
    // A chain that stops at an untrusted issuer has no issuer to check the last certificate against.
    revocation = statuses[0] ?? { checked: true, status: 'unknown' };
  }

  return { valid: problems.length === 0, chain: chain.map((c) => c.summary), problems, revocation };
}

function buildPath(
  leaf: ParsedCertificate,
  anchors: ParsedCertificate[],
  intermediates: ParsedCertificate[],
  problems: Problem<ChainProblemCode>[],
): ParsedCertificate[] {
  const chain = [leaf];
  const isAnchor = (c: ParsedCertificate) => anchors.some((a) => a.der.equals(c.der));
  let current = leaf;
  for (;;) {
    if (current !== leaf && isAnchor(current)) return chain;
    if (chain.length > MAX_CHAIN) {
      problems.push({ code: 'CHAIN_TOO_LONG', message: `No trust anchor within ${MAX_CHAIN} certificates` });
      return chain;
    }
    const named = [...anchors, ...intermediates].filter(
      (c) => c.subjectDer.equals(current.issuerDer) && !chain.some((inChain) => inChain.der.equals(c.der)),
    );
    const issuer = named.find((c) => verifies(current, c));
    if (issuer) {
      chain.push(issuer);
      current = issuer;
      continue;
    }
    if (named.length > 0) {
      problems.push({
        code: 'BAD_CHAIN_SIGNATURE',
        message: `The signature on "${current.subject}" does not verify with the key of "${current.issuer}"`,
      });
    } else if (
      current === leaf &&
      current.subjectDer.equals(current.issuerDer) &&
      verifies(current, current)
    ) {
      problems.push({
        code: 'UNTRUSTED_ISSUER',
        message: `Certificate "${current.subject}" is self-signed; a certificate is never trusted by itself`,
      });
    } else {
      problems.push({
        code: 'UNTRUSTED_ISSUER',
        message: `Issuer "${current.issuer}" of "${current.subject}" is not a trusted CA`,
      });
    }
    return chain;
  }
}

function checkRevocation(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  crls: (ParsedCrl | null)[],
  at: Date,
  now: Date,
  problems: Problem<ChainProblemCode>[],
): RevocationStatus {
  const named = crls.filter((c): c is ParsedCrl => c !== null && c.issuerDer.equals(issuer.subjectDer));
  if (named.length === 0) {
    problems.push({ code: 'NO_CRL', message: `No CRL from "${issuer.subject}" to check "${cert.subject}"` });
    return { checked: true, status: 'unknown' };
  }
  const valid = named.filter((c) => verifyCrlSignature(c, issuer)).sort(newestFirst);
  if (valid.length === 0) {
    problems.push({
      code: 'CRL_BAD_SIGNATURE',
      message: `The CRL naming "${issuer.subject}" is not signed by its key`,
    });
    return { checked: true, status: 'unknown' };
  }
  const crl = valid[0];
  const base = {
    checked: true,
    crlNumber: crl.crlNumber,
    crlThisUpdate: crl.thisUpdate,
    crlNextUpdate: crl.nextUpdate,
  };
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) {
    problems.push({ code: 'CRL_BAD_SIGNATURE', message: `"${issuer.subject}" may not sign CRLs (keyUsage)` });
  }
  if (crl.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    problems.push({
      code: 'CRL_NOT_YET_VALID',
      message: `The CRL of "${issuer.subject}" is dated ${crl.thisUpdate.toISOString()}, in the future`,
    });
  }
  if (!crl.nextUpdate || crl.nextUpdate.getTime() < now.getTime()) {
    problems.push({
      code: 'CRL_STALE',
      message: `The CRL of "${issuer.subject}" is out of date (next update ${crl.nextUpdate?.toISOString() ?? 'absent'})`,
    });
  }
  const entry: CrlEntry | undefined = crl.entries.get(cert.serialNumber);
  if (!entry) return { ...base, status: 'good' };
  const when = entry.revokedAt.getTime() <= at.getTime() ? 'before' : 'after';
  problems.push({
    code: 'REVOKED',
    message:
      `Certificate "${cert.subject}" (serial ${cert.serialNumber}) was revoked on ${entry.revokedAt.toISOString()}` +
      `${entry.reason ? ` (${entry.reason})` : ''}, ${when} ${at.toISOString()}; revoked certificates are never accepted`,
  });
  return {
    ...base,
    status: 'revoked',
    revokedAt: entry.revokedAt,
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
}

function newestFirst(a: ParsedCrl, b: ParsedCrl): number {
  const na = a.crlNumber !== undefined ? BigInt(a.crlNumber) : -1n;
  const nb = b.crlNumber !== undefined ? BigInt(b.crlNumber) : -1n;
  if (na !== nb) return na > nb ? -1 : 1;
  return b.thisUpdate.getTime() - a.thisUpdate.getTime();
}

/** Parsed certificates are cached objects, so a signer's chain is checked once per issuer. */
const issuerChecks = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, boolean>>();

function verifies(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  let checks = issuerChecks.get(child);
  const known = checks?.get(issuer);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    ok = child.node.verify(issuer.publicKey);
  } catch {
    ok = false;
  }
  if (!checks) issuerChecks.set(child, (checks = new WeakMap()));
  checks.set(issuer, ok);
  return ok;
}

function isUsableAnchor(cert: ParsedCertificate): boolean {
  return cert.isCa && (!cert.keyUsage || cert.keyUsage.has('keyCertSign'));
}

const bundles = new BoundedCache<string, ParsedCertificate[]>(500);

/** Certificates of PEM texts (bundles allowed); unreadable ones are skipped. Cached by text. */
function parseAll(pems: readonly string[]): ParsedCertificate[] {
  return pems.flatMap((pem) => {
    const known = bundles.get(pem);
    if (known) return known;
    const certs = readPemBlocks(pem)
      .filter((b) => b.label === 'CERTIFICATE')
      .flatMap((b) => {
        try {
          return [parseCertificate(b.der)];
        } catch (error) {
          if (error instanceof PkiError) return [];
          throw error;
        }
      });
    return bundles.set(pem, certs);
  });
}

function parseCrlOrNull(pem: string): ParsedCrl | null {
  try {
    return parseCrl(pem);
  } catch (error) {
    if (error instanceof PkiError) return null;
    throw error;
  }
}
