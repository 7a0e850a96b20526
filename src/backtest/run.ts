/**
 * Run a backtest over files, in this thread or in worker threads (one per core by default, when there are
 * several files: a file is the unit of work, each worker keeps its own RuleIndex and tally, the main thread merges).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BacktestTally, finishBacktestReport, type BacktestOptions, type BacktestReport, type BacktestRule, type BacktestTallyData } from './backtest';

/** A file to read, and how reports name it. */
export interface BacktestFile {
  path: string;
  display: string;
}

/** How to run. */
export interface RunBacktestOptions extends BacktestOptions {
  /** Worker threads; 0 or 1 runs in this thread. @default min(cores, files) */
  workers?: number;
  /** Called now and then with the records read so far and the files finished. */
  onProgress?: (progress: { records: number; filesDone: number }) => void;
}

/** Message from a worker. */
export type WorkerMessage = { kind: 'progress'; records: number; filesDone: number } | { kind: 'done'; data: BacktestTallyData } | { kind: 'error'; message: string };

/**
 * Stream every record of `files` through `rules` and report.
 * @example await runBacktest([{ path: '/logs/a.json.gz', display: 'a.json.gz' }], catalog.rules, { since: '2026-11-01' });
 */
export async function runBacktest(files: readonly BacktestFile[], rules: readonly BacktestRule[], options: RunBacktestOptions = {}): Promise<BacktestReport> {
  const { workers: requested, onProgress, ...tallyOptions } = options;
  const workers = Math.max(1, Math.min(requested ?? os.availableParallelism(), files.length));
  if (workers <= 1) {
    const tally = new BacktestTally(rules, tallyOptions);
    let filesDone = 0;
    for (const file of files) {
      await tally.addFile(file.path, file.display);
      onProgress?.({ records: tally.data.records, filesDone: ++filesDone });
    }
    return finishBacktestReport(rules, [tally.data]);
  }
  // Balance by size: largest files first, each to the least loaded worker.
  const shares: BacktestFile[][] = Array.from({ length: workers }, () => []);
  const load = new Array<number>(workers).fill(0);
  const sized = files.map((file, order) => ({ file, order, size: safeSize(file.path) })).sort((a, b) => b.size - a.size || a.order - b.order);
  const orderOf = new Map<BacktestFile, number>();
  for (const { file, order, size } of sized) {
    const w = load.indexOf(Math.min(...load));
    shares[w].push(file);
    load[w] += size;
    orderOf.set(file, order);
  }
  const progress = shares.map(() => ({ records: 0, filesDone: 0 }));
  const results = await Promise.all(
    shares.map(
      (share, w) =>
        new Promise<BacktestTallyData>((resolve, reject) => {
          // Small heaps: a worker holds one record at a time and its tallies, so V8 need not grow (bounded RSS).
          const worker = new Worker(workerEntry(), { workerData: { files: share, rules, options: tallyOptions }, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 } });
          worker.on('message', (message: WorkerMessage) => {
            if (message.kind === 'progress') {
              progress[w] = message;
              onProgress?.(progress.reduce((a, p) => ({ records: a.records + p.records, filesDone: a.filesDone + p.filesDone }), { records: 0, filesDone: 0 }));
            } else if (message.kind === 'done') resolve(message.data);
            else reject(new Error(message.message));
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`backtest worker exited with code ${code}`));
          });
        }),
    ),
  );
  const report = finishBacktestReport(rules, results);
  // Skipped records in file order, whatever worker read them.
  const displayOrder = new Map(files.map((file, i) => [file.display, i]));
  report.skipped.sort((a, b) => (displayOrder.get(a.file) ?? 0) - (displayOrder.get(b.file) ?? 0) || a.index - b.index);
  return report;
}

function safeSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The worker script: beside this module in src/ (loads TypeScript through tsx), or src/backtest from dist/. */
function workerEntry(): string {
  const beside = path.join(__dirname, 'worker-entry.js');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../src/backtest/worker-entry.js');
}
