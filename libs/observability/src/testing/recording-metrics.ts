import type { ExchangeMetrics } from '../metrics/exchange-metrics';

/** An {@link ExchangeMetrics} whose every method is a jest mock, for unit specs that check what is recorded. */
export function recordingMetrics(): jest.Mocked<ExchangeMetrics> {
  return {
    packageSent: jest.fn(),
    packageReceived: jest.fn(),
    packageRejected: jest.fn(),
    packageFailed: jest.fn(),
    publishConfirmed: jest.fn(),
    consumerSettled: jest.fn(),
    signatureVerified: jest.fn(),
    observeOutbox: jest.fn(),
    observeCertificates: jest.fn(),
  } as unknown as jest.Mocked<ExchangeMetrics>;
}
