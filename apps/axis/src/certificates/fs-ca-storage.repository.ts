import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { CaStorageRepository } from './ca-storage.repository';

const KEY_FILE = 'ca.key.pem';
const CERT_FILE = 'ca.cert.pem';

@Injectable()
export class FsCaStorageRepository extends CaStorageRepository {
  async read(dir: string): Promise<{ keyPem?: string; certPem?: string }> {
    const [keyPem, certPem] = await Promise.all([
      readOptional(join(dir, KEY_FILE)),
      readOptional(join(dir, CERT_FILE)),
    ]);
    return { keyPem, certPem };
  }

  async writeNew(dir: string, files: { keyPem: string; certPem: string }): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // 'wx': two processes starting on one empty directory cannot both make a CA; the loser fails.
    await writeFile(join(dir, KEY_FILE), files.keyPem, { flag: 'wx', mode: 0o600 });
    await writeFile(join(dir, CERT_FILE), files.certPem, { flag: 'wx', mode: 0o644 });
  }

  readText(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
