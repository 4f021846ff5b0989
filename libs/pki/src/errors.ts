/** Stable codes for PKI operations that cannot proceed. Verification problems are reported, not thrown. */
export type PkiErrorCode =
  | 'KEY_INVALID'
  | 'KEY_PASSPHRASE_REQUIRED'
  | 'KEY_PASSPHRASE_WRONG'
  | 'KEY_CERT_MISMATCH'
  | 'CERT_INVALID'
  | 'CSR_INVALID'
  | 'CRL_INVALID'
  | 'PKCS12_INVALID'
  | 'PKCS12_PASSWORD_WRONG'
  | 'PACKAGE_NOT_EDXML'
  | 'PACKAGE_ALREADY_SIGNED'
  | 'PACKAGE_SENDER_MISMATCH';

export class PkiError extends Error {
  override readonly name = 'PkiError';

  constructor(
    readonly code: PkiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
