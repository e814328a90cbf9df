/** Lines kept while the UI is up; older ones are counted and said to be left out. */
const MAX_HELD_LINES = 200;

/**
 * stderr while the terminal UI is up: a line written then would scribble over the screen, so lines
 * are held (the latest is shown in the UI's hint line) and printed once the UI is gone; from then on
 * they go straight to stderr.
 */
export class TuiDiagnostics {
  private held: string[] = [];
  private leftOut = 0;
  private uiUp = true;
  private listener: ((line: string) => void) | undefined;

  constructor(private readonly stderr: NodeJS.WritableStream = process.stderr) {}

  /** The log function to hand to sessions and feeds. */
  readonly log = (line: string): void => {
    if (!this.uiUp) {
      this.stderr.write(`${line}\n`);
      return;
    }
    this.held.push(line);
    if (this.held.length > MAX_HELD_LINES) {
      this.held.shift();
      this.leftOut++;
    }
    this.listener?.(line);
  };

  /** The latest held line, without the "hopscope: " prefix the UI does not need. */
  get latest(): string | undefined {
    const line = this.held.at(-1);
    return line?.replace(/^hopscope: /, '');
  }

  /** Called with every new line while the UI is up (to update the hint). */
  onLine(listener: (line: string) => void): void {
    this.listener = listener;
  }

  /** The UI is gone: print what was held; later lines go straight to stderr. */
  release(): void {
    if (!this.uiUp) return;
    this.uiUp = false;
    this.listener = undefined;
    if (this.leftOut > 0) this.stderr.write(`hopscope: (${this.leftOut} earlier lines left out)\n`);
    for (const line of this.held) this.stderr.write(`${line}\n`);
    this.held = [];
  }
}
