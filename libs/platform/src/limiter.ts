/** At most `n` tasks at once: ffmpeg processes, segment emissions (more than the cores or the pool only thrash). */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly n: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // while, not if: a caller arriving between a release and the woken waiter's turn must not push past n.
    while (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
