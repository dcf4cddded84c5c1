/**
 * What is wrong with a run's inputs, collected (never the first only) and said in the user's
 * words: each problem names its input as the flag or the profile field its value came from.
 */
import { UsageError } from '../errors.js';
import type { Field, FieldNames } from './runInput.js';

export interface Problem {
  /** The input at fault; absent when the message names the inputs it is about itself. */
  field?: Field;
  /** An item of a list input: `thresholds[1]`. */
  index?: number;
  /** What is wrong and the fix, written to follow the input's name: `-3 must be above 0…`. */
  message: string;
}

/** The one way a problem is said: `--rate -3 must be above 0…` for a flag, `load.rate: -3 must be above 0…` for a profile's field. */
export function renderProblem(problem: Problem, names: FieldNames): string {
  if (problem.field === undefined) return problem.message;
  const name = names.of(problem.field, problem.index);
  if (name === '') return problem.message;
  return names.isFlag(problem.field) ? `${name} ${problem.message}` : `${name}: ${problem.message}`;
}

/** Every problem of one run's inputs, said in one UsageError (exit 2: nothing was sent). */
export class ProblemsError extends UsageError {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** The problems found so far, with the names their inputs go by. */
export class Problems {
  readonly list: Problem[] = [];

  constructor(readonly names: FieldNames) {}

  add(field: Field | undefined, message: string, index?: number): void {
    this.list.push({ ...(field !== undefined && { field }), ...(index !== undefined && { index }), message });
  }

  /**
   * Runs a parse that throws a UsageError for bad input; its message becomes a problem about
   * `field` (or, without one, a message that names its input itself). Other errors go on up.
   */
  check<T>(parse: () => T, field?: Field, index?: number): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.add(field, error.message, index);
      return undefined;
    }
  }

  /** As `check`, for a parse that reads a file or a stream. */
  async checkAsync<T>(parse: () => Promise<T>, field?: Field): Promise<T | undefined> {
    try {
      return await parse();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.add(field, error.message);
      return undefined;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  rendered(): string[] {
    return this.list.map((problem) => renderProblem(problem, this.names));
  }

  throwIfAny(): void {
    if (!this.empty) throw new ProblemsError(this.rendered());
  }
}
