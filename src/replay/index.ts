/**
 * Replaying archived events to a bus's rules (`patchbay replay`), and the replay opt-out of event patterns.
 *
 * - planReplay(request) -> ReplayPlan                    pure: names, ARNs, time window; throws ReplayError
 * - runReplay(client, plan, options) -> ReplayOutcome    StartReplay, then DescribeReplay until final; cancels on abort
 * - excludeReplays(pattern) -> pattern                   adds "replay-name": [{"exists": false}]
 * - archiveName / replayName / eventBusArn / ruleArn …   one place for the names the compiler deploys
 *
 * ## Replay opt-out
 * A replay sends archived events to the bus again, and every rule it names notifies again: fine for a rule that
 * feeds a dashboard, not for one that pages someone. A rule opts out with `excludeReplays: true` in its pattern
 * file; the catalog applies {@link excludeReplays}, so the deployed pattern gets `"replay-name": [{ "exists": false }]`
 * at the top level:
 * ```yaml
 * excludeReplays: true          # page on live events only
 * pattern:
 *   source: [aws.signin]
 * ```
 * EventBridge sets `replay-name` on every replayed event and never on a live one, so the rule keeps matching live
 * events and ignores replayed ones, in every branch of a top-level `$or` too. Naming such a rule in `--rules` is
 * pointless: it will not match anything the replay sends.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 */
export * from './errors';
export * from './names';
export * from './replay';
