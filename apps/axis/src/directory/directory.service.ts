import { Injectable } from '@nestjs/common';
import type { AuditAction } from '@lienthong/audit';
import { AppError } from '@lienthong/common';
import { isIdentifierCode } from '@lienthong/edxml';
import type { DirectoryChange, DirectoryEntry } from '@lienthong/protocol';
import { AuditService } from '../audit/audit.service';
import { CertificateRepository } from '../certificates/certificate.repository';
import { EnrollmentService } from '../certificates/enrollment.service';
import { TransactionRunner } from '../database/transaction';
import { TopologyService } from '../topology/topology.service';
import { TrustNotifier } from '../topology/trust-notifier';
import type { Agency, AgencyChanges } from './agency';
import { AgencyRepository } from './agency.repository';
import { AgencyDetailResponse } from './dto/agency-detail.response';
import { AgencyResponse } from './dto/agency.response';
import type { CreateAgencyDto } from './dto/create-agency.dto';
import { RegisteredAgencyResponse } from './dto/registered-agency.response';
import type { UpdateAgencyDto } from './dto/update-agency.dto';

const AUDIT_ACTION_OF: Partial<Record<DirectoryChange, AuditAction>> = {
  updated: 'agency.updated',
  suspended: 'agency.suspended',
  reactivated: 'agency.reactivated',
};

/** Deeper than any real administrative hierarchy: a longer walk means the data is broken. */
const MAX_HIERARCHY_DEPTH = 64;

@Injectable()
export class DirectoryService {
  constructor(
    private readonly agencies: AgencyRepository,
    private readonly certificates: CertificateRepository,
    private readonly enrollment: EnrollmentService,
    private readonly topology: TopologyService,
    private readonly transactions: TransactionRunner,
    private readonly notifier: TrustNotifier,
    private readonly audit: AuditService,
  ) {}

  /**
   * The queue comes first: declaring it is idempotent, so a failure after it leaves nothing
   * half-made, while an agency without a queue would lose every document sent to it. Every
   * change to the directory is broadcast to the nodes once committed (`directory-updated`).
   */
  async register(dto: CreateAgencyDto): Promise<RegisteredAgencyResponse> {
    const { code } = dto;
    if (!isIdentifierCode(code, 'strict')) {
      throw AppError.invalid(
        'AGENCY_CODE_INVALID',
        `"${code}" is not an identifier code such as 000.00.00.G22`,
        {
          field: 'code',
        },
      );
    }
    const name = requireName(dto.name);
    if (dto.parentCode !== undefined) await this.requireParent(dto.parentCode);
    if (await this.agencies.findByCode(code)) throw agencyExists(code);
    await this.topology.provisionAgency(code);
    const registered = await this.transactions.run(async (tx): Promise<RegisteredAgencyResponse> => {
      const agency = await this.agencies.createIfAbsent({ code, name, parentCode: dto.parentCode }, tx);
      if (!agency) throw agencyExists(code);
      const { token, expiresAt } = await this.enrollment.issueToken(code, tx);
      await this.audit.recordMany(
        [
          {
            action: 'agency.registered',
            actor: 'operator',
            agency: code,
            details: { name, parentCode: dto.parentCode ?? null },
          },
          {
            action: 'enrollment.issued',
            actor: 'operator',
            agency: code,
            details: { expiresAt: expiresAt.toISOString() },
          },
        ],
        tx,
      );
      return { agency: AgencyResponse.from(agency), enrollmentToken: token, enrollmentExpiresAt: expiresAt };
    });
    await this.notifyChanged(code, 'registered');
    return registered;
  }

  async list(): Promise<AgencyResponse[]> {
    return (await this.agencies.list()).map((a) => AgencyResponse.from(a));
  }

  async get(code: string): Promise<AgencyDetailResponse> {
    const agency = await this.requireAgency(code);
    return AgencyDetailResponse.withCertificates(agency, await this.certificates.listByAgency(code));
  }

  async update(code: string, dto: UpdateAgencyDto): Promise<AgencyResponse> {
    await this.requireAgency(code);
    const changes: AgencyChanges = {};
    if (dto.name !== undefined) changes.name = requireName(dto.name);
    if (dto.parentCode === null) changes.parentCode = null;
    else if (dto.parentCode !== undefined) {
      await this.requireAcyclicParent(code, dto.parentCode);
      changes.parentCode = dto.parentCode;
    }
    return this.apply(code, changes, 'updated');
  }

  suspend(code: string): Promise<AgencyResponse> {
    return this.apply(code, { state: 'suspended' }, 'suspended');
  }

  reactivate(code: string): Promise<AgencyResponse> {
    return this.apply(code, { state: 'active' }, 'reactivated');
  }

  /** Suspended agencies stay listed, so nodes can tell "suspended" from "unknown". */
  directory(): Promise<DirectoryEntry[]> {
    return this.agencies.listDirectoryEntries();
  }

  /** One statement, committed when it returns. */
  private async apply(
    code: string,
    changes: AgencyChanges,
    change: DirectoryChange,
  ): Promise<AgencyResponse> {
    const agency = await this.transactions.run(async (tx) => {
      const updated = await this.agencies.update(code, changes, tx);
      if (!updated) throw agencyNotFound(code);
      await this.audit.record(
        {
          action: AUDIT_ACTION_OF[change] ?? 'agency.updated',
          actor: 'operator',
          agency: code,
          details: {
            ...(changes.name !== undefined ? { name: changes.name } : {}),
            ...(changes.parentCode !== undefined ? { parentCode: changes.parentCode } : {}),
            ...(changes.state !== undefined ? { state: changes.state } : {}),
          },
        },
        tx,
      );
      return updated;
    });
    await this.notifyChanged(code, change);
    return AgencyResponse.from(agency);
  }

  private notifyChanged(agencyCode: string, change: DirectoryChange): Promise<void> {
    return this.notifier.notify({ type: 'directory-updated', agencyCode, change });
  }

  private async requireAgency(code: string): Promise<Agency> {
    const agency = await this.agencies.findByCode(code);
    if (!agency) throw agencyNotFound(code);
    return agency;
  }

  private async requireParent(parentCode: string): Promise<Agency> {
    const parent = await this.agencies.findByCode(parentCode);
    if (!parent) {
      throw AppError.invalid('AGENCY_PARENT_UNKNOWN', `No agency ${parentCode} to be the parent`, {
        field: 'parentCode',
      });
    }
    return parent;
  }

  private async requireAcyclicParent(code: string, parentCode: string): Promise<void> {
    let ancestor: Agency | undefined = await this.requireParent(parentCode);
    for (let depth = 0; ancestor && depth < MAX_HIERARCHY_DEPTH; depth++) {
      if (ancestor.code === code) {
        throw AppError.invalid(
          'AGENCY_PARENT_CYCLE',
          `${parentCode} is ${code} itself or one of its descendants`,
          {
            field: 'parentCode',
          },
        );
      }
      ancestor = ancestor.parentCode ? await this.agencies.findByCode(ancestor.parentCode) : undefined;
    }
  }
}

function requireName(name: string): string {
  const trimmed = name.trim();
  // The name goes into certificates, whose encoder refuses control characters.
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw AppError.invalid('AGENCY_NAME_INVALID', 'The name must be non-blank printable text', {
      field: 'name',
    });
  }
  return trimmed;
}

function agencyNotFound(code: string): AppError {
  return AppError.notFound('AGENCY_NOT_FOUND', `No agency ${code}`);
}

function agencyExists(code: string): AppError {
  return AppError.conflict('AGENCY_EXISTS', `Agency ${code} is registered already`);
}
