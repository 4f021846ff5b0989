import { ExchangeSchema1767225600000 } from './1767225600000-exchange-schema';
import { BusinessDocuments1767312000000 } from './1767312000000-business-documents';
import { ExchangeLookups1767398400000 } from './1767398400000-exchange-lookups';
import { VdxpConnectors1767484800000 } from './1767484800000-vdxp-connectors';
import { AuditLog1767916800000 } from './1767916800000-audit-log';
import { AuditSealSetBased1768003200000 } from './1768003200000-audit-seal-set-based';
import { Lz4PackageCompression1768089600000 } from './1768089600000-lz4-package-compression';

/** In order; TypeORM runs the ones not yet applied, each in its own transaction. */
export const NODE_MIGRATIONS = [
  ExchangeSchema1767225600000,
  BusinessDocuments1767312000000,
  ExchangeLookups1767398400000,
  VdxpConnectors1767484800000,
  AuditLog1767916800000,
  AuditSealSetBased1768003200000,
  Lz4PackageCompression1768089600000,
];
