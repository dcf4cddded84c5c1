/**
 * `.hgrm` files: HdrHistogram's percentile distribution text, which every HdrHistogram plotter
 * reads. One file per phase and histogram (latency, service time, and for a verified async phase
 * the end-to-end delivery time), values in milliseconds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeHistogram } from '../metrics/histogram.js';
import type { ReportDocument } from './reportDocument.js';

export async function writeHgrmFiles(report: ReportDocument, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const phase of report.phases) {
    const histograms: [string, string][] = [
      ['latency', phase.histograms.latency],
      ['service-time', phase.histograms.serviceTime],
      ...(phase.delivery?.endToEndHistogram ? [['end-to-end', phase.delivery.endToEndHistogram] as [string, string]] : []),
    ];
    for (const [kind, encoded] of histograms) {
      const histogram = decodeHistogram(encoded);
      if (histogram.totalCount === 0) continue;
      const file = join(dir, `${phase.name}-${kind}.hgrm`);
      // Recorded in µs: scaled by 1000 the distribution reads in ms.
      await writeFile(file, histogram.outputPercentileDistribution(5, 1000));
      written.push(file);
    }
  }
  return written;
}
