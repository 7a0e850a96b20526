/**
 * Match one compiled pattern against one event, as EventBridge does.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
import type { Branch, FieldCondition } from './compile';
import { flattenEvent, trailsAgree, type ArrayTrail, type FlatLeaf } from './flatten';
import { matchValue } from './matchers';

/**
 * True when some branch of the pattern matches the flattened event.
 * @param leaves output of `flattenEvent` (it may be restricted to the pattern's paths).
 */
export function matchBranches(branches: readonly Branch[], leaves: Map<string, FlatLeaf[]>): boolean {
  for (const branch of branches) if (matchBranch(branch, leaves)) return true;
  return false;
}

/** Leaves of a field that satisfy it; `null` when the field is satisfied by the field's absence. */
function candidates(field: FieldCondition, leaves: Map<string, FlatLeaf[]>): FlatLeaf[] | null {
  const present = leaves.get(field.path);
  if (!present || present.length === 0) {
    return field.matchers.some((m) => m.kind === 'exists' && !m.value) ? null : [];
  }
  const out: FlatLeaf[] = [];
  for (const leaf of present) {
    for (const m of field.matchers) {
      if (m.kind === 'exists' ? m.value : matchValue(m, leaf.value)) {
        out.push(leaf);
        break;
      }
    }
  }
  return out;
}

function matchBranch(branch: Branch, leaves: Map<string, FlatLeaf[]>): boolean {
  const pending: FlatLeaf[][] = [];
  let needsArrays = false;
  for (const field of branch) {
    const found = candidates(field, leaves);
    if (found === null) continue;
    if (found.length === 0) return false;
    if (found.some((l) => l.trail.length > 0)) needsArrays = true;
    pending.push(found);
  }
  if (!needsArrays || pending.length < 2) return true;
  // Choose one leaf per field so that no two come from different elements of one array.
  pending.sort((a, b) => a.length - b.length);
  const chosen: ArrayTrail[] = [];
  const search = (i: number): boolean => {
    if (i === pending.length) return true;
    for (const leaf of pending[i]) {
      if (chosen.every((t) => trailsAgree(t, leaf.trail))) {
        chosen.push(leaf.trail);
        if (search(i + 1)) return true;
        chosen.pop();
      }
    }
    return false;
  };
  return search(0);
}

export { flattenEvent };
