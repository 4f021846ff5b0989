import { NestFactory } from '@nestjs/core';
import { NodeModule } from './node.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(NodeModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3100), process.env.HOST ?? '127.0.0.1');
}

void bootstrap();
