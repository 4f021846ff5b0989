import type { Agency } from '../../directory/agency';
import type { AgencyEntity } from '../entities/agency.entity';
import { fromNull } from './optional';

export function toAgency(row: AgencyEntity): Agency {
  return {
    code: row.code,
    name: row.name,
    parentCode: fromNull(row.parentCode),
    nodeId: fromNull(row.nodeId),
    state: row.state,
    certificateSerial: fromNull(row.certificateSerial),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
