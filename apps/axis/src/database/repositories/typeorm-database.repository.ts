import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DataSource } from 'typeorm';
import { DatabaseRepository } from '../../health/database.repository';

@Injectable()
export class TypeormDatabaseRepository extends DatabaseRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}
