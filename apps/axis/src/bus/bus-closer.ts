import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { MessageBus } from '@lienthong/bus';

/** The bus this app connected itself (null when the caller passed one in and owns it). */
export const OWNED_BUS = Symbol('OwnedBus');

@Injectable()
export class BusCloser implements OnApplicationShutdown {
  constructor(@Inject(OWNED_BUS) private readonly owned: MessageBus | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.owned?.close();
  }
}
