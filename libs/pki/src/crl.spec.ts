import { createRootCa, issueAgencyCertificate } from './ca';
import { parseCertificate } from './certificate';
import { createCrl, findRevocation, isRevoked, parseCrl, verifyCrlSignature } from './crl';
import { derToPem, pemToDer } from './pem';

describe('CRL', () => {
  const ca = createRootCa({ commonName: 'lienthong Test Root CA' });
  const issue = (organId: string) =>
    issueAgencyCertificate({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      organId,
      name: `Cơ quan ${organId}`,
    });
  const revoked = issue('000.00.00.G22');
  const kept = issue('000.00.00.H41');
  const revokedAt = new Date('2026-03-01T08:00:00Z');
  const thisUpdate = new Date('2026-03-02T00:00:00Z');
  const nextUpdate = new Date('2026-03-09T00:00:00Z');
  const crlPem = createCrl({
    caKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    crlNumber: 42,
    thisUpdate,
    nextUpdate,
    revoked: [{ serialNumber: revoked.serialNumber.toLowerCase(), revokedAt, reason: 'keyCompromise' }],
  });
  const crl = parseCrl(crlPem);

  it('writes a v2 CRL that reads back with number, dates, issuer and authority key id', () => {
    expect(crlPem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    expect(crl.crlNumber).toBe('42');
    expect(crl.thisUpdate).toEqual(thisUpdate);
    expect(crl.nextUpdate).toEqual(nextUpdate);
    expect(crl.issuer).toBe(parseCertificate(ca.certPem).subject);
    expect(crl.authorityKeyId).toBe(parseCertificate(ca.certPem).subjectKeyId);
    expect(crl.signatureHash).toBe('sha256');
  });

  it('finds the revoked certificate with its date and reason, and not the others', () => {
    expect(isRevoked(crl, revoked.certPem)).toBe(true);
    expect(findRevocation(crlPem, revoked.certPem)).toEqual({
      serialNumber: revoked.serialNumber,
      revokedAt,
      reason: 'keyCompromise',
    });
    expect(isRevoked(crl, kept.certPem)).toBe(false);
    expect(findRevocation(crl, kept.certPem)).toBeUndefined();
  });

  it('does not apply to certificates of another issuer', () => {
    const other = createRootCa({ commonName: 'Other CA' });
    const stranger = issueAgencyCertificate({
      caKeyPem: other.keyPem,
      caCertPem: other.certPem,
      organId: 'X',
      name: 'Y',
    });
    const otherCrl = createCrl({
      caKeyPem: other.keyPem,
      caCertPem: other.certPem,
      crlNumber: 1,
      revoked: [{ serialNumber: revoked.serialNumber, revokedAt }],
    });
    expect(isRevoked(otherCrl, revoked.certPem)).toBe(false);
    expect(isRevoked(otherCrl, stranger.certPem)).toBe(false);
  });

  it('verifies its signature with the CA key only, and notices a changed byte', () => {
    expect(verifyCrlSignature(crl, parseCertificate(ca.certPem))).toBe(true);
    expect(verifyCrlSignature(crl, parseCertificate(revoked.certPem))).toBe(false);
    const der = pemToDer(crlPem, 'X509 CRL');
    der[der.length - 10] ^= 0x40;
    expect(verifyCrlSignature(parseCrl(derToPem(der, 'X509 CRL')), parseCertificate(ca.certPem))).toBe(false);
  });

  it('makes an empty CRL, omits the unspecified reason and rejects bad input', () => {
    const empty = parseCrl(
      createCrl({ caKeyPem: ca.keyPem, caCertPem: ca.certPem, crlNumber: 0n, revoked: [] }),
    );
    expect(empty.entries.size).toBe(0);
    expect(empty.nextUpdate!.getTime() - empty.thisUpdate.getTime()).toBe(7 * 86_400_000);
    const unspecified = parseCrl(
      createCrl({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        crlNumber: 2,
        revoked: [{ serialNumber: kept.serialNumber, revokedAt, reason: 'unspecified' }],
      }),
    );
    expect(unspecified.entries.get(kept.serialNumber)?.reason).toBeUndefined();
    const base = { caKeyPem: ca.keyPem, caCertPem: ca.certPem, crlNumber: 3 };
    const twice = [
      { serialNumber: kept.serialNumber, revokedAt },
      { serialNumber: `00${kept.serialNumber}`, revokedAt },
    ];
    expect(() => createCrl({ ...base, revoked: twice })).toThrow(/twice/);
    expect(() =>
      createCrl({ ...base, revoked: [{ serialNumber: 'ABC', revokedAt, reason: 'nope' }] }),
    ).toThrow(/reason/);
    expect(() => createCrl({ ...base, revoked: [], thisUpdate, nextUpdate: thisUpdate })).toThrow(
      /nextUpdate/,
    );
    expect(() => createCrl({ ...base, caKeyPem: kept.keyPem, caCertPem: kept.certPem, revoked: [] })).toThrow(
      /CA/,
    );
    expect(() => parseCrl('garbage')).toThrow(expect.objectContaining({ code: 'CRL_INVALID' }));
  });
});
