import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Transactor, Tx } from '../transactor';

@Injectable()
export class TypeOrmTransactor extends Transactor {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
