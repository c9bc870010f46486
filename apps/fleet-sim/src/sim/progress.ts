import { SingleBar } from 'cli-progress';

/** A progress bar on stderr when it is a terminal, else a plain line every 10 %. */
export function progressReporter(unit: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    let bar: SingleBar | undefined;
    return {
      update(done, total) {
        if (!bar) {
          bar = new SingleBar({ format: `{bar} {percentage}% | {value}/{total} ${unit} | eta {eta}s`, stream: process.stderr, hideCursor: true });
          bar.start(total, 0);
        }
        bar.update(done);
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
    };
  }
  let lastDecile = -1;
  return {
    update(done, total) {
      const decile = Math.floor((10 * done) / total);
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`progress: ${done}/${total} ${unit} (${decile * 10}%)\n`);
      }
    },
    stop() {},
  };
}
