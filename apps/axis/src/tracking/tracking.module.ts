import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { TraceConsumer } from './trace.consumer';
import { TrackingService } from './tracking.service';

@Module({
  imports: [TopologyModule],
  controllers: [DeliveriesController],
  providers: [TrackingService, DeliveriesService, TraceConsumer],
})
export class TrackingModule {}
