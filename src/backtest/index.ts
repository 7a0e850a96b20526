/** `patchbay backtest`'s engine: stream CloudTrail history through a catalog and count what would have fired. */
export * from './backtest';
export * from './run';
export * from './render';
