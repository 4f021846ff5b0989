import { AppError } from '@lienthong/common';

/** Opaque to clients, so the paging key can change without breaking them. */
export function encodeCursor(seq: bigint): string {
  return Buffer.from(`d:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): bigint {
  const match = /^d:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw AppError.invalid('CURSOR_INVALID', 'The cursor is not one this API handed out', {
      field: 'cursor',
    });
  return BigInt(match[1]);
}
