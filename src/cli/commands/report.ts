/**
 * `lambench report <report.json>`: a saved report rendered again (table, JSON, .hgrm, HTML), compared
 * with another run, or shards merged into the whole run. The verdict is the thresholds', judged
 * again on what is shown (the merged run for shards; the rules given here, if any).
 */
import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import type { ReportDocument } from '../../report/reportDocument.js';
import { notePrinter } from '../callArgs.js';
import { checkOutputs, emitReport, type ReportOutputArgs } from '../reportOutput.js';
import { judge } from '../../run/verdict.js';
import { styleFor } from '../style.js';

export interface ReportArgs extends ReportOutputArgs {
  files?: string[];
  merge?: boolean;
  compare?: string;
  threshold?: string | string[];
}

export async function reportCommand(args: ReportArgs): Promise<void> {
  const files = args.files ?? [];
  if (files.length === 0) throw new UsageError('name a report: lambench report report.json (or --merge a.json b.json … for shards)');
  if (files.length > 1 && !args.merge) throw new UsageError(`${files.length} reports given: add --merge to combine the shards of one run, or give one report (compare two with --compare)`);
  const { readReport } = await import('../../report/readReport.js');
  const { parseThreshold, evaluateThresholds } = await import('../../thresholds/thresholds.js');
  const thresholds = ([] as string[]).concat(args.threshold ?? []).map((text) => parseThreshold(text));
  await checkOutputs(args);
  const inputs = await Promise.all(files.map(async (source) => ({ source, report: await readReport(source) })));
  let report: ReportDocument;
  if (args.merge) {
    const { mergeReports } = await import('../../report/merge.js');
    report = mergeReports(inputs, notePrinter());
  } else report = inputs[0]!.report;
  if (thresholds.length > 0) report = { ...report, thresholds: evaluateThresholds(thresholds, report.phases) };

  if (args.compare !== undefined) {
    const baseline = await readReport(args.compare);
    const { compareReports, renderComparison } = await import('../../report/compare.js');
    const rows = compareReports(report, baseline);
    const names = { report: args.merge ? 'merged' : basename(files[0]!), baseline: basename(args.compare) };
    if (args.json) process.stdout.write(`${JSON.stringify({ report: names.report, baseline: names.baseline, figures: rows })}\n`);
    else {
      const style = styleFor(process.stdout);
      process.stdout.write(renderComparison(rows, names, { better: style.green, worse: style.red, dim: style.dim }));
    }
    await emitReport(report, { ...args, json: false }, () => {});
  } else await emitReport(report, args);
  await judge(report, false);
}
