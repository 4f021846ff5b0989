import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DataSource } from 'typeorm';
import { Transaction, TransactionRunner } from '../transaction';

@Injectable()
export class TypeormTransactionRunner extends TransactionRunner {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(manager));
  }

  snapshot<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', (manager) => work(manager));
  }
}
