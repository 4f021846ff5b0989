import type { Enrollment } from '../../certificates/enrollment';
import type { EnrollmentEntity } from '../entities/enrollment.entity';
import { fromNull } from './optional';

export function toEnrollment(row: EnrollmentEntity): Enrollment {
  return {
    id: row.id,
    agencyCode: row.agencyCode,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    usedAt: fromNull(row.usedAt),
  };
}
