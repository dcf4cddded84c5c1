/**
 * Where a finished report goes, the same for `bench`, `run` and `report`: the JSON file, stdout
 * (table or JSON), .hgrm files and the HTML page (the verdict, as an exit code, is run/verdict.ts).
 * Paths are checked before a run starts, so a long run never ends in an unwritable file (a run's
 * with its configuration, run/runConfig.ts; `report` and `demo` here).
 */
import { writeFile } from 'node:fs/promises';
import { Problems } from '../config/problems.js';
import { flagNames } from '../config/runInput.js';
import type { ReportDocument } from '../report/reportDocument.js';
import { checkOutputFiles } from '../run/outputFiles.js';

export interface ReportOutputArgs {
  out?: string;
  json?: boolean;
  hgrm?: string;
  html?: string;
}

export async function checkOutputs(args: ReportOutputArgs): Promise<void> {
  const problems = new Problems(flagNames);
  await checkOutputFiles(args, problems);
  problems.throwIfAny();
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
