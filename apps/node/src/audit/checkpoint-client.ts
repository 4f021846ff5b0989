import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_AXIS_PATHS, CheckpointRecord, CheckpointRequest } from '@lienthong/audit';
import { AppError } from '@lienthong/common';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';

const TIMEOUT_MS = 30_000;

/**
 * The axis's checkpoint endpoint. AppError `conflict` with the axis's code when it refuses
 * (CHECKPOINT_OUT_OF_STEP with `details.lastSeq`, CHECKPOINT_MISMATCH), `unavailable` when unreachable.
 */
export abstract class CheckpointClient {
  abstract checkpoint(request: CheckpointRequest): Promise<CheckpointRecord>;
}

@Injectable()
export class HttpCheckpointClient extends CheckpointClient {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {
    super();
  }

  async checkpoint(request: CheckpointRequest): Promise<CheckpointRecord> {
    let response: Response;
    try {
      response = await fetch(`${this.config.axisUrl}${AUDIT_AXIS_PATHS.checkpoints}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new AppError(
        'unavailable',
        'AXIS_UNAVAILABLE',
        `The axis cannot be reached: ${(error as Error).message}`,
      );
    }
    if (response.ok) return (await response.json()) as CheckpointRecord;
    const body = (await response.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
      details?: Record<string, unknown>;
    };
    const message = `The axis refused the audit checkpoint: ${body.message ?? `HTTP ${response.status}`}`;
    if (response.status === 403) throw AppError.forbidden(body.code ?? 'CHECKPOINT_NOT_AUTHORIZED', message);
    if (response.status === 409 || response.status === 422) {
      throw AppError.conflict(body.code ?? 'CHECKPOINT_REFUSED', message, body.details);
    }
    throw new AppError('unavailable', 'AXIS_UNAVAILABLE', message);
  }
}
