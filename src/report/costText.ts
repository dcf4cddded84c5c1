/** A phase's cost estimate as text: amounts in dollars, and the one line that says how it was made. */
import type { CostEstimate } from '../metrics/cost.js';

/** US dollars with the digits a small run needs: $0.0010, $1.04, $1,204. */
export function usd(amount: number): string {
  if (amount === 0) return '$0';
  // Two significant digits however small (a short run costs fractions of a cent), never an exponent.
  if (amount < 0.01) return `$${amount.toFixed(Math.min(12, 1 - Math.floor(Math.log10(amount))))}`;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** How the estimate was made, in one line: what it counted, at what prices, and what it leaves out. */
export function costNote(cost: CostEstimate): string {
  const { prices } = cost;
  const sqs = cost.sqsUsd !== undefined ? ` + ${cost.sqsRequests} SQS requests ${usd(cost.sqsUsd)}` : '';
  return `cost ${usd(cost.totalUsd)} = ${cost.invocations} invocations ${usd(cost.requestsUsd)} + ${cost.gbSeconds.toFixed(3)} GB-s ${usd(cost.durationUsd)}${sqs} (${prices.architecture}, $${prices.requestPerMillionUsd}/1M requests, $${prices.gbSecondUsd}/GB-s, ${prices.region} prices of ${prices.date}); ${cost.notes.join('; ')}`;
}
