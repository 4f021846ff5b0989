/** Domain types say "absent" with undefined; columns say it with NULL. */
export function fromNull<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

export function toNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
