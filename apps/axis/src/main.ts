import { NestFactory } from '@nestjs/core';
import { AxisModule } from './axis.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AxisModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
}

void bootstrap();
