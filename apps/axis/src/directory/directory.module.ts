import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { TopologyModule } from '../topology/topology.module';
import { AgenciesController } from './agencies.controller';
import { DirectoryController } from './directory.controller';
import { DirectoryService } from './directory.service';

@Module({
  imports: [CertificatesModule, TopologyModule],
  controllers: [AgenciesController, DirectoryController],
  providers: [DirectoryService],
})
export class DirectoryModule {}
