import type { CrlRecord } from '../../certificates/crl';
import type { CrlEntity } from '../entities/crl.entity';

export function toCrlRecord(row: CrlEntity): CrlRecord {
  return { number: BigInt(row.number), pem: row.pem, thisUpdate: row.thisUpdate, nextUpdate: row.nextUpdate };
}

export function toCrlEntity(crl: CrlRecord): CrlEntity {
  return {
    number: crl.number.toString(),
    pem: crl.pem,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
  };
}
