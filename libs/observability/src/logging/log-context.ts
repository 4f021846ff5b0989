import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written inside a unit of work carries: the HTTP request, the bus message, the
 * outbox row. Values are identifiers (never content): `documentId` (the edXML DocumentId),
 * `documentUuid`, `agency` (the agency the work is for), `messageId`, `reqId`...
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

interface Store {
  fields: LogFields;
  /** The app this work belongs to (several Nest apps may share a process: tests, the sandbox). */
  logger?: unknown;
}

const storage = new AsyncLocalStorage<Store>();

/**
 * Runs `fn` in a child context: the current fields plus `fields`. Every line logged while it runs,
 * across awaits, carries them; what `fn` adds with {@link addLogContext} stays in the child.
 * This is the context for work outside an HTTP request (bus handlers, the outbox relay), where
 * nestjs-pino's request-scoped `PinoLogger.assign` does not reach.
 */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  const parent = storage.getStore();
  return storage.run({ fields: { ...parent?.fields, ...defined(fields) }, logger: parent?.logger }, fn);
}

/**
 * Runs `fn` (and everything it starts: timers, connections, consumers) as a new unit of work of the
 * app whose logger this is, with no fields yet. Nest's `Logger` is one per process; inside this
 * context its lines go to this app's logger, so that each line names the right app even when
 * several share a process (tests, the sandbox). Entry points use it: app start, each HTTP
 * request, each bus delivery (the in-process bus delivers in the context of the publisher).
 */
export function withAppLogger<T>(logger: unknown, fn: () => T): T {
  return storage.run({ fields: {}, logger }, fn);
}

/**
 * Adds fields to the current context (the request or message being handled), for the lines that
 * follow, e.g. once the document id is known. False when there is no context (nothing to add to).
 */
export function addLogContext(fields: LogFields): boolean {
  const store = storage.getStore();
  if (!store) return false;
  Object.assign(store.fields, defined(fields));
  return true;
}

/** The current fields (a copy); `{}` outside any context. Cheap: called for every log line. */
export function currentLogContext(): LogFields {
  const store = storage.getStore();
  return store ? { ...store.fields } : {};
}

/** The logger of the app the current work belongs to, if it was set ({@link withAppLogger}). */
export function contextLogger<T>(): T | undefined {
  return storage.getStore()?.logger as T | undefined;
}

function defined(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined && value !== '') out[key] = value;
  return out;
}
