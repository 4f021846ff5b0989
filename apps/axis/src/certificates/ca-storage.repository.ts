/** Where the CA's key and certificate live between starts. */
export abstract class CaStorageRepository {
  /** Either file may be missing. */
  abstract read(dir: string): Promise<{ keyPem?: string; certPem?: string }>;

  /** Refuses to overwrite anything: a CA key is never replaced silently. */
  abstract writeNew(dir: string, files: { keyPem: string; certPem: string }): Promise<void>;

  abstract readText(path: string): Promise<string>;
}
