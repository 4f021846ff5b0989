import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf } from '../audit/audit-records';
import type { ApiCaller, ApiKey } from '../domain/api-key';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';

export interface ApiKeyView {
  id: string;
  name: string;
  agencies: string[];
  disabledAt?: string;
  createdAt: string;
}

export interface CreatedApiKey extends ApiKeyView {
  /** Shown once; only its SHA-256 is stored. */
  key: string;
}

const KEY_PREFIX = 'lt_';

/**
 * Keys are 256 random bits, so a plain SHA-256 is enough to store them (no salt or slow hash:
 * there is nothing to guess), and looking the hash up is a lookup, not a comparison to time.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly agencies: HostedAgencyRepository,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  async create(name: string, agencies: string[]): Promise<CreatedApiKey> {
    const codes = [...new Set(agencies)];
    if (codes.length === 0)
      throw AppError.invalid('NO_AGENCIES', 'An API key must act for at least one agency');
    const missing: string[] = [];
    for (const code of codes) if (!(await this.agencies.findActive(code))) missing.push(code);
    if (missing.length > 0) {
      throw AppError.invalid('AGENCY_NOT_HOSTED', `Not hosted on this node: ${missing.join(', ')}`, {
        agencies: missing,
      });
    }
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiKey = { id: randomUUID(), name, agencies: codes, createdAt: new Date() };
    await this.keys.insert(record, hashApiKey(key));
    await this.audit.append([
      {
        action: 'api-key.created',
        actor: actorOf.admin,
        agency: codes.length === 1 ? codes[0] : null,
        details: { keyId: record.id, name, agencies: codes },
        time: record.createdAt,
      },
    ]);
    return { ...view(record), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(view);
  }

  async disable(id: string): Promise<ApiKeyView> {
    const uuid = /^[0-9a-f-]{36}$/i.test(id) ? id : undefined;
    const key = uuid ? await this.keys.disable(uuid, new Date()) : undefined;
    if (!key) throw AppError.notFound('API_KEY_NOT_FOUND', 'There is no such API key');
    await this.audit.append([
      {
        action: 'api-key.revoked',
        actor: actorOf.admin,
        agency: key.agencies.length === 1 ? key.agencies[0] : null,
        details: { keyId: key.id, name: key.name, agencies: key.agencies },
      },
    ]);
    return view(key);
  }

  async authenticate(presented: string | undefined): Promise<ApiCaller> {
    const key = presented?.startsWith(KEY_PREFIX)
      ? await this.keys.findEnabledByHash(hashApiKey(presented))
      : undefined;
    if (!key)
      throw new AppError('unauthenticated', 'API_KEY_INVALID', 'A valid X-API-Key header is required');
    return { keyId: key.id, agencies: key.agencies };
  }
}

function view(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    agencies: key.agencies,
    ...(key.disabledAt ? { disabledAt: key.disabledAt.toISOString() } : {}),
    createdAt: key.createdAt.toISOString(),
  };
}
