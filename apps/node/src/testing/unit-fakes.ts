import type { EdocPackage } from '@lienthong/edxml';
import type { NodeConfig } from '../config/node-config';
import type { ApiCaller } from '../domain/api-key';
import type { HostedAgency } from '../domain/hosted-agency';
import type { PackageCrypto } from '../ports/package-crypto';
import type { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import type { DocumentRepository, DocumentWrite, InsertResult } from '../repositories/document.repository';
import type { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import type { OutboxRepository } from '../repositories/outbox.repository';
import type { QuarantineRepository } from '../repositories/quarantine.repository';
import type { Transactor, Tx } from '../repositories/transactor';
import type { OutboxSignal } from '../services/outbox-signal';
import { TraceEventFactory } from '../services/trace-event-factory';
import type { TrustStore } from '../services/trust-store.service';

/*
 * Mocks of the node's ports for unit specs: every external thing is one abstract class, so each
 * spec mocks the same few objects the same way.
 */

export type Mocked<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? jest.Mock : T[K] };

export const TX = { transaction: 'fake' } as unknown as Tx;

export const TEST_CONFIG: NodeConfig = {
  databaseUrl: 'postgres://unused',
  amqpUrl: 'amqp://unused',
  busPrefix: 'axis',
  port: 0,
  host: '127.0.0.1',
  mode: 'shared',
  nodeId: 'node-test',
  axisUrl: 'http://axis.invalid',
  adminToken: 'admin-token-0123456789-abcdef',
  keyPassphrase: 'passphrase-0123',
  maxPackageBytes: 1024 * 1024,
  trustRefreshSeconds: 60,
  outboxPollMs: 200,
  heartbeatSeconds: 30,
};

export function agency(code: string): HostedAgency {
  return {
    code,
    name: `Agency ${code}`,
    keyPem: `KEY OF ${code}`,
    certificatePem: `CERT OF ${code}`,
    caCertificatePem: 'CA',
    state: 'active',
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

export function caller(...agencies: string[]): ApiCaller {
  return { keyId: 'key-1', agencies };
}

export function fakeTransactor(): Mocked<Transactor> {
  return { run: jest.fn((work: (tx: Tx) => Promise<unknown>) => work(TX)) } as Mocked<Transactor>;
}

export function fakeAgencies(...hosted: string[]): Mocked<HostedAgencyRepository> {
  const find = (code: string) => Promise.resolve(hosted.includes(code) ? agency(code) : undefined);
  return {
    findActive: jest.fn(find),
    find: jest.fn(find),
    listActive: jest.fn(() => Promise.resolve(hosted.map(agency))),
    countActive: jest.fn(() => Promise.resolve(hosted.length)),
    save: jest.fn(() => Promise.resolve()),
    markRemoved: jest.fn(() => Promise.resolve(true)),
  };
}

export function fakeDocuments(): Mocked<DocumentRepository> {
  return {
    insert: jest.fn(() => Promise.resolve('inserted')),
    store: jest.fn(() => Promise.resolve('inserted')),
    hasInboundMessage: jest.fn(() => Promise.resolve(false)),
    listSentByDocumentId: jest.fn(() => Promise.resolve([])),
    listSentPackages: jest.fn(() => Promise.resolve([])),
    findReceivedOriginal: jest.fn(() => Promise.resolve(undefined)),
    listRelated: jest.fn(() => Promise.resolve([])),
    listStatusesAbout: jest.fn(() => Promise.resolve([])),
    findInScope: jest.fn(() => Promise.resolve(undefined)),
    list: jest.fn(() => Promise.resolve([])),
    count: jest.fn(() => Promise.resolve(0)),
    readPackage: jest.fn(() => Promise.resolve(undefined)),
    readAttachment: jest.fn(() => Promise.resolve(undefined)),
    markTaken: jest.fn(() => Promise.resolve(true)),
  };
}

/**
 * Makes `documents.store` (one atomic write) go through the fakes of its parts: the document and
 * further documents through `insert`, then the outbox rows and timeline events, all with TX, so a
 * spec can read what was written the same way whichever path wrote it.
 */
export function storeThroughParts(
  documents: Mocked<DocumentRepository>,
  outbox: Mocked<OutboxRepository>,
  events: Mocked<DeliveryEventRepository>,
): void {
  documents.store.mockImplementation(async (write: DocumentWrite) => {
    const first = (await documents.insert(TX, write.document, write.attachments ?? [])) as InsertResult;
    if (first === 'duplicate') return first;
    for (const d of write.documents ?? []) await documents.insert(TX, d, []);
    if ((write.outbox ?? []).length > 0) await outbox.enqueue(TX, write.outbox);
    if ((write.events ?? []).length > 0) await events.record(TX, write.events);
    return first;
  });
}

export function fakeOutbox(): Mocked<OutboxRepository> {
  return {
    enqueue: jest.fn(() => Promise.resolve()),
    claimDue: jest.fn(() => Promise.resolve([])),
    markSent: jest.fn((_tx: unknown, ids: string[]) => Promise.resolve(ids)),
    markFailed: jest.fn((_tx: unknown, failures: { id: string }[]) =>
      Promise.resolve(failures.map((f) => f.id)),
    ),
    reschedule: jest.fn(() => Promise.resolve()),
    backlog: jest.fn(() => Promise.resolve({ pending: 0 })),
  };
}

export function fakeDeliveryEvents(): Mocked<DeliveryEventRepository> {
  return {
    record: jest.fn(() => Promise.resolve()),
    listFor: jest.fn(() => Promise.resolve([])),
    acknowledged: jest.fn(() => Promise.resolve(new Set<string>())),
  };
}

export function fakeQuarantine(): Mocked<QuarantineRepository> {
  return { insert: jest.fn(() => Promise.resolve(true)), has: jest.fn(() => Promise.resolve(false)) };
}

export function fakeCrypto(): Mocked<PackageCrypto> {
  return {
    newAgencyKey: jest.fn(() => ({ keyPem: 'NEW KEY', csrPem: 'CSR' })),
    certificateInfo: jest.fn(() => ({ serialNumber: '01', notAfter: new Date(0) })),
    checkCertificate: jest.fn(() => ({ serialNumber: '01', notAfter: new Date(0) })),
    sign: jest.fn((xml: string) => Buffer.from(`SIGNED ${xml.length}`)),
    verify: jest.fn(() => ({ valid: false, transient: false, code: 'UNSIGNED', reason: 'not signed' })),
  };
}

/** A trust store knowing `directory` and holding one anchor. */
export function fakeTrust(
  ...directory: string[]
): Mocked<Pick<TrustStore, 'material' | 'findActive' | 'directory' | 'refreshAfterMiss'>> {
  const entries = directory.map((code) => ({ code, name: code, state: 'active' as const }));
  return {
    material: jest.fn(() => ({ anchorPems: ['CA'], crlPems: [] })),
    findActive: jest.fn((code: string) => entries.find((e) => e.code === code)),
    directory: jest.fn(() => entries),
    refreshAfterMiss: jest.fn(async () => undefined),
  };
}

export function fakeSignal(): Mocked<OutboxSignal> {
  return { wake: jest.fn(), onWake: jest.fn() } as unknown as Mocked<OutboxSignal>;
}

export const traceFactory = () => new TraceEventFactory(TEST_CONFIG);

export function edocPackage(
  from: string,
  to: string[],
  overrides: Partial<EdocPackage['messageHeader']> = {},
): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: from },
      to: to.map((organId) => ({ organId })),
      code: { codeNumber: '12', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { promulgationDate: '2026/11/20' },
      documentType: { type: '1' },
      subject: 'Kế hoạch',
      ...overrides,
    },
    traceHeaderList: { traceHeader: [{ organId: from, timestamp: '2026/11/20 08:00:00' }] },
    attachments: [],
  };
}
