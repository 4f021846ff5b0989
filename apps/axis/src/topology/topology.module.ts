import { Module } from '@nestjs/common';
import { TopologyService } from './topology.service';
import { TrustNotifier } from './trust-notifier';

@Module({ providers: [TopologyService, TrustNotifier], exports: [TopologyService, TrustNotifier] })
export class TopologyModule {}
