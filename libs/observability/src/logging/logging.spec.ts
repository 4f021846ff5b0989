import { Controller, Get, Headers, INestApplication, Logger, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createObservability, ObservabilityModule } from '../observability.module';
import { createAppLogger, pinoLevelOf, PinoNestLogger } from './app-logger';
import { addLogContext, currentLogContext, withLogContext } from './log-context';

/** A destination that keeps every line, parsed. */
function capture(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

describe('log context', () => {
  it('follows the work across awaits, children add to it, siblings do not see each other', async () => {
    expect(currentLogContext()).toEqual({});
    expect(addLogContext({ documentId: 'x' })).toBe(false);
    const seen: Record<string, unknown>[] = [];
    await withLogContext({ agency: 'A' }, async () => {
      await Promise.all(
        ['d1', 'd2'].map((documentId) =>
          withLogContext({ messageId: documentId }, async () => {
            await new Promise((resolve) => setImmediate(resolve));
            addLogContext({ documentId, skipped: undefined });
            await Promise.resolve();
            seen.push(currentLogContext());
          }),
        ),
      );
      seen.push(currentLogContext());
    });
    expect(seen).toEqual([
      { agency: 'A', messageId: 'd1', documentId: 'd1' },
      { agency: 'A', messageId: 'd2', documentId: 'd2' },
      { agency: 'A' },
    ]);
  });
});

describe('app logger', () => {
  it('writes JSON lines with the app, the level as a word and the context fields', () => {
    const { stream, lines } = capture();
    const logger = createAppLogger({
      app: 'node',
      bindings: { node: 'n1' },
      destination: stream,
      level: 'info',
    });
    withLogContext({ documentId: 'G22,2026/11/27,1/VPCP', agency: '000.00.00.H41' }, () =>
      logger.info({ attempt: 2 }, 'message will be retried'),
    );
    logger.debug('not at this level');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      app: 'node',
      node: 'n1',
      documentId: 'G22,2026/11/27,1/VPCP',
      agency: '000.00.00.H41',
      attempt: 2,
      msg: 'message will be retried',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('never writes keys, tokens, API keys, bodies or query parameters', () => {
    const { stream, lines } = capture();
    const logger = createAppLogger({ app: 'node', destination: stream });
    const error = Object.assign(new Error('insert failed'), { parameters: ['<edXML secret body>'] });
    logger.warn(
      {
        body: '<edXML secret body>',
        apiKey: 'ltk_secret',
        keyPem: '-----BEGIN PRIVATE KEY-----',
        req: { headers: { authorization: 'Bearer secret-token', 'x-api-key': 'ltk_secret' } },
        agency: { enrollmentToken: 'secret-enrollment', passphrase: 'secret-pass' },
        err: error,
      },
      'something failed',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'secret body',
      'ltk_secret',
      'PRIVATE KEY',
      'secret-token',
      'secret-enrollment',
      'secret-pass',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('insert failed');
  });

  it('censors one level down without touching what the caller logged', () => {
    const { stream, lines } = capture();
    const logger = createAppLogger({ app: 'axis', destination: stream });
    const driverError = { detail: 'Key (package)=(<edXML secret body>)' };
    const error = Object.assign(new Error('duplicate key'), { driverError, code: '23505' });
    const config = { operatorToken: 'secret-operator', caPassphrase: 'secret-ca', port: 3300 };
    const headers = { 'x-api-key': 'ltk_secret', accept: 'application/json' };
    const payload = Buffer.from('<edXML secret body>');
    logger.error({ err: error, config, headers, payload: { size: payload.length }, bytes: payload }, 'failed');

    const [line] = lines;
    expect(JSON.stringify(line)).not.toMatch(/secret-operator|secret-ca|ltk_secret|Key \(package\)/);
    expect(line.config).toEqual({ operatorToken: '[redacted]', caPassphrase: '[redacted]', port: 3300 });
    expect(line.headers).toEqual({ 'x-api-key': '[redacted]', accept: 'application/json' });
    expect(line.err).toMatchObject({ type: 'Error', message: 'duplicate key', code: '23505', driverError: '[redacted]' });
    expect((line.err as { stack: string }).stack).toContain('duplicate key');
    // The caller's objects are unchanged.
    expect(error.driverError).toBe(driverError);
    expect(config.operatorToken).toBe('secret-operator');
    expect(headers['x-api-key']).toBe('ltk_secret');
  });

  it('maps the logger option tests pass today to a level', () => {
    expect(pinoLevelOf(false, 'info')).toBe('silent');
    expect(pinoLevelOf(['error'], 'info')).toBe('error');
    expect(pinoLevelOf(['error', 'warn'], 'info')).toBe('warn');
    expect(pinoLevelOf(['log', 'warn', 'error'], 'warn')).toBe('info');
    expect(pinoLevelOf(undefined, 'debug')).toBe('debug');
  });

  it('takes what Nest loggers pass: strings, static messages with fields, errors and stacks', () => {
    const { stream, lines } = capture();
    const nest = new PinoNestLogger(createAppLogger({ app: 'axis', destination: stream }));
    nest.log('Now hosting 000.00.00.G22', 'AgenciesService');
    nest.warn({ msg: 'message will be retried', reason: 'database down' }, 'InboundService');
    nest.error({ err: new Error('boom') }, 'unhandled error', 'HttpProblemFilter');
    nest.error('cannot start', 'Error: x\n    at main (main.ts:1:1)', 'NestApplication');
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'AgenciesService', 'Now hosting 000.00.00.G22'],
      ['warn', 'InboundService', 'message will be retried'],
      ['error', 'HttpProblemFilter', 'unhandled error'],
      ['error', 'NestApplication', 'cannot start'],
    ]);
    expect(lines[1].reason).toBe('database down');
    expect((lines[2].err as { message: string }).message).toBe('boom');
    expect(lines[3].stack).toContain('at main');
  });
});

describe('ObservabilityModule over HTTP', () => {
  @Controller('documents')
  class DocumentsController {
    private readonly logger = new Logger('DocumentsController');

    @Post()
    submit(@Headers('x-api-key') key: string): { id: string } {
      addLogContext({ documentId: 'DOC-1', agency: '000.00.00.G22' });
      this.logger.log({ msg: 'document submitted', keyLength: key.length });
      return { id: 'DOC-1' };
    }
  }

  @Controller('health')
  class HealthController {
    @Get('live')
    live(): { status: string } {
      return { status: 'ok' };
    }
  }

  let app: INestApplication;
  const { stream, lines } = capture();

  beforeAll(async () => {
    const observability = createObservability({
      app: 'test',
      destination: stream,
      metrics: { defaultMetrics: false },
    });
    @Module({
      imports: [ObservabilityModule.forRoot(observability)],
      controllers: [DocumentsController, HealthController],
    })
    class AppModule {}
    app = await NestFactory.create(AppModule, { logger: observability.nestLogger });
    await app.init();
  });

  afterAll(() => app.close());

  it('logs each request with its id, and the document fields once known, never its headers or body', async () => {
    const res = await request(app.getHttpServer())
      .post('/documents?token=query-secret')
      .set('x-api-key', 'ltk_header_secret')
      .set('authorization', 'Bearer bearer-secret')
      .set('x-request-id', 'req-42')
      .send({ body: 'package-secret' })
      .expect(201);
    expect(res.headers['x-request-id']).toBe('req-42');
    const mine = lines.filter((l) => l.reqId === 'req-42');
    const submitted = mine.find((l) => l.msg === 'document submitted');
    expect(submitted).toMatchObject({
      documentId: 'DOC-1',
      agency: '000.00.00.G22',
      context: 'DocumentsController',
    });
    const completed = lines.find(
      (l) => l.msg === 'request completed' && (l.req as { id: string }).id === 'req-42',
    );
    expect(completed).toMatchObject({
      level: 'info',
      req: { method: 'POST', path: '/documents' },
      res: { statusCode: 201 },
    });
    expect(completed).toHaveProperty('durationMs');
    const text = JSON.stringify(lines);
    for (const secret of ['ltk_header_secret', 'bearer-secret', 'package-secret', 'query-secret']) {
      expect(text).not.toContain(secret);
    }
  });

  it('does not log health probes and scrapes, and serves its own metrics', async () => {
    const before = lines.length;
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const scrape = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(scrape.headers['content-type']).toContain('text/plain');
    expect(scrape.text).toContain('lienthong_documents_sent_total');
    expect(lines.slice(before).filter((l) => l.msg === 'request completed')).toEqual([]);
  });
});
