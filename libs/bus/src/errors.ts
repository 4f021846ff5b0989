/** Base of every error the bus raises, so callers can tell bus trouble from their own. */
export class BusError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bus was closed by its owner; nothing will succeed any more. */
export class BusClosedError extends BusError {
  constructor() {
    super('message bus is closed');
  }
}

/**
 * The broker could not be reached, or the connection or channel dropped before the broker
 * confirmed. The message may or may not have been stored: publish it again with the same id.
 */
export class BusUnavailableError extends BusError {}

/** The broker refused the message (basic.nack), e.g. a queue over its limit with `reject-publish`. */
export class PublishNackedError extends BusError {}

/** No confirm within the configured time (a blocked connection, an overloaded cluster). */
export class PublishTimeoutError extends BusError {}

/** An exchange or queue is missing, or exists with other arguments than this code declares. */
export class TopologyError extends BusError {}
