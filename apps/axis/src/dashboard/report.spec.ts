import { buildReport, lateStep, ReportAgency, ReportDelivery, ReportOptions } from './report';
import { toCsv } from './csv';

const vn = (local: string) => new Date(`${local}+07:00`);

// Sent on Friday 2026-11-27: with 1 working day the deadline is the end of Monday 30th.
const sentAt = vn('2026-11-27T10:00:00');
const options: ReportOptions = {
  from: vn('2026-11-27T00:00:00'),
  to: vn('2026-11-28T00:00:00'),
  workingDays: 1,
  finishWorkingDays: 5,
  holidays: new Set(),
  asOf: vn('2026-12-01T09:00:00'), // Tuesday morning
};

function delivery(recipient: string, extra: Partial<ReportDelivery> = {}): ReportDelivery {
  return {
    documentUuid: `doc-${recipient}`,
    sender: '000.00.00.G22',
    recipient,
    state: 'published',
    sentAt,
    ...extra,
  };
}

describe('lateStep', () => {
  it('is on time until the deadline passes, weekend excluded', () => {
    const saturday = { ...options, asOf: vn('2026-11-28T12:00:00') };
    const mondayNight = { ...options, asOf: vn('2026-11-30T23:59:00') };
    expect(lateStep(delivery('A'), saturday)).toBeUndefined();
    expect(lateStep(delivery('A'), mondayNight)).toBeUndefined();
    expect(lateStep(delivery('A'), options)).toEqual({
      step: 'not-arrived',
      deadline: vn('2026-12-01T00:00:00'),
    });
  });

  it('names the first step a late copy lacks', () => {
    const at = vn('2026-11-27T11:00:00');
    expect(lateStep(delivery('A', { arrivedAt: at }), options)?.step).toBe('not-taken');
    expect(lateStep(delivery('A', { arrivedAt: at, takenAt: at }), options)?.step).toBe('not-accepted');
    // Accepted: finishing has its own, longer deadline (5 working days: the end of Friday 4th).
    const accepted = delivery('A', { arrivedAt: at, takenAt: at, acceptedAt: at });
    expect(lateStep(accepted, options)).toBeUndefined();
    expect(lateStep(accepted, { ...options, asOf: vn('2026-12-05T00:00:01') })).toEqual({
      step: 'not-finished',
      deadline: vn('2026-12-05T00:00:00'),
    });
    expect(
      lateStep({ ...accepted, finishedAt: at }, { ...options, asOf: vn('2026-12-09T00:00:00') }),
    ).toBeUndefined();
  });

  it('does not chase what was refused or withdrawn, nor count a step after the as-of time', () => {
    const at = vn('2026-11-27T11:00:00');
    expect(lateStep(delivery('A', { arrivedAt: at, state: 'rejected' }), options)).toBeUndefined();
    expect(lateStep(delivery('A', { arrivedAt: at, state: 'withdrawn' }), options)).toBeUndefined();
    const later = delivery('A', { arrivedAt: vn('2026-12-02T00:00:00') });
    expect(lateStep(later, options)?.step).toBe('not-arrived');
  });
});

describe('buildReport', () => {
  const agencies: ReportAgency[] = [
    { code: '000.00.00.G22', name: 'VPCP', state: 'active', connected: true, mode: 'dedicated' },
    { code: '000.00.00.H41', name: 'Nghệ An', state: 'active', connected: true, mode: 'shared' },
    { code: '000.00.00.H57', name: 'Quảng Ngãi', state: 'active', connected: true, mode: 'shared' },
    { code: '000.00.00.H99', name: 'Idle', state: 'suspended', connected: true },
  ];
  const at = vn('2026-11-27T11:00:00');
  const deliveries: ReportDelivery[] = [
    // One document to two recipients: H41 finished it, H57 never took it.
    delivery('000.00.00.H41', {
      documentUuid: 'd1',
      arrivedAt: at,
      takenAt: at,
      acceptedAt: at,
      finishedAt: at,
      state: 'finished',
    }),
    delivery('000.00.00.H57', { documentUuid: 'd1', documentId: 'D-1', arrivedAt: at, state: 'arrived' }),
    // H41 sent one to G22, which never arrived.
    delivery('000.00.00.G22', { documentUuid: 'd2', sender: '000.00.00.H41' }),
  ];

  it('counts agencies, documents, copies and late copies per recipient', () => {
    const report = buildReport(agencies, deliveries, options);
    expect(report).toMatchObject({
      agenciesConnected: 3,
      agenciesSent: 2,
      agenciesReceived: 2,
      dedicated: 1,
      shared: 2,
      unknownMode: 1,
      documentsSent: 2,
      copiesSent: 3,
      copiesReceived: 2,
      late: { 'not-arrived': 1, 'not-taken': 1, 'not-accepted': 0, 'not-finished': 0 },
    });
    const byCode = Object.fromEntries(report.rows.map((r) => [r.code, r]));
    expect(byCode['000.00.00.G22']).toMatchObject({
      documentsSent: 1,
      copiesAddressed: 1,
      copiesReceived: 0,
    });
    expect(byCode['000.00.00.G22'].late['not-arrived']).toBe(1);
    expect(byCode['000.00.00.H41']).toMatchObject({ documentsSent: 1, copiesReceived: 1 });
    expect(byCode['000.00.00.H57'].late['not-taken']).toBe(1);
    expect(byCode['000.00.00.H99']).toMatchObject({ documentsSent: 0, copiesAddressed: 0 });
    expect(report.lateDeliveries.map((l) => [l.recipient, l.step, l.documentId])).toEqual([
      ['000.00.00.H57', 'not-taken', 'D-1'],
      ['000.00.00.G22', 'not-arrived', undefined],
    ]);
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(
      toCsv([
        ['a', 'b,c', 'say "hi"', 1, undefined],
        ['=1+1', '-2', 'dòng\nmới'],
      ]),
    ).toBe('a,"b,c","say ""hi""",1,\r\n\'=1+1,\'-2,"dòng\nmới"\r\n');
  });
});
