import { ServiceUnavailableException } from '@nestjs/common';
import type {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import type { Response } from 'express';

/** A probe that hangs is as bad as one that fails: the orchestrator must get an answer. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * A round trip as a terminus indicator: up when `probe` resolves within the timeout, down with the
 * reason otherwise (what terminus 12's `check().attempt().withTimeout()` does).
 */
export async function probeIndicator<Key extends string>(
  indicators: HealthIndicatorService,
  key: Key,
  probe: () => Promise<unknown>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<HealthIndicatorResult<Key>> {
  const check = indicators.check(key);
  try {
    await withProbeTimeout(probe(), timeoutMs);
    return check.up();
  } catch (error) {
    return check.down({ message: error instanceof Error ? error.message : String(error) });
  }
}

/** `work`, or a rejection when it has not settled within the timeout. */
export function withProbeTimeout<T>(work: Promise<T>, timeoutMs = PROBE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export type ReadinessBody = HealthCheckResult & { statusCode?: 503; code?: 'NOT_READY'; message?: string };

/**
 * Runs terminus's checks. 200 with terminus's body `{ status: 'ok', info, error, details }`; when
 * a check is down, 503 with the same body plus this project's problem fields (`statusCode`,
 * `code: 'NOT_READY'`, `message` naming what is down), so that both terminus-aware tooling and
 * our API clients read it.
 */
export async function checkReadiness(
  health: HealthCheckService,
  indicators: HealthIndicatorFunction[],
  response: Response,
): Promise<ReadinessBody> {
  try {
    return await health.check(indicators);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    const result = error.getResponse() as HealthCheckResult;
    const down = Object.keys(result.error ?? {});
    response.status(503);
    return {
      statusCode: 503,
      code: 'NOT_READY',
      message: `Not ready: ${down.length > 0 ? down.join(', ') : 'a check'} down`,
      ...result,
    };
  }
}
