import { INestApplication, LoggerService, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AmqpMessageBus, BusTransportServer, MessageBus } from '@lienthong/bus';
import { AppError, HttpProblemFilter } from '@lienthong/common';
import type { AddressInfo } from 'node:net';
import type { NodeConfig } from './config/node-config';
import { NodeModule } from './node.module';
import type { AxisClient } from './ports/axis-client';
import { AgenciesService } from './services/agencies.service';

export interface NodeAppOverrides {
  /** A bus the caller owns (and closes); default: RabbitMQ at AMQP_URL, closed with the app. */
  bus?: MessageBus;
  axisClient?: AxisClient;
  logger?: LoggerService | LogLevel[] | false;
}

export interface RunningNode {
  app: INestApplication;
  /** `http://host:port` the node listens on. */
  url: string;
  close(): Promise<void>;
}

/**
 * The node as one hybrid Nest app: HTTP for the agencies' software, and a bus transport serving
 * each hosted agency's inbox queue. Listening once this resolves; close() stops consumers first
 * (so no handler runs against a closed pool), then the relay and the database, then the bus.
 */
export async function startNodeApp(
  config: NodeConfig,
  overrides: NodeAppOverrides = {},
): Promise<RunningNode> {
  const ownBus = overrides.bus === undefined;
  const bus =
    overrides.bus ??
    (await AmqpMessageBus.connect({
      url: config.amqpUrl,
      topology: { prefix: config.busPrefix },
      connectionName: `lienthong-node ${config.nodeId}`,
      waitForBroker: true,
    }));
  const transport = new BusTransportServer(bus);
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(
      NodeModule.register({
        config,
        bus,
        transport,
        ...(overrides.axisClient ? { axisClient: overrides.axisClient } : {}),
      }),
      { logger: overrides.logger ?? ['log', 'warn', 'error'], abortOnError: false },
    );
    app.useGlobalFilters(new HttpProblemFilter());
    app.useGlobalPipes(
      new ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        exceptionFactory: (errors) =>
          AppError.invalid(
            'INVALID_REQUEST',
            errors
              .flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }))
              .join('; '),
          ),
      }),
    );
    setUpOpenApi(app);
    app.connectMicroservice({ strategy: transport });
    await app.init();
    await app.startAllMicroservices();
    await app.get(AgenciesService).resumeConsumers();
    await app.listen(config.port, config.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    if (ownBus) await bus.close({ graceMs: 0 }).catch(() => undefined);
    throw error;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    app: running,
    url: `http://${host}:${address.port}`,
    close: () =>
      (closing ??= (async () => {
        await transport.close();
        await running.close();
        if (ownBus) await bus.close();
      })()),
  };
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('lienthong node')
      .setDescription(
        'The agency endpoint of the document exchange: submit documents, follow their delivery, read the inbox, send statuses. Errors are `{ statusCode, code, message, details? }`.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'api-key')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
