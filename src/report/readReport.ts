/** A saved report read back (`lambench report`): checked enough that every renderer can trust its shape. */
import { readFile } from 'node:fs/promises';
import { UsageError, messageOf } from '../errors.js';
import { SCHEMA_VERSION, type ReportDocument } from './reportDocument.js';

function reportLineIn(text: string): unknown {
  const found = text
    .split('\n')
    .filter((line) => line.startsWith('{"schemaVersion"'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
  return found.length === 1 ? found[0] : undefined;
}

export async function readReport(path: string): Promise<ReportDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read report '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : messageOf(error)}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // A captured log (kubectl logs, CloudWatch) mixes the --json line with notes from stderr: the one report line is taken.
    document = reportLineIn(text);
    if (document === undefined) throw new UsageError(`'${path}' is not JSON (${messageOf(error)}): give a report written by lambench bench --out, or a log holding one --json line`);
  }
  const report = document as Partial<ReportDocument> | null;
  if (report === null || typeof report !== 'object' || typeof report.schemaVersion !== 'number' || !Array.isArray(report.phases)) {
    throw new UsageError(`'${path}' is not a lambench report (no schemaVersion or phases): give a file written by lambench bench --out`);
  }
  if (report.schemaVersion > SCHEMA_VERSION) {
    throw new UsageError(`'${path}' has schemaVersion ${report.schemaVersion}, newer than this lambench reads (${SCHEMA_VERSION}): upgrade lambench`);
  }
  for (const [index, phase] of report.phases.entries()) {
    if (!phase || typeof phase !== 'object' || typeof phase.name !== 'string' || typeof phase.histograms?.latency !== 'string' || typeof phase.outcomes !== 'object') {
      throw new UsageError(`'${path}': phases[${index}] is not a phase of a lambench report (name, outcomes and histograms are needed)`);
    }
  }
  return { thresholds: [], interrupted: false, ...report } as ReportDocument;
}
