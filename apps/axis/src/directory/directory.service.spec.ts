import type { AuditService } from '../audit/audit.service';
import { AppError } from '@lienthong/common';
import type { TrustNotification } from '@lienthong/protocol';
import type { CertificateRepository } from '../certificates/certificate.repository';
import type { EnrollmentService } from '../certificates/enrollment.service';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { TopologyService } from '../topology/topology.service';
import type { TrustNotifier } from '../topology/trust-notifier';
import type { Agency, AgencyChanges, NewAgency } from './agency';
import type { AgencyRepository } from './agency.repository';
import { DirectoryService } from './directory.service';

const tx = {} as Transaction;

function setup(existing: Agency[] = [], options: { commitFails?: boolean } = {}) {
  const rows = new Map(existing.map((a) => [a.code, a]));
  // What happened, in order: queue declarations, inserts, commits, notifications.
  const calls: string[] = [];
  const agencies = {
    findByCode: jest.fn(async (code: string) => rows.get(code)),
    createIfAbsent: jest.fn(async (a: NewAgency) => {
      calls.push(`insert ${a.code}`);
      if (rows.has(a.code)) return undefined;
      const agency: Agency = { ...a, state: 'active', createdAt: new Date(), updatedAt: new Date() };
      rows.set(a.code, agency);
      return agency;
    }),
    update: jest.fn(async (code: string, changes: AgencyChanges) => {
      const agency = rows.get(code);
      if (!agency) return undefined;
      calls.push(`update ${code}`);
      const parentCode = changes.parentCode === null ? undefined : (changes.parentCode ?? agency.parentCode);
      rows.set(code, { ...agency, ...changes, parentCode } as Agency);
      return rows.get(code);
    }),
  };
  const topology = {
    provisionAgency: jest.fn(async (code: string) => void calls.push(`queue ${code}`)),
  };
  const enrollment = {
    issueToken: jest.fn(async () => ({ token: 'tok', expiresAt: new Date('2026-12-04T00:00:00Z') })),
  };
  const notifier = {
    notify: jest.fn(async (n: TrustNotification) => void calls.push(`notify ${n.type}`)),
  };
  const service = new DirectoryService(
    agencies as unknown as AgencyRepository,
    {} as CertificateRepository,
    enrollment as unknown as EnrollmentService,
    topology as unknown as TopologyService,
    {
      run: async (work: (t: Transaction) => Promise<unknown>) => {
        const result = await work(tx);
        if (options.commitFails) throw new Error('deadlock detected');
        calls.push('commit');
        return result;
      },
    } as unknown as TransactionRunner,
    notifier as unknown as TrustNotifier,
    {
      record: jest.fn(async () => undefined),
      recordMany: jest.fn(async () => undefined),
    } as unknown as AuditService,
  );
  return { service, rows, calls, agencies, topology, enrollment, notifier };
}

