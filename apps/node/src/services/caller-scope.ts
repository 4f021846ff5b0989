import { AppError } from '@lienthong/common';
import type { ApiCaller } from '../domain/api-key';

/**
 * The same answer whether the agency is hosted here or not, so a key of one tenant cannot probe
 * for the others.
 */
export function notPermitted(agency: string): AppError {
  return AppError.forbidden('AGENCY_NOT_PERMITTED', `This API key may not act for ${agency}`);
}

/** The agencies a query covers: all of the caller's, or the one asked for if the caller may. */
export function agenciesInScope(caller: ApiCaller, agency?: string): string[] {
  if (agency === undefined || agency === '') return [...caller.agencies];
  if (!caller.agencies.includes(agency)) throw notPermitted(agency);
  return [agency];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Not a uuid is answered like an unknown uuid. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function documentNotFound(): AppError {
  return AppError.notFound('DOCUMENT_NOT_FOUND', 'There is no such document');
}
