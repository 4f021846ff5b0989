import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresOptions } from '@lienthong/common';
import { CertificateRepository } from '../certificates/certificate.repository';
import { CrlRepository } from '../certificates/crl.repository';
import { EnrollmentRepository } from '../certificates/enrollment.repository';
import type { AxisConfig } from '../config/axis-config';
import { AgencyRepository } from '../directory/agency.repository';
import { DatabaseRepository } from '../health/database.repository';
import { DeliveryRepository } from '../tracking/delivery.repository';
import { TraceRepository } from '../tracking/trace.repository';
import { AgencyEntity } from './entities/agency.entity';
import { CertificateEntity } from './entities/certificate.entity';
import { CrlEntity } from './entities/crl.entity';
import { DeliveryEntity } from './entities/delivery.entity';
import { EnrollmentEntity } from './entities/enrollment.entity';
import { TraceEventEntity } from './entities/trace-event.entity';
import { ExchangeSchema1764230400000 } from './migrations/1764230400000-exchange-schema';
import { OperationsDashboard1767744000000 } from './migrations/1767744000000-operations-dashboard';
import { AuditLog1767830400000 } from './migrations/1767830400000-audit-log';
import { AuditSealSetBased1768003200000 } from './migrations/1768003200000-audit-seal-set-based';
import { AuditRepository } from '../audit/audit.repository';
import { TypeormAgencyRepository } from './repositories/typeorm-agency.repository';
import { TypeormAuditRepository } from './repositories/typeorm-audit.repository';
import { TypeormCertificateRepository } from './repositories/typeorm-certificate.repository';
import { TypeormCrlRepository } from './repositories/typeorm-crl.repository';
import { TypeormDatabaseRepository } from './repositories/typeorm-database.repository';
import { TypeormDeliveryRepository } from './repositories/typeorm-delivery.repository';
import { TypeormEnrollmentRepository } from './repositories/typeorm-enrollment.repository';
import { TypeormTraceRepository } from './repositories/typeorm-trace.repository';
import { TypeormTransactionRunner } from './repositories/typeorm-transaction.runner';
import { AXIS_DATA_SOURCE } from './data-source-name';
import { TransactionRunner } from './transaction';

const ENTITIES = [
  AgencyEntity,
  CertificateEntity,
  EnrollmentEntity,
  CrlEntity,
  TraceEventEntity,
  DeliveryEntity,
];
/** In order; classes, not globs, so that the webpack bundle carries them. */
const MIGRATIONS = [
  ExchangeSchema1764230400000,
  OperationsDashboard1767744000000,
  AuditLog1767830400000,
  AuditSealSetBased1768003200000,
];

/** Each port and the class that implements it on PostgreSQL. */
const REPOSITORIES: [abstract new (...args: never[]) => unknown, new (...args: never[]) => unknown][] = [
  [TransactionRunner, TypeormTransactionRunner],
  [AgencyRepository, TypeormAgencyRepository],
  [CertificateRepository, TypeormCertificateRepository],
  [EnrollmentRepository, TypeormEnrollmentRepository],
  [CrlRepository, TypeormCrlRepository],
  [TraceRepository, TypeormTraceRepository],
  [DeliveryRepository, TypeormDeliveryRepository],
  [DatabaseRepository, TypeormDatabaseRepository],
  [AuditRepository, TypeormAuditRepository],
];

const PROVIDERS: Provider[] = REPOSITORIES.map(([provide, useClass]) => ({ provide, useClass }));

/** PostgreSQL through TypeORM, migrated at start; the rest of the app sees only the repositories. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AxisConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          name: AXIS_DATA_SOURCE,
          ...postgresOptions(config.databaseUrl, {
            entities: ENTITIES,
            migrations: MIGRATIONS,
            applicationName: 'lienthong-axis',
            poolMax: config.databasePoolMax,
          }),
          // A database that is not there at start is a configuration problem: fail fast.
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
      ],
      providers: PROVIDERS,
      exports: REPOSITORIES.map(([provide]) => provide),
    };
  }
}
