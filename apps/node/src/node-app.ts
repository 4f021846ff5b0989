import { INestApplication, LoggerService, LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AmqpMessageBus, BusTransportServer, MessageBus } from '@lienthong/bus';
import { AppError, HttpProblemFilter } from '@lienthong/common';
import { createObservability, Observability, pinoLevelOf, withAppLogger } from '@lienthong/observability';
import type { DestinationStream } from 'pino';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeConfig } from './config/node-config';
import { NodeModule } from './node.module';
import type { AxisClient } from './ports/axis-client';
import { AgenciesService } from './services/agencies.service';
import { DEFAULT_VDXP_BASE_PATH, normalizeBasePath, VDXP_MAX_HEADER_BYTES } from './vdxp/vdxp.controller';

export interface NodeAppOverrides {
  /** A bus the caller owns (and closes); default: RabbitMQ at AMQP_URL, closed with the app. */
  bus?: MessageBus;
  axisClient?: AxisClient;
  /** Nest's option as tests pass it (`['error']`, `false`): sets the level of the JSON logs. */
  logger?: LoggerService | LogLevel[] | false;
  /** Where the JSON log lines go (default: standard output); tests collect them. */
  logDestination?: DestinationStream;
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
export function startNodeApp(config: NodeConfig, overrides: NodeAppOverrides = {}): Promise<RunningNode> {
  const observability = createObservability({
    app: 'node',
    level: pinoLevelOf(overrides.logger, config.logLevel ?? 'info'),
    bindings: { node: config.nodeId },
    ...(overrides.logDestination ? { destination: overrides.logDestination } : {}),
  });
  // What the node starts (broker connection, consumers, relay, timers) logs as this node, even
  // when other apps share the process (tests, the sandbox).
  return withAppLogger(observability.logger, () => startNodeAppWith(config, overrides, observability));
}

async function startNodeAppWith(
  config: NodeConfig,
  overrides: NodeAppOverrides,
  observability: Observability,
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
        observability,
        ...(overrides.axisClient ? { axisClient: overrides.axisClient } : {}),
      }),
      {
        logger:
          typeof overrides.logger === 'object' && !Array.isArray(overrides.logger)
            ? overrides.logger
            : observability.nestLogger,
        abortOnError: false,
      },
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
    serveVdxpRaw(app, config.vdxpBasePath ?? DEFAULT_VDXP_BASE_PATH);
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

/**
 * The official VPCP SDK's protocol (apps/node/src/vdxp): its adapter reads request bodies itself,
 * after checking the signature, so Nest's JSON parser must not answer a malformed body first; and
 * the SDK sends every parameter twice as headers (a long `to` list too), so headers may take 64 KiB.
 */
function serveVdxpRaw(app: INestApplication, basePath: string): void {
  app.use(normalizeBasePath(basePath), (request: IncomingMessage, _response: unknown, next: () => void) => {
    delete request.headers['content-type'];
    next();
  });
  // The server reads this option at each new connection (Node's maxHeaderSize server option).
  const server = app.getHttpServer() as Server & { maxHeaderSize?: number };
  server.maxHeaderSize = Math.max(server.maxHeaderSize ?? 0, VDXP_MAX_HEADER_BYTES);
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