const agency = (code: string, parentCode?: string): Agency => ({
  code,
  name: code,
  parentCode,
  state: 'active',
  createdAt: new Date(),
  updatedAt: new Date(),
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('DirectoryService', () => {
  it('registers: queue first, then the agency and its token in one transaction', async () => {
    const { service, calls, enrollment } = setup();
    const result = await service.register({ code: '000.00.00.H41', name: '  UBND tỉnh Nghệ An ' });
    expect(calls).toEqual([
      'queue 000.00.00.H41',
      'insert 000.00.00.H41',
      'commit',
      'notify directory-updated',
    ]);
    expect(enrollment.issueToken).toHaveBeenCalledWith('000.00.00.H41', tx);
    expect(result).toMatchObject({
      agency: { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', state: 'active' },
      enrollmentToken: 'tok',
    });
  });

  it.each(['G22', '01.02.G22', '000.00.00.g22', '000.00.00.G22 '])(
    'refuses the code %p (strict form only)',
    async (code) => {
      const { service, calls } = setup();
      expect((await failure(service.register({ code, name: 'x' }))).code).toBe('AGENCY_CODE_INVALID');
      expect(calls).toEqual([]);
    },
  );

  it('refuses a duplicate, an unknown parent and a name with control characters', async () => {
    const { service, calls } = setup([agency('000.00.00.H41')]);
    expect((await failure(service.register({ code: '000.00.00.H41', name: 'x' }))).code).toBe(
      'AGENCY_EXISTS',
    );
    expect(
      (await failure(service.register({ code: '000.00.00.G22', name: 'x', parentCode: '000.00.00.A01' })))
        .code,
    ).toBe('AGENCY_PARENT_UNKNOWN');
    expect((await failure(service.register({ code: '000.00.00.G22', name: 'a\u0007b' }))).code).toBe(
      'AGENCY_NAME_INVALID',
    );
    expect(calls).toEqual([]);
  });

  it('stores nothing when the bus cannot take the queue', async () => {
    const { service, topology, agencies } = setup();
    topology.provisionAgency.mockRejectedValue(new AppError('unavailable', 'BUS_UNAVAILABLE', 'down'));
    expect((await failure(service.register({ code: '000.00.00.H41', name: 'x' }))).kind).toBe('unavailable');
    expect(agencies.createIfAbsent).not.toHaveBeenCalled();
  });

  it('refuses a parent that would make a cycle, and detaches with null', async () => {
    const { service, rows } = setup([
      agency('000.00.00.H41'),
      agency('000.01.00.H41', '000.00.00.H41'),
      agency('000.01.01.H41', '000.01.00.H41'),
    ]);
    expect((await failure(service.update('000.00.00.H41', { parentCode: '000.01.01.H41' }))).code).toBe(
      'AGENCY_PARENT_CYCLE',
    );
    expect((await failure(service.update('000.00.00.H41', { parentCode: '000.00.00.H41' }))).code).toBe(
      'AGENCY_PARENT_CYCLE',
    );
    await service.update('000.01.01.H41', { parentCode: null });
    expect(rows.get('000.01.01.H41')?.parentCode).toBeUndefined();
  });

  it('suspends and reactivates; 404 for an unknown agency', async () => {
    const { service } = setup([agency('000.00.00.H41')]);
    expect((await service.suspend('000.00.00.H41')).state).toBe('suspended');
    expect((await service.reactivate('000.00.00.H41')).state).toBe('active');
    expect((await failure(service.suspend('000.00.00.A01'))).kind).toBe('not-found');
  });

  it('tells the nodes after every committed change, naming the agency and the change', async () => {
    const { service, notifier, calls } = setup([agency('000.00.00.H41')]);
    await service.register({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
    await service.update('000.00.00.G22', { name: 'VPCP' });
    await service.suspend('000.00.00.G22');
    await service.reactivate('000.00.00.G22');
    expect(notifier.notify.mock.calls.map(([n]) => n)).toEqual(
      ['registered', 'updated', 'suspended', 'reactivated'].map((change) => ({
        type: 'directory-updated',
        agencyCode: '000.00.00.G22',
        change,
      })),
    );
    // Each notification follows the write it reports, once committed (with its audit entry).
    expect(calls.slice(-3)).toEqual(['update 000.00.00.G22', 'commit', 'notify directory-updated']);
  });

  it('tells nobody when nothing was committed', async () => {
    const { service, notifier } = setup([agency('000.00.00.H41')], { commitFails: true });
    await expect(service.register({ code: '000.00.00.G22', name: 'x' })).rejects.toThrow(/deadlock/);
    expect(await failure(service.register({ code: '000.00.00.H41', name: 'x' }))).toMatchObject({
      code: 'AGENCY_EXISTS',
    });
    await failure(service.suspend('000.00.00.A01'));
    await failure(service.update('000.00.00.H41', { name: ' ' }));
    expect(notifier.notify).not.toHaveBeenCalled();
  });
});
