import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { BusRepository } from '../bus/bus.repository';
import { AgencyRepository } from '../directory/agency.repository';

/** The axis owns the bus topology: the core exchanges and queues, and one inbox per agency. */
@Injectable()
export class TopologyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TopologyService.name);
  private core?: Promise<void>;

  constructor(
    private readonly bus: BusRepository,
    private readonly agencies: AgencyRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureCore();
    // Idempotent, so a queue lost with a broker (or an agency registered while it was down) comes back.
    const agencies = await this.agencies.list();
    for (const agency of agencies) await this.bus.declareAgencyQueue(agency.code);
    this.logger.log({ msg: 'bus topology asserted', agencies: agencies.length });
  }

  /** Once per process: every consumer and agency queue needs it first. */
  ensureCore(): Promise<void> {
    this.core ??= this.bus.declareCoreTopology().catch((error: unknown) => {
      this.core = undefined;
      throw error;
    });
    return this.core;
  }

  async provisionAgency(code: string): Promise<void> {
    try {
      await this.ensureCore();
      await this.bus.declareAgencyQueue(code);
    } catch (error) {
      this.logger.error({
        msg: 'cannot declare the agency queue',
        agency: code,
        reason: (error as Error).message,
      });
      throw new AppError('unavailable', 'BUS_UNAVAILABLE', 'The message bus cannot be reached; try again');
    }
  }
}
