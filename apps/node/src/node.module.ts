import { DynamicModule, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { BusTransportServer, MessageBus } from '@lienthong/bus';
import { postgresOptions } from '@lienthong/common';
import { createObservability, Observability, ObservabilityModule } from '@lienthong/observability';
import { DataSource } from 'typeorm';
import { AUDIT_CONTROLLERS, AUDIT_PROVIDERS } from './audit/audit.providers';
import { NODE_CONFIG, NodeConfig } from './config/node-config';
import { AdminAgenciesController } from './controllers/admin-agencies.controller';
import { AdminApiKeysController } from './controllers/admin-api-keys.controller';
import { AdminConnectorsController } from './controllers/admin-connectors.controller';
import { DirectoryController } from './controllers/directory.controller';
import { DocumentsController } from './controllers/documents.controller';
import { HealthController } from './controllers/health.controller';
import { InboundController } from './controllers/inbound.controller';
import { InboxController } from './controllers/inbox.controller';
import { NODE_ENTITIES } from './entities';
import { AdminTokenGuard } from './http/admin-token.guard';
import { ApiKeyGuard } from './http/api-key.guard';
import { PackageUploadInterceptor } from './http/package-upload.interceptor';
import { NODE_MIGRATIONS } from './migrations';
import { AxisClient } from './ports/axis-client';
import { BusInboxConsumers } from './ports/bus-inbox-consumers';
import { HttpAxisClient } from './ports/http-axis-client';
import { InboxConsumers } from './ports/inbox-consumers';
import { PackageCrypto } from './ports/package-crypto';
import { PkiPackageCrypto } from './ports/pki-package-crypto';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { ConnectorRepository } from './repositories/connector.repository';
import { DatabaseProbe } from './repositories/database-probe';
import { DeliveryEventRepository } from './repositories/delivery-event.repository';
import { DocumentRepository } from './repositories/document.repository';
import { HostedAgencyRepository } from './repositories/hosted-agency.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { QuarantineRepository } from './repositories/quarantine.repository';
import { Transactor } from './repositories/transactor';
import { TrustCacheRepository } from './repositories/trust-cache.repository';
import { TypeOrmApiKeyRepository } from './repositories/typeorm/typeorm-api-key.repository';
import { TypeOrmConnectorRepository } from './repositories/typeorm/typeorm-connector.repository';
import { TypeOrmDatabaseProbe } from './repositories/typeorm/typeorm-database-probe';
import { TypeOrmDeliveryEventRepository } from './repositories/typeorm/typeorm-delivery-event.repository';
import { TypeOrmDocumentRepository } from './repositories/typeorm/typeorm-document.repository';
import { TypeOrmHostedAgencyRepository } from './repositories/typeorm/typeorm-hosted-agency.repository';
import { TypeOrmOutboxRepository } from './repositories/typeorm/typeorm-outbox.repository';
import { TypeOrmQuarantineRepository } from './repositories/typeorm/typeorm-quarantine.repository';
import { TypeOrmTransactor } from './repositories/typeorm/typeorm-transactor';
import { TypeOrmTrustCacheRepository } from './repositories/typeorm/typeorm-trust-cache.repository';
import { AgenciesService } from './services/agencies.service';
import { ApiKeysService } from './services/api-keys.service';
import { BusinessDocumentsService } from './services/business-documents.service';
import { ConnectorsService } from './services/connectors.service';
import { HealthService } from './services/health.service';
import { NodeMetricsSources } from './services/node-metrics-sources';
import { HeartbeatService } from './services/heartbeat.service';
import { InboundService } from './services/inbound.service';
import { InboxService } from './services/inbox.service';
import { OutboxRelay } from './services/outbox-relay.service';
import { OutboxSignal } from './services/outbox-signal';
import { SentDocumentsService } from './services/sent-documents.service';
import { StatusService } from './services/status.service';
import { SubmitService } from './services/submit.service';
import { TraceEventFactory } from './services/trace-event-factory';
import { SecretBox } from './services/secret-box';
import { TrustStore } from './services/trust-store.service';
import { vdxpController } from './vdxp/vdxp.controller';
import { VdxpService } from './vdxp/vdxp.service';

export interface NodeModuleOptions {
  config: NodeConfig;
  bus: MessageBus;
  /** The transport the hybrid app serves inbox queues with; agencies are added to it at run time. */
  transport: BusTransportServer;
  /** Default: the axis over HTTP at AXIS_URL. */
  axisClient?: AxisClient;
  /** The app's logger and metrics registry (`/metrics`); default: made here, logging to stdout. */
  observability?: Observability;
}

/** Closes the pool last, after the relay and the consumers stopped using it. */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The agency endpoint: signs, sends, receives and verifies documents (see docs/exchange.md). */
@Module({})
export class NodeModule {
  static register(options: NodeModuleOptions): DynamicModule {
    const { config } = options;
    const infrastructure: Provider[] = [
      { provide: NODE_CONFIG, useValue: config },
      { provide: MessageBus, useValue: options.bus },
      { provide: BusTransportServer, useValue: options.transport },
      options.axisClient
        ? { provide: AxisClient, useValue: options.axisClient }
        : { provide: AxisClient, useClass: HttpAxisClient },
      {
        // Migrations run here, before anything can use the schema.
        provide: DataSource,
        useFactory: async () =>
          new DataSource(
            postgresOptions(config.databaseUrl, {
              entities: NODE_ENTITIES,
              migrations: NODE_MIGRATIONS,
              applicationName: `lienthong-node ${config.nodeId}`,
              poolMax: config.databasePoolMax,
            }),
          ).initialize(),
      },
      DataSourceCloser,
    ];
    const ports: Provider[] = [
      { provide: Transactor, useClass: TypeOrmTransactor },
      { provide: HostedAgencyRepository, useClass: TypeOrmHostedAgencyRepository },
      { provide: ApiKeyRepository, useClass: TypeOrmApiKeyRepository },
      { provide: ConnectorRepository, useClass: TypeOrmConnectorRepository },
      { provide: DocumentRepository, useClass: TypeOrmDocumentRepository },
      { provide: OutboxRepository, useClass: TypeOrmOutboxRepository },
      { provide: DeliveryEventRepository, useClass: TypeOrmDeliveryEventRepository },
      { provide: QuarantineRepository, useClass: TypeOrmQuarantineRepository },
      { provide: TrustCacheRepository, useClass: TypeOrmTrustCacheRepository },
      { provide: DatabaseProbe, useClass: TypeOrmDatabaseProbe },
      { provide: PackageCrypto, useClass: PkiPackageCrypto },
      { provide: InboxConsumers, useClass: BusInboxConsumers },
    ];
    const observability =
      options.observability ??
      createObservability({
        app: 'node',
        level: config.logLevel ?? 'info',
        bindings: { node: config.nodeId },
      });
    return {
      module: NodeModule,
      imports: [ObservabilityModule.forRoot(observability)],
      controllers: [
        AdminAgenciesController,
        AdminApiKeysController,
        AdminConnectorsController,
        DocumentsController,
        InboxController,
        DirectoryController,
        HealthController,
        InboundController,
        ...AUDIT_CONTROLLERS,
        // The official VPCP SDK's protocol (docs/vdxp.md), at VDXP_BASE_PATH.
        vdxpController(config.vdxpBasePath),
      ],
      providers: [
        ...infrastructure,
        ...ports,
        ...AUDIT_PROVIDERS,
        AdminTokenGuard,
        ApiKeyGuard,
        PackageUploadInterceptor,
        OutboxSignal,
        TraceEventFactory,
        TrustStore,
        StatusService,
        AgenciesService,
        ApiKeysService,
        SecretBox,
        ConnectorsService,
        VdxpService,
        SubmitService,
        BusinessDocumentsService,
        SentDocumentsService,
        InboxService,
        InboundService,
        OutboxRelay,
        HealthService,
        NodeMetricsSources,
        HeartbeatService,
      ],
    };
  }
}
