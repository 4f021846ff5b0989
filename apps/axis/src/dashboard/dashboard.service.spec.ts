import { certificateStatus } from './dashboard.service';

describe('certificateStatus', () => {
  const now = new Date('2026-11-27T08:00:00Z');
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000);
  const cert = (notAfter: Date, revokedAt?: Date) => ({
    certificateSerial: 'AB01',
    certificateNotAfter: notAfter,
    ...(revokedAt ? { certificateRevokedAt: revokedAt } : {}),
  });

  it('warns 30 days ahead, and says expired or revoked plainly', () => {
    expect(certificateStatus({}, now)).toEqual({ certificateStatus: 'none' });
    expect(certificateStatus(cert(inDays(365)), now)).toEqual({ certificateStatus: 'valid', daysLeft: 365 });
    expect(certificateStatus(cert(inDays(30)), now)).toEqual({ certificateStatus: 'valid', daysLeft: 30 });
    expect(certificateStatus(cert(inDays(29.5)), now)).toEqual({
      certificateStatus: 'expiring',
      daysLeft: 29,
    });
    expect(certificateStatus(cert(inDays(-1)), now)).toMatchObject({ certificateStatus: 'expired' });
    expect(certificateStatus(cert(inDays(100), now), now)).toEqual({ certificateStatus: 'revoked' });
  });
});
