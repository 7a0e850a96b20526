/** Worker thread of a backtest: tally its share of the files, report progress, post the tally. */
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestTally, type BacktestOptions, type BacktestRule } from './backtest';
import type { BacktestFile, WorkerMessage } from './run';

const { files, rules, options } = workerData as { files: BacktestFile[]; rules: BacktestRule[]; options: BacktestOptions };
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

void (async () => {
  try {
    const tally = new BacktestTally(rules, options);
    let filesDone = 0;
    for (const file of files) {
      await tally.addFile(file.path, file.display);
      post({ kind: 'progress', records: tally.data.records, filesDone: ++filesDone });
    }
    post({ kind: 'done', data: tally.data });
  } catch (error) {
    post({ kind: 'error', message: (error as Error).message });
  }
})();
