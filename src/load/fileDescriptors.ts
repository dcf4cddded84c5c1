/**
 * Every call in flight holds a connection, and every connection a file descriptor. A load above
 * the process's limit (`ulimit -n`) fails its calls with EMFILE, which reads as the network's
 * fault; checked before anything is sent instead. Node has no getrlimit: on Linux the soft limit is
 * read from /proc/self/limits and the descriptors already open from /proc/self/fd; elsewhere (or
 * unreadable) nothing is checked.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Descriptors kept free beyond the connections: the raw file, SQS pollers, DNS, a worker thread's own. */
export const SPARE_DESCRIPTORS = 64;

export interface DescriptorRoom {
  /** The soft limit (`ulimit -n`). */
  limit: number;
  /** Already open when the run was checked. */
  open: number;
}

/** The soft limit and what is open, or undefined where they cannot be read (or there is no limit). */
export async function descriptorRoom(): Promise<DescriptorRoom | undefined> {
  try {
    const limits = await readFile('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+)\s/m.exec(limits);
    if (!match) return undefined;
    const open = (await readdir('/proc/self/fd')).length;
    return { limit: Number(match[1]), open };
  } catch {
    return undefined;
  }
}

/** How many connections the process can still open, with the spares kept. */
export function connectionsAllowed(room: DescriptorRoom): number {
  return Math.max(0, room.limit - room.open - SPARE_DESCRIPTORS);
}

/** The problem with holding `connections` at once (named by `flag`, e.g. `--concurrency 5000`), if any. */
export function descriptorProblem(connections: number, flag: string, room: DescriptorRoom | undefined): string | undefined {
  if (!room || connections <= connectionsAllowed(room)) return undefined;
  const needed = connections + room.open + SPARE_DESCRIPTORS;
  return `${flag} needs about ${needed} open files (one per connection) but this process may open ${room.limit} (ulimit -n): raise it first, e.g. \`ulimit -n ${Math.pow(2, Math.ceil(Math.log2(needed)))}\` in this shell, or ask for at most ${connectionsAllowed(room)} in flight`;
}
