/** Progress for long work: numbered steps on stderr, with the time each took. */
export class StepProgress {
  private step = 0;
  private readonly started = Date.now();
  private stepStarted = Date.now();

  constructor(
    private readonly title: string,
    private readonly total: number,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  next(message: string): void {
    this.step++;
    this.stepStarted = Date.now();
    this.out.write(`[${this.title} ${this.step}/${this.total}] ${message}\n`);
  }

  detail(message: string): void {
    this.out.write(`    ${message} (${((Date.now() - this.stepStarted) / 1000).toFixed(1)} s)\n`);
  }

  done(message: string): void {
    this.out.write(`[${this.title}] ${message} in ${((Date.now() - this.started) / 1000).toFixed(1)} s\n`);
  }
}
