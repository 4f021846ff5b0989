import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { AXIS_PATHS, DirectoryEntry, EnrollRequest, EnrollResponse } from '@lienthong/protocol';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { AxisClient } from './axis-client';

const TIMEOUT_MS = 10_000;

/** The axis over HTTP, with the global fetch. */
@Injectable()
export class HttpAxisClient extends AxisClient {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {
    super();
  }

  async enroll(request: EnrollRequest): Promise<EnrollResponse> {
    const response = await this.call(AXIS_PATHS.enroll, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (response.status >= 400 && response.status < 500) {
      const problem = await readProblem(response);
      throw AppError.invalid(
        'ENROLLMENT_REFUSED',
        `The axis refused the enrollment: ${problem.message ?? `HTTP ${response.status}`}`,
        problem.code ? { axisCode: problem.code } : undefined,
      );
    }
    await this.assertOk(response, 'enrollment');
    const body = (await response.json()) as Partial<EnrollResponse>;
    if (
      typeof body.agencyCode !== 'string' ||
      typeof body.certificatePem !== 'string' ||
      typeof body.caCertificatePem !== 'string'
    ) {
      throw unavailable('The axis answered the enrollment with an unexpected body');
    }
    return {
      agencyCode: body.agencyCode,
      certificatePem: body.certificatePem,
      caCertificatePem: body.caCertificatePem,
    };
  }

  async directory(): Promise<DirectoryEntry[]> {
    const response = await this.call(AXIS_PATHS.directory);
    await this.assertOk(response, 'directory');
    const body: unknown = await response.json();
    if (!Array.isArray(body)) throw unavailable('The axis directory is not a list');
    return body.filter(
      (e): e is DirectoryEntry => typeof e === 'object' && e !== null && typeof e.code === 'string',
    );
  }

  async caCertificates(): Promise<string> {
    const response = await this.call(AXIS_PATHS.caCertificate);
    await this.assertOk(response, 'CA certificate');
    return response.text();
  }

  async crl(): Promise<string | undefined> {
    const response = await this.call(AXIS_PATHS.crl);
    if (response.status === 404) return undefined;
    await this.assertOk(response, 'CRL');
    return response.text();
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.config.axisUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw unavailable(`The axis at ${this.config.axisUrl} cannot be reached: ${(error as Error).message}`);
    }
  }

  private async assertOk(response: Response, what: string): Promise<void> {
    if (response.ok) return;
    const problem = await readProblem(response);
    throw unavailable(
      `The axis failed to serve the ${what}: ${problem.message ?? `HTTP ${response.status}`}`,
    );
  }
}

function unavailable(message: string): AppError {
  return new AppError('unavailable', 'AXIS_UNAVAILABLE', message);
}

async function readProblem(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown };
    return {
      ...(typeof body.code === 'string' ? { code: body.code } : {}),
      ...(typeof body.message === 'string' ? { message: body.message.slice(0, 500) } : {}),
    };
  } catch {
    return {};
  }
}
