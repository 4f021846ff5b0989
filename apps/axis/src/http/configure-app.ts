import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpProblemFilter } from '@lienthong/common';
import { OPERATOR_AUTH } from './operator.decorator';
import { createValidationPipe } from './validation.pipe';

export const API_PREFIX = 'api/v1';

/** Everything main.ts and the test harness must set up alike on the HTTP edge. */
export function configureAxisApp(app: INestApplication): void {
  // Audit checkpoints carry the body hashes of every entry since the last one (up to a few MB).
  (app as NestExpressApplication).useBodyParser('json', { limit: '8mb' });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      'health/live',
      'health/ready',
      'metrics',
      // The operators' web dashboard (apps/axis/src/dashboard) lives beside the API, not under it.
      'dashboard',
      'dashboard/{*path}',
    ],
  });
  app.useGlobalFilters(new HttpProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  const openApi = new DocumentBuilder()
    .setTitle('lienthong axis')
    .setDescription(
      'Directory of agencies, certificate authority and CRL, delivery tracking. Operator routes need ' +
        'the operator bearer token; node routes (enroll, directory, ca.pem, crl.pem) do not.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, OPERATOR_AUTH)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
}
