/**
 * What a run created in the account to observe its destinations (a queue, a subscription, a rule,
 * its targets), so that every exit path removes it: each entry is removed in the reverse order of
 * its creation, and one that cannot be removed is said with the exact command that removes it by
 * hand. Whatever is left (a process killed outright) `lambench cleanup` finds by its name.
 */
import { messageOf } from '../errors.js';

interface Entry {
  /** `queue lambench-…-sns`, as said to the user. */
  what: string;
  /** The AWS CLI command that removes it by hand. */
  byHand: string;
  remove: () => Promise<void>;
}

export class TempResources {
  private readonly entries: Entry[] = [];
  private removing: Promise<string[]> | undefined;

  add(what: string, byHand: string, remove: () => Promise<void>): void {
    this.entries.push({ what, byHand, remove });
  }

  /**
   * Removes everything, last created first; resolves to one line per thing not removed (what, why,
   * and the command to remove it by hand), also said through `warn`. Called twice, it removes once.
   */
  removeAll(warn: (message: string) => void): Promise<string[]> {
    this.removing ??= (async () => {
      const failures: string[] = [];
      for (const entry of this.entries.splice(0).reverse()) {
        try {
          await entry.remove();
        } catch (error) {
          const line = `could not remove ${entry.what} (${messageOf(error)}): remove it with: ${entry.byHand}`;
          failures.push(line);
          warn(line);
        }
      }
      return failures;
    })();
    return this.removing;
  }
}
