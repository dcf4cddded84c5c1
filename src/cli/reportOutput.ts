/**
 * Where a finished report goes, the same for `bench`, `run` and `report`: the JSON file, stdout
 * (table or JSON), .hgrm files and the HTML page (the verdict, as an exit code, is run/verdict.ts).
 * Paths are checked before a run starts, so a long run never ends in an unwritable file.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { ReportDocument } from '../report/reportDocument.js';

export interface ReportOutputArgs {
  out?: string;
  json?: boolean;
  hgrm?: string;
  html?: string;
}

export async function checkOutputs(args: ReportOutputArgs): Promise<void> {
  if (args.out !== undefined) await checkWritable(args.out, '--out');
  if (args.html !== undefined) await checkWritable(args.html, '--html');
  if (args.hgrm !== undefined) await checkDirectory(args.hgrm, '--hgrm');
}

/** Writes the report wherever asked; the JSON file first, so a failure later still leaves it. Returns the files written. */
export async function emitReport(report: ReportDocument, args: ReportOutputArgs, print: (text: string) => void = (text) => process.stdout.write(text)): Promise<string[]> {
  const written: string[] = [];
  if (args.out !== undefined) {
    await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
    written.push(args.out);
  }
  if (args.json) print(`${JSON.stringify(report)}\n`);
  else {
    const { renderReportTable } = await import('../report/table.js');
    print(renderReportTable(report));
  }
  if (args.hgrm !== undefined) {
    const { writeHgrmFiles } = await import('../report/hgrm.js');
    written.push(...(await writeHgrmFiles(report, args.hgrm)));
  }
  if (args.html !== undefined) {
    const { renderHtmlReport } = await import('../report/html/index.js');
    await writeFile(args.html, renderHtmlReport(report));
    written.push(args.html);
  }
  // Under --json stdout holds the document only: where the files went is said on stderr.
  if (written.length > 0) process.stderr.write(`lambench: wrote ${written.join(', ')}\n`);
  return written;
}

/** The file can be created or overwritten (checked without creating it). */
async function checkWritable(path: string, flag: string): Promise<void> {
  const fail = (why: string) => new UsageError(`${flag} '${path}' cannot be written: ${why}; give a path in a folder you can write to`);
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw fail('it is a folder');
    await access(path, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fail((error as NodeJS.ErrnoException).code ?? String(error));
    try {
      await access(dirname(resolve(path)), constants.W_OK);
    } catch (dirError) {
      throw fail((dirError as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : ((dirError as NodeJS.ErrnoException).code ?? String(dirError)));
    }
  }
}

/** The folder exists and is writable, or can be created (mkdir -p, as writing will). */
async function checkDirectory(path: string, flag: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} '${path}' cannot be used as a folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
