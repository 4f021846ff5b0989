import type { DirectoryEntry } from '@lienthong/protocol';
import type { Transaction } from '../database/transaction';
import type { Agency, AgencyChanges, NewAgency } from './agency';

export abstract class AgencyRepository {
  abstract findByCode(code: string, tx?: Transaction): Promise<Agency | undefined>;

  /** Every agency, ordered by code. */
  abstract list(): Promise<Agency[]>;

  /** undefined when the code is taken. */
  abstract createIfAbsent(agency: NewAgency, tx?: Transaction): Promise<Agency | undefined>;

  /** undefined when there is no such agency. */
  abstract update(code: string, changes: AgencyChanges, tx?: Transaction): Promise<Agency | undefined>;

  /** After an enrollment: the agency is now hosted by `nodeId` and signs with this certificate. */
  abstract attachCertificate(
    code: string,
    binding: { nodeId: string; certificateSerial: string },
    tx: Transaction,
  ): Promise<void>;

  /** A revoked certificate stops being the one the directory hands out. true: an entry changed. */
  abstract detachCertificate(serial: string, tx: Transaction): Promise<boolean>;

  /** What nodes see: every agency with its current certificate; no secrets. */
  abstract listDirectoryEntries(): Promise<DirectoryEntry[]>;
}
