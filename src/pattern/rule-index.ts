/**
 * Many patterns, one event: the ids of the patterns that match.
 * This first version checks each pattern in turn (O(rules) per event) but flattens the event only once.
 */
import type { EventPattern } from './api';
import { flattenEvent, pathPrefixes } from './flatten';
import { matchBranches } from './match';

export class RuleIndex<Id> {
  private readonly rules = new Map<Id, EventPattern>();
  private wanted: Set<string> | undefined;

  /** Add (or replace) the pattern of rule `id`. */
  add(id: Id, pattern: EventPattern): void {
    this.rules.set(id, pattern);
    this.wanted = undefined;
  }

  /** Remove rule `id`; false when it was not there. */
  remove(id: Id): boolean {
    this.wanted = undefined;
    return this.rules.delete(id);
  }

  /** Ids of the rules whose pattern matches `event`, in insertion order. */
  match(event: unknown): Id[] {
    this.wanted ??= pathPrefixes([...this.rules.values()].flatMap((p) => p.paths));
    const leaves = flattenEvent(event, this.wanted);
    const out: Id[] = [];
    for (const [id, p] of this.rules) if (matchBranches(p.branches, leaves)) out.push(id);
    return out;
  }

  get size(): number {
    return this.rules.size;
  }
}
