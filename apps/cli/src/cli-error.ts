/** Exit codes the auditor's scripts rely on. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A mistake the user can fix: printed as one sentence, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalid,
  ) {
    super(message);
  }
}
