/**
 * The load shapes of a run's configuration (RunConfig's `load`, runConfig.ts): what the schedulers
 * take and what the report shows. Types (and the one figure both the run and the report's wording
 * need), below load and report alike, so neither imports the other.
 */

/**
 * After Ctrl-C, or after a phase's duration is over, how long calls already sent may take to
 * answer before they are cut (counted as timeout: Interrupted, or CutAtPhaseEnd).
 */
export const IN_FLIGHT_GRACE_MS = 3_000;

/**
 * How calls are sent. `rampMs`: the measured run starts gently and reaches the full load after
 * this long (open loop: the arrival rate climbs linearly from 0; closed loop: the workers join
 * one after another); the ramp is part of the run's duration and is measured.
 */
export type LoadShape = { kind: 'closed'; concurrency: number; rampMs?: number } | { kind: 'open'; rate: number; maxInFlight: number; rampMs?: number };

/**
 * This thread's or shard's share of a phase: open loop, slots `index`, `index + of`, `index + 2·of`…
 * of the whole schedule; closed loop, the numbers its calls take (so {{seq}} never overlaps).
 */
export interface ScheduleShare {
  index: number;
  of: number;
}

/** `--shard i/n`: this run sends share `index` (1-based, as written) of `of` of the load. */
export interface ShardInfo {
  index: number;
  of: number;
}
