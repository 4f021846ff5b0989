import type { Transaction } from '../database/transaction';
import type { Enrollment, NewEnrollment } from './enrollment';

export abstract class EnrollmentRepository {
  abstract create(enrollment: NewEnrollment, tx?: Transaction): Promise<Enrollment>;

  /** Locks the row until the transaction ends: a token races itself at most once. */
  abstract findByTokenHashForUpdate(tokenHash: string, tx: Transaction): Promise<Enrollment | undefined>;

  abstract markUsed(
    id: string,
    use: { usedAt: Date; nodeId: string; certificateSerial: string },
    tx: Transaction,
  ): Promise<void>;

  /** A new token supersedes the agency's earlier unused ones. */
  abstract expireUnused(agencyCode: string, at: Date, tx?: Transaction): Promise<void>;
}
