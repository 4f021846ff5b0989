import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { TopologyModule } from '../topology/topology.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { TraceConsumer } from './trace.consumer';
import { TrackingService } from './tracking.service';

@Module({
  imports: [TopologyModule, NodesModule],
  controllers: [DeliveriesController],
  providers: [TrackingService, DeliveriesService, TraceConsumer],
  // Readiness asks whether the trace queue is consumed.
  exports: [TraceConsumer],
})
export class TrackingModule {}
