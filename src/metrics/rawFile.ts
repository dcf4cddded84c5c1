/**
 * The `--raw` NDJSON file: every call's line, streamed to disk as the run goes. Lines are batched
 * (a write per 64 KB or per 100 ms, not per call: one `stream.write` per line cost about as much
 * CPU as the call itself at 50,000 calls/s). Nothing is ever dropped: when the disk is slower than
 * the calls, lines wait in memory, and the user is told once how far behind the file is.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { UsageError } from '../errors.js';

const BATCH_CHARS = 64 * 1024;
const FLUSH_EVERY_MS = 100;
/** Unwritten bytes that earn a note: the disk is not keeping up. */
export const RAW_BACKLOG_NOTE_BYTES = 64 * 1024 * 1024;

export class RawFile {
  private pending = '';
  private warned = false;
  /** The first write that failed (a full disk…): said once; the run and its report go on. */
  private failed: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly stream: WriteStream,
    private readonly path: string,
    private readonly note: (message: string) => void,
    private readonly backlogNoteBytes: number,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
    stream.on('error', this.onError);
  }

  // A write's own callback hears of its failure before the stream's 'error' event (and before end()'s callback).
  private readonly onError = (error: Error | null | undefined): void => {
    if (!error || this.failed) return;
    this.failed = error;
    this.note(`the raw file ${this.path} could not be written (${(error as NodeJS.ErrnoException).code ?? error.message}): the lines from here on are not in it; the report still counts every call`);
  };

  /** Opens (truncates) the file; a path that cannot be written is a usage error, before anything is sent. */
  static async open(path: string, note: (message: string) => void, backlogNoteBytes = RAW_BACKLOG_NOTE_BYTES): Promise<RawFile> {
    const stream = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      const refuse = (error: Error) => reject(new UsageError(`--raw '${path}' cannot be written: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
      stream.once('error', refuse);
      stream.once('open', () => {
        stream.off('error', refuse);
        resolve();
      });
    });
    return new RawFile(stream, path, note, backlogNoteBytes);
  }

  /** Appends whole lines (each ending in a newline). */
  readonly write = (lines: string): void => {
    this.pending += lines;
    if (this.pending.length >= BATCH_CHARS) this.flush();
  };

  /** Bytes handed to the file but not yet on disk. */
  get backlogBytes(): number {
    return this.stream.writableLength;
  }

  private flush(): void {
    if (this.pending === '') return;
    if (this.failed) {
      this.pending = '';
      return;
    }
    this.stream.write(this.pending, this.onError);
    this.pending = '';
    if (!this.warned && this.stream.writableLength >= this.backlogNoteBytes) {
      this.warned = true;
      const mb = Math.round(this.stream.writableLength / (1024 * 1024));
      this.note(`the raw file ${this.path} is ${mb} MB behind the calls: the disk is slower than the run, so its lines wait in memory until written (none is dropped)`);
    }
  }

  /** Writes what is pending and closes the file (resolves once it is on disk, or once a failure was said). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    if (this.failed || this.stream.destroyed) return;
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}
