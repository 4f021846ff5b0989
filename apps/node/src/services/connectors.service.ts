import { randomBytes } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf } from '../audit/audit-records';
import type { ApiCaller } from '../domain/api-key';
import type { Connector, StoredConnector, VdxpFailure } from '../domain/connector';
import { ConnectorRepository } from '../repositories/connector.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { SecretBox } from './secret-box';

export interface ConnectorView {
  systemId: string;
  name: string;
  agencies: string[];
  disabledAt?: string;
  secretSetAt: string;
  createdAt: string;
}

export interface ConnectorWithSecret extends ConnectorView {
  /** Shown once; the node keeps it encrypted (HMAC verification needs the secret itself). */
  secret: string;
}

export interface VdxpFailureView {
  documentId: string;
  agency: string;
  systemId: string;
  reason: string;
  reportedAt: string;
}

/** An authenticated VDXP caller: the connector, as the services' ApiCaller. */
export interface ConnectorCaller extends ApiCaller {
  systemId: string;
}

/** The SDK's systemid is free text in its properties file; keep it printable ASCII, no separators. */
const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const MIN_SECRET = 16;

@Injectable()
export class ConnectorsService {
  private readonly logger = new Logger(ConnectorsService.name);

  constructor(
    private readonly connectors: ConnectorRepository,
    private readonly agencies: HostedAgencyRepository,
    private readonly box: SecretBox,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  /**
   * `secret` may be given, so software already configured with a systemid and secret switches by
   * changing only its endpoint URL; else a random one is made.
   */
  async create(input: {
    systemId: string;
    name?: string;
    agencies: string[];
    secret?: string;
  }): Promise<ConnectorWithSecret> {
    if (!SYSTEM_ID.test(input.systemId)) {
      throw AppError.invalid(
        'INVALID_SYSTEM_ID',
        'A systemId is 1 to 128 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit',
      );
    }
    const codes = await this.hostedAgencies(input.agencies);
    const secret = input.secret ?? newSecret();
    assertSecret(secret);
    const now = new Date();
    const connector: StoredConnector = {
      systemId: input.systemId,
      name: input.name ?? input.systemId,
      agencies: codes,
      secretSetAt: now,
      createdAt: now,
      secretCiphertext: this.box.seal(secret, input.systemId),
    };
    if (!(await this.connectors.insert(connector))) {
      throw AppError.conflict('CONNECTOR_EXISTS', `A connector ${input.systemId} exists already`);
    }
    this.logger.log({ message: 'connector created', systemId: connector.systemId, agencies: codes });
    await this.record('connector.created', connector);
    return { ...view(connector), secret };
  }

  async list(): Promise<ConnectorView[]> {
    return (await this.connectors.list()).map(view);
  }

  /** A new secret (given, or made): the old one stops working at once. */
  async rotate(systemId: string, secret?: string): Promise<ConnectorWithSecret> {
    const next = secret ?? newSecret();
    assertSecret(next);
    const updated = await this.connectors.setSecret(systemId, this.box.seal(next, systemId), new Date());
    if (!updated) throw notFound();
    this.logger.log({ message: 'connector secret rotated', systemId });
    await this.record('connector.secret-rotated', updated);
    return { ...view(updated), secret: next };
  }

  async disable(systemId: string): Promise<ConnectorView> {
    const disabled = await this.connectors.disable(systemId, new Date());
    if (!disabled) throw notFound();
    this.logger.log({ message: 'connector disabled', systemId });
    await this.record('connector.disabled', disabled);
    return view(disabled);
  }

  /** The secret of an enabled connector, to verify a request's HMAC; undefined for an unknown or disabled one. */
  async secretOf(systemId: string): Promise<{ secret: string; caller: ConnectorCaller } | undefined> {
    const connector = await this.connectors.findEnabled(systemId);
    if (!connector) return undefined;
    return {
      secret: this.box.open(connector.secretCiphertext, connector.systemId),
      caller: {
        keyId: `connector:${connector.systemId}`,
        systemId: connector.systemId,
        agencies: connector.agencies,
      },
    };
  }

  recordFailure(failure: VdxpFailure): Promise<void> {
    return this.connectors.recordFailure(failure);
  }

  async listFailures(limit = 100): Promise<VdxpFailureView[]> {
    return (await this.connectors.listFailures(Math.min(Math.max(limit, 1), 1000))).map((f) => ({
      documentId: f.documentUuid,
      agency: f.agencyCode,
      systemId: f.systemId,
      reason: f.reason,
      reportedAt: f.reportedAt.toISOString(),
    }));
  }

  /** Never the secret nor its ciphertext. */
  private async record(
    action: 'connector.created' | 'connector.secret-rotated' | 'connector.disabled',
    c: Connector,
  ): Promise<void> {
    await this.audit.append([
      {
        action,
        actor: actorOf.admin,
        agency: c.agencies.length === 1 ? c.agencies[0] : null,
        details: { systemId: c.systemId, name: c.name, agencies: c.agencies },
      },
    ]);
  }

  private async hostedAgencies(agencies: string[]): Promise<string[]> {
    const codes = [...new Set(agencies)];
    if (codes.length === 0)
      throw AppError.invalid('NO_AGENCIES', 'A connector must act for at least one agency');
    const missing: string[] = [];
    for (const code of codes) if (!(await this.agencies.findActive(code))) missing.push(code);
    if (missing.length > 0) {
      throw AppError.invalid('AGENCY_NOT_HOSTED', `Not hosted on this node: ${missing.join(', ')}`, {
        agencies: missing,
      });
    }
    return codes;
  }
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function assertSecret(secret: string): void {
  if (secret.length < MIN_SECRET || secret.length > 256 || !/^[\x21-\x7e]+$/.test(secret)) {
    throw AppError.invalid(
      'INVALID_SECRET',
      `A connector secret is ${MIN_SECRET} to 256 printable ASCII characters without spaces`,
    );
  }
}

function notFound(): AppError {
  return AppError.notFound('CONNECTOR_NOT_FOUND', 'There is no such connector');
}

function view(c: Connector): ConnectorView {
  return {
    systemId: c.systemId,
    name: c.name,
    agencies: c.agencies,
    ...(c.disabledAt ? { disabledAt: c.disabledAt.toISOString() } : {}),
    secretSetAt: c.secretSetAt.toISOString(),
    createdAt: c.createdAt.toISOString(),
  };
}
