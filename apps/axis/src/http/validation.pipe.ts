import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '@lienthong/common';

/**
 * DTO validation whose failures leave as 422 VALIDATION_FAILED with every field's complaints,
 * like every other input error; unknown fields are refused, not silently dropped.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = Object.entries(fields)
        .map(([field, problems]) => `${field}: ${problems.join(', ')}`)
        .join('; ');
      return AppError.invalid('VALIDATION_FAILED', `Invalid input: ${summary}`, { fields });
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    Object.assign(fields, flatten(error.children ?? [], path));
  }
  return fields;
}
