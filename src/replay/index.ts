/**
 * Replaying archived events to a bus's rules (`patchbay replay`), and the replay opt-out of event patterns.
 *
 * - planReplay(request) -> ReplayPlan                    pure: names, ARNs, time window; throws ReplayError
 * - runReplay(client, plan, options) -> ReplayOutcome    StartReplay, then DescribeReplay until final; cancels on abort
 * - excludeReplays(pattern) -> pattern                   adds "replay-name": [{"exists": false}]
 * - archiveName / replayName / eventBusArn / ruleArn …   one place for the names the compiler deploys
 */
export * from './errors';
export * from './names';
export * from './replay';
