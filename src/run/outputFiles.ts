/**
 * The files a report is written to (`--out`, `--html`, `--hgrm` or a profile's `output`), checked
 * before a run starts, so a long run never ends in an unwritable file.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Problems } from '../config/problems.js';

export interface OutputFiles {
  out?: string;
  html?: string;
  hgrm?: string;
}

/** Each file can be created or overwritten (checked without creating it); the .hgrm folder exists or can be made. */
export async function checkOutputFiles(files: OutputFiles, problems: Problems): Promise<void> {
  for (const field of ['out', 'html'] as const) {
    const path = files[field];
    const why = path === undefined ? undefined : await unwritable(path);
    if (why) problems.add(field, `'${path}' cannot be written: ${why}; give a path in a folder you can write to`);
  }
  if (files.hgrm !== undefined) {
    try {
      await mkdir(files.hgrm, { recursive: true });
      await access(files.hgrm, constants.W_OK);
    } catch (error) {
      problems.add('hgrm', `'${files.hgrm}' cannot be used as a folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}

/** Why the file cannot be created or overwritten, if it cannot. */
async function unwritable(path: string): Promise<string | undefined> {
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'it is a folder';
    await access(path, constants.W_OK);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return (error as NodeJS.ErrnoException).code ?? String(error);
    try {
      await access(dirname(resolve(path)), constants.W_OK);
      return undefined;
    } catch (dirError) {
      return (dirError as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : ((dirError as NodeJS.ErrnoException).code ?? String(dirError));
    }
  }
}
