/**
 * Many patterns, one event: the ids of the rules whose pattern matches, without trying every rule.
 *
 * Design (in the spirit of aws/event-ruler, which compiles all rules into one automaton so that the cost
 * of an event follows the event, not the number of rules):
 *
 * - **Predicates.** Each pattern is compiled (compile.ts) into an OR of AND-branches of field conditions.
 *   Equal conditions on one path are one *predicate*, shared by every branch that states it:
 *   `source: ["aws.ec2"]` is one predicate however many rules say it. Per event, a predicate is decided
 *   at most once, and its state lives in typed arrays indexed by predicate id.
 * - **Groups.** Rules whose patterns have equal branches (however the JSON is written) share one *group*: one
 *   slot, indexed and verified once per event; a matched group yields its members, merged by insertion order.
 *   Generated CloudTrail catalogs repeat patterns (100,000 rules of the shared workload are 21,396 groups).
 * - **Per-path indexes** (routing/path-index.ts) map a leaf value to the predicates that accept it: exact
 *   values in a map keyed by the JSON value; prefixes and suffixes in character tries; `equals-ignore-case`
 *   (also as prefix/suffix) under case-folded forms; numeric ranges and CIDR blocks in interval indexes
 *   over sorted boundaries (routing/interval-index.ts); `exists: true` as "present"; wildcards through
 *   their literal head or tail (a candidate, then confirmed). A plain `anything-but` is indexed by
 *   exclusion: each excluded value maps to the predicates it defeats, and a predicate holds when fewer of
 *   the field's leaves defeat it than the field has — so `anything-but` costs nothing per rule.
 * - **Lazy predicates** — conditions holding `exists: false`, or `anything-but` on prefixes, suffixes,
 *   case-folded values or wildcards, or such an operator beside others — are evaluated with the
 *   single-pattern semantics (`matchValue`) when a branch needs them, once per event however many rules
 *   share them.
 * - **Keys.** Each branch is triggered by one *key* predicate: the one estimated to hold for the fewest
 *   events, from statistics of all rules (an exact value on a path where rules name D distinct values
 *   counts 1/(D+1); a prefix the share of those values it covers; a range or CIDR block 1/2; presence 1;
 *   an `anything-but` 1.2). `detail-type: ["AWS API Call via CloudTrail"]`, shared by most CloudTrail
 *   rules, is thus never a key, `detail.eventName: ["DeleteTable"]` is. A predicate holding
 *   `exists: false` can hold for an absent field, so it is never a key. Keys are chosen again for all
 *   branches each time the number of rules doubles (amortised O(1) per added rule). The branches keyed
 *   on a predicate are packed in one integer array (branch, rule, the other predicates, most selective
 *   first), so verifying a candidate is a short sequential scan of per-event marks.
 * - **Matching** reads the event's leaves at the indexed paths only (routing/event-leaves.ts), looks each
 *   one up in its path's index and marks the predicates hit; then every branch whose key holds is verified.
 *   When two or more of the branch's fields have leaves inside arrays, the branch is decided by the
 *   single-pattern matcher (`matchBranches`), which keeps fields of one array element together; events
 *   without arrays on the named paths never pay for that. A rule matches once any of its branches does.
 *
 * Residual list, verified for every event: branches whose every condition holds `exists: false` (no key
 * can be true when they match). Results are exactly `matchEventPattern`'s (a differential property test
 * checks it), in insertion order.
 *
 * Changes at run time are incremental: adding a rule costs O(its conditions) plus the amortised re-keying;
 * removing one, O(the lists it sits in); a path's numeric/CIDR interval index is rebuilt (O(n log n) in its
 * distinct ranges) at the first match after a change to it.
 */
import type { EventPattern } from './api';
import type { Branch, FieldCondition } from './compile';
import { textNestsDeeperThan } from './depth';
import { eventTooDeep, flattenEvent, pathPrefixes, type FlatLeaf } from './flatten';
import { matchBranches } from './match';
import type { Leaf, Matcher } from './matchers';
import { EventLeaves } from './routing/event-leaves';
import { PathIndex, PredicateKind } from './routing/path-index';
import { compileCheck, conditionSignature, matcherShare, testLeaf, type Check } from './routing/predicate';

/** Per-event state of a predicate (valid while its stamp is the current epoch). */
const State = { FALSE: 0, TRUE: 1, CANDIDATE: 2 } as const;

interface Predicate {
  readonly id: number;
  readonly signature: string;
  readonly pathId: number;
  readonly kind: PredicateKind;
  readonly matchers: readonly Matcher[];
  readonly check: Check;
  /** Branch conditions stating it. */
  refs: number;
  /** Estimated share of events for which it holds (Infinity: cannot be a key); refreshed when keys are re-chosen. */
  score: number;
  /**
   * The branches keyed on it, packed for a cache-friendly scan: per branch `[branch slot, rule slot, n,
   * …the n other predicate ids, most selective first]`.
   */
  readonly keyed: number[];
}

interface RuleEntry<Id> {
  readonly id: Id;
  /** Insertion order, kept when a rule is replaced. */
  readonly seq: number;
  group: Group<Id>;
}

/**
 * The rules sharing one pattern (equal branches, however written): indexed and verified once, under one slot.
 * `members` are in insertion order.
 */
interface Group<Id> {
  readonly signature: string;
  readonly slot: number;
  readonly branches: number[];
  readonly members: RuleEntry<Id>[];
}

interface BranchInfo {
  readonly conditions: Branch;
  /** `[conditions]`, for `matchBranches`. */
  readonly wrapped: readonly Branch[];
  /** Predicate ids, one per condition. */
  readonly predicates: readonly number[];
  /** Key predicate id, or -1 when the branch is verified for every event. */
  key: number;
}

/** Rule slots below this sort natively by insertion order (see `sortBySeq`). */
const SLOT_RANGE = 2 ** 21;

/** First re-choice of keys; then each time the number of rules doubles. */
const FIRST_REKEY_AT = 64;

/**
 * A set of event patterns, each under an id, matched against events all at once.
 *
 * Matching cost grows with the number of rules an event comes close to matching (rules sharing its most
 * selective value), not with the number of rules. Adding and removing rules is incremental.
 * Results are exactly those of {@link matchEventPattern} for each pattern.
 * @example
 * const index = new RuleIndex<string>();
 * index.add('delete-table', parseEventPattern({ source: ['aws.dynamodb'], detail: { eventName: ['DeleteTable'] } }));
 * index.match({ source: 'aws.dynamodb', detail: { eventName: 'DeleteTable' } }); // ['delete-table']
 * @see https://github.com/aws/event-ruler
 */
export class RuleIndex<Id> {
  private readonly rules = new Map<Id, RuleEntry<Id>>();
  /** Groups by pattern signature; `groupOf[slot]` by slot. */
  private readonly groups = new Map<string, Group<Id>>();
  private groupOf: (Group<Id> | undefined)[] = [];
  /** Groups with more than one member: while 0, a slot stands for exactly one rule. */
  private sharedGroups = 0;
  /** Rule id by insertion order (seq), for expanding groups; scratch keys for their merge. */
  private idOfSeq: Id[] = [];
  private seqKeys = new Float64Array(64);
  /** Per slot: the id and insertion order of its first member (a cache of groupOf[slot].members[0] for the hot path). */
  private ruleIds: Id[] = [];
  private ruleSeq: number[] = [];
  private readonly freeRuleSlots: number[] = [];
  private nextSeq = 0;
  /** False once a freed rule slot is reused: slot order is then no longer insertion order. */
  private slotsInOrder = true;

  private readonly branches: (BranchInfo | undefined)[] = [];
  /** Rule slot of each branch slot. */
  private branchRule = new Int32Array(64);
  private readonly freeBranchSlots: number[] = [];
  /** Branches with no possible key, verified for every event. */
  private readonly always: number[] = [];

  private readonly paths = new Map<string, PathIndex>();
  private readonly pathById: (PathIndex | undefined)[] = [];
  private readonly freePathIds: number[] = [];
  /** LAZY and EXCLUDE predicates that are keys, by path id: decided when the path has a leaf. */
  private readonly presenceKeys: number[][] = [];

  private readonly predicateIds = new Map<string, number>();
  private readonly predicates: (Predicate | undefined)[] = [];
  private readonly freePredicateIds: number[] = [];
  private predicateStamp = new Int32Array(64);
  private predicateState = new Uint8Array(64);
  private predicateKinds = new Uint8Array(64);
  /** 1 when some branch is keyed on the predicate. */
  private predicateIsKey = new Uint8Array(64);
  private predicatePath = new Int32Array(64);
  /** EXCLUDE predicates: how many leaves of the current event they exclude (valid while stamped). */
  private excludeStamp = new Int32Array(64);
  private excludeCount = new Int32Array(64);

  private rekeyAt = FIRST_REKEY_AT;
  private readonly leaves = new EventLeaves();
  private leavesStale = true;
  /** Per-event stamps: a predicate is decided, and a rule reported, once per event. */
  private epoch = 0;
  private ruleSeen = new Int32Array(64);
  private readonly buckets: number[][] = [];
  private readonly triggered: number[] = [];
  private matched = new Int32Array(64);
  private sortKeys = new Float64Array(0);
  /** The event being matched and its flattenEvent form (built only for array-consistency checks). */
  private event: unknown;
  private flat: Map<string, FlatLeaf[]> | undefined;

  /** Number of rules. */
  get size(): number {
    return this.rules.size;
  }

  /**
   * Add the pattern of rule `id`, or replace it (the rule keeps its place in the result order).
   * @param pattern - from {@link parseEventPattern}.
   */
  add(id: Id, pattern: EventPattern): void {
    const existing = this.rules.get(id);
    const seq = existing?.seq ?? this.nextSeq++;
    if (existing !== undefined) {
      this.leaveGroup(existing);
      this.slotsInOrder = false; // the rule keeps its place in the order, maybe not its slot
    }
    const signature = patternSignature(pattern);
    let group = this.groups.get(signature);
    if (group === undefined) group = this.createGroup(signature, pattern);
    else if (group.members.length === 1) this.sharedGroups++;
    const rule: RuleEntry<Id> = { id, seq, group };
    // Members in insertion order (a replaced rule keeps its seq, so it may go before others).
    let at = group.members.length;
    while (at > 0 && group.members[at - 1].seq > seq) at--;
    group.members.splice(at, 0, rule);
    this.idOfSeq[seq] = id;
    this.ruleIds[group.slot] = group.members[0].id;
    this.ruleSeq[group.slot] = group.members[0].seq;
    this.rules.set(id, rule);
    if (this.groups.size >= this.rekeyAt) {
      this.rekeyAll();
      this.rekeyAt = this.groups.size * 2;
    }
  }

  /** Remove rule `id`; false when it was not there. */
  remove(id: Id): boolean {
    const rule = this.rules.get(id);
    if (rule === undefined) return false;
    this.leaveGroup(rule);
    this.rules.delete(id);
    delete this.idOfSeq[rule.seq];
    return true;
  }

  /** Index a new pattern under a fresh slot. */
  private createGroup(signature: string, pattern: EventPattern): Group<Id> {
    const slot = this.allocRuleSlot();
    const group: Group<Id> = { signature, slot, branches: [], members: [] };
    this.groups.set(signature, group);
    this.groupOf[slot] = group;
    for (const conditions of pattern.branches) {
      for (const c of conditions) this.pathIndexOf(c.path).noteCondition(c, 1);
    }
    for (const conditions of pattern.branches) {
      const branch: BranchInfo = { conditions, wrapped: [conditions], predicates: conditions.map((c) => this.acquirePredicate(c)), key: -1 };
      const branchSlot = this.allocBranchSlot();
      this.branches[branchSlot] = branch;
      this.branchRule[branchSlot] = slot;
      group.branches.push(branchSlot);
      this.setKey(branchSlot, this.chooseKey(branch));
    }
    return group;
  }

  /** Take `rule` out of its group; the last member out takes the pattern out of the index. */
  private leaveGroup(rule: RuleEntry<Id>): void {
    const group = rule.group;
    const members = group.members;
    members.splice(members.indexOf(rule), 1);
    if (members.length === 1) this.sharedGroups--;
    if (members.length > 0) {
      this.ruleIds[group.slot] = members[0].id;
      this.ruleSeq[group.slot] = members[0].seq;
      return;
    }
    this.detach(group);
    this.groups.delete(group.signature);
    this.groupOf[group.slot] = undefined;
    this.ruleIds[group.slot] = undefined as Id;
    this.freeRuleSlots.push(group.slot);
  }

  /** True when rule `id` is present. */
  has(id: Id): boolean {
    return this.rules.has(id);
  }

  /**
   * Ids of the rules whose pattern matches `event` (a parsed JSON value), in insertion order.
   * @throws InvalidEventError (`Parameter Event is not valid.`) when an object or array the index reads (on a
   *   path some rule names) is nested deeper than MAX_NESTING_DEPTH (1,000).
   * @example index.match(JSON.parse(line))
   */
  match(event: unknown): Id[] {
    if (this.rules.size === 0) return [];
    if (this.leavesStale) {
      this.leaves.setPaths([...this.paths.values()].map((p) => [p.path, p.id] as const));
      this.leavesStale = false;
    }
    const epoch = this.nextEpoch();
    const leaves = this.leaves;
    leaves.read(event, epoch);
    this.event = event;
    this.flat = undefined;
    const stamp = this.predicateStamp;
    const state = this.predicateState;
    const kinds = this.predicateKinds;
    const isKey = this.predicateIsKey;
    const predicates = this.predicates;
    const triggered = this.triggered;
    const buckets = this.buckets;

    // 1. Mark the predicates the leaves hit; note those that are keys.
    const present = leaves.present;
    for (let i = 0; i < present.length; i++) {
      const pathId = present[i];
      const index = this.pathById[pathId]!;
      const presence = index.presence;
      for (let j = 0; j < presence.length; j++) {
        const p = presence[j];
        stamp[p] = epoch;
        state[p] = State.TRUE;
        if (isKey[p] === 1) triggered.push(p);
      }
      const lazy = this.presenceKeys[pathId];
      for (let j = 0; j < lazy.length; j++) triggered.push(lazy[j]);
      const values = leaves.values[pathId];
      const count = leaves.count[pathId];
      for (let j = 0; j < count; j++) index.collect(values[j], buckets);
      if (index.excluded.size > 0) this.countExclusions(index, values, count, epoch);
      for (let j = 0; j < buckets.length; j++) {
        const bucket = buckets[j];
        for (let k = 0; k < bucket.length; k++) {
          const p = bucket[k];
          if (stamp[p] === epoch) continue;
          stamp[p] = epoch;
          state[p] = kinds[p] === PredicateKind.FILTER ? State.CANDIDATE : State.TRUE;
          if (isKey[p] === 1) triggered.push(p);
        }
      }
      if (buckets.length > 0) buckets.length = 0;
    }

    // 2. Verify the branches whose key holds.
    const matched = this.matched;
    let count = 0;
    const ruleSeen = this.ruleSeen;
    const branchRule = this.branchRule;
    for (let i = 0; i < triggered.length; i++) {
      const p = triggered[i];
      if (!this.holds(p)) continue;
      const keyed = predicates[p]!.keyed;
      let j = 0;
      while (j < keyed.length) {
        const b = keyed[j];
        const r = keyed[j + 1];
        const end = j + 3 + keyed[j + 2];
        j += 3;
        if (ruleSeen[r] === epoch) {
          j = end;
          continue;
        }
        // The other predicates: most hold or fail on their per-event mark alone.
        let ok = true;
        for (; j < end; j++) {
          const q = keyed[j];
          if ((stamp[q] === epoch && state[q] === State.TRUE) || this.holds(q)) continue;
          ok = false;
          break;
        }
        j = end;
        if (ok && (!leaves.anyInArray || this.consistentInArrays(b))) {
          ruleSeen[r] = epoch;
          matched[count++] = r;
        }
      }
    }
    if (triggered.length > 0) triggered.length = 0;
    for (let i = 0; i < this.always.length; i++) {
      const b = this.always[i];
      const r = branchRule[b];
      if (ruleSeen[r] !== epoch && this.verify(b, -1)) {
        ruleSeen[r] = epoch;
        matched[count++] = r;
      }
    }

    this.event = undefined;
    this.flat = undefined;
    // 3. Every member of each matched group, in insertion order: slots are in that order unless slots were
    //    reused or rules replaced, and while no pattern is shared a slot is one rule.
    if (this.sharedGroups > 0) return this.expandGroups(count);
    if (count > 1) {
      if (this.slotsInOrder) matched.subarray(0, count).sort();
      else this.sortBySeq(count);
    }
    const ids = new Array<Id>(count);
    for (let i = 0; i < count; i++) ids[i] = this.ruleIds[matched[i]];
    return ids;
  }

  /** The members of the first `count` matched groups, by insertion order (seq), merged with a native numeric sort. */
  private expandGroups(count: number): Id[] {
    const matched = this.matched;
    const groupOf = this.groupOf;
    let total = 0;
    for (let i = 0; i < count; i++) total += groupOf[matched[i]]!.members.length;
    if (this.seqKeys.length < total) this.seqKeys = new Float64Array(Math.max(total, 2 * this.seqKeys.length));
    const keys = this.seqKeys;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const members = groupOf[matched[i]]!.members;
      for (let j = 0; j < members.length; j++) keys[n++] = members[j].seq;
    }
    const sorted = keys.subarray(0, n);
    if (count > 1) sorted.sort();
    const ids = new Array<Id>(n);
    const idOfSeq = this.idOfSeq;
    for (let i = 0; i < n; i++) ids[i] = idOfSeq[sorted[i]];
    return ids;
  }

  /**
   * {@link match} for an event given as JSON text (one line of a JSONL stream, say).
   * @throws SyntaxError when `text` is not JSON.
   * @throws InvalidEventError as {@link match}.
   */
  matchJson(text: string): Id[] {
    // The index reads only the paths rules name; EventBridge parses the whole event, and refuses it when too deep.
    if (textNestsDeeperThan(text)) throw eventTooDeep();
    return this.match(JSON.parse(text));
  }

  // ---- matching ------------------------------------------------------------------------------------------

  /** Sort the first `count` matched rule slots by insertion order, natively: keys `seq * 2^21 + slot` are exact doubles. */
  private sortBySeq(count: number): void {
    const matched = this.matched;
    const seq = this.ruleSeq;
    if (this.nextSeq >= 2 ** 32 || this.ruleSeq.length >= SLOT_RANGE) {
      matched.subarray(0, count).sort((a, b) => seq[a] - seq[b]);
      return;
    }
    if (this.sortKeys.length < count) this.sortKeys = new Float64Array(this.matched.length);
    const keys = this.sortKeys;
    for (let i = 0; i < count; i++) keys[i] = seq[matched[i]] * SLOT_RANGE + matched[i];
    keys.subarray(0, count).sort();
    for (let i = 0; i < count; i++) matched[i] = keys[i] % SLOT_RANGE;
  }

  /** Does predicate `p` hold for the current event? Decides lazy, exclusion and candidate predicates once. */
  private holds(p: number): boolean {
    if (this.predicateStamp[p] === this.epoch) {
      const s = this.predicateState[p];
      return s === State.CANDIDATE ? this.evaluate(p) : s === State.TRUE;
    }
    // Not hit by any leaf: indexed predicates are false; the others are decided now.
    const kind = this.predicateKinds[p];
    if (kind === PredicateKind.LAZY) return this.evaluate(p);
    if (kind !== PredicateKind.EXCLUDE) return false;
    const pathId = this.predicatePath[p];
    const leaves = this.leaves;
    const result =
      leaves.stamp[pathId] === this.epoch && (this.excludeStamp[p] !== this.epoch || this.excludeCount[p] < leaves.count[pathId]);
    this.predicateStamp[p] = this.epoch;
    this.predicateState[p] = result ? State.TRUE : State.FALSE;
    return result;
  }

  /** Count, for each EXCLUDE predicate of the path, the leaves it excludes. */
  private countExclusions(index: PathIndex, values: readonly Leaf[], count: number, epoch: number): void {
    const excludeStamp = this.excludeStamp;
    const excludeCount = this.excludeCount;
    for (let j = 0; j < count; j++) {
      const bucket = index.excluded.get(values[j]);
      if (bucket === undefined) continue;
      for (let k = 0; k < bucket.length; k++) {
        const q = bucket[k];
        if (excludeStamp[q] === epoch) excludeCount[q]++;
        else {
          excludeStamp[q] = epoch;
          excludeCount[q] = 1;
        }
      }
    }
  }

  private evaluate(p: number): boolean {
    const predicate = this.predicates[p]!;
    const leaves = this.leaves;
    let result: boolean;
    if (leaves.stamp[predicate.pathId] !== this.epoch) result = predicate.check.absenceOk;
    else {
      result = false;
      const values = leaves.values[predicate.pathId];
      const count = leaves.count[predicate.pathId];
      for (let i = 0; i < count; i++) {
        if (testLeaf(predicate.check, values[i])) {
          result = true;
          break;
        }
      }
    }
    this.predicateStamp[p] = this.epoch;
    this.predicateState[p] = result ? State.TRUE : State.FALSE;
    return result;
  }

  /** Does branch `b` hold, given that predicate `known` does? Exactly `matchBranches([branch])`. */
  private verify(b: number, known: number): boolean {
    const predicates = this.branches[b]!.predicates;
    for (let i = 0; i < predicates.length; i++) {
      const p = predicates[i];
      if (p !== known && !this.holds(p)) return false;
    }
    return !this.leaves.anyInArray || this.consistentInArrays(b);
  }

  /**
   * For a branch whose every condition holds: are they also met within one element of each array? When two
   * or more present fields have leaves in arrays, the single-pattern matcher decides.
   */
  private consistentInArrays(b: number): boolean {
    const branch = this.branches[b]!;
    const predicates = branch.predicates;
    const leaves = this.leaves;
    let presentFields = 0;
    let inArrays = false;
    for (let i = 0; i < predicates.length; i++) {
      const pathId = this.predicates[predicates[i]]!.pathId;
      if (leaves.stamp[pathId] !== this.epoch) continue;
      presentFields++;
      if (leaves.inArray[pathId] === this.epoch) inArrays = true;
    }
    if (!inArrays || presentFields < 2) return true;
    this.flat ??= flattenEvent(this.event, pathPrefixes(this.paths.keys()));
    return matchBranches(branch.wrapped, this.flat);
  }

  private nextEpoch(): number {
    if (this.epoch >= 0x3fffffff) {
      this.epoch = 0;
      this.predicateStamp.fill(0);
      this.excludeStamp.fill(0);
      this.ruleSeen.fill(0);
      this.leaves.resetStamps();
    }
    return ++this.epoch;
  }

  // ---- predicates and keys -------------------------------------------------------------------------------

  private acquirePredicate(c: FieldCondition): number {
    const signature = conditionSignature(c);
    const known = this.predicateIds.get(signature);
    if (known !== undefined) {
      this.predicates[known]!.refs++;
      return known;
    }
    const id = this.freePredicateIds.pop() ?? this.predicates.length;
    if (id === this.predicates.length) this.predicates.push(undefined);
    if (id >= this.predicateStamp.length) {
      this.predicateStamp = grow(this.predicateStamp, id);
      this.predicatePath = grow(this.predicatePath, id);
      this.excludeStamp = grow(this.excludeStamp, id);
      this.excludeCount = grow(this.excludeCount, id);
      const state = new Uint8Array(this.predicateStamp.length);
      state.set(this.predicateState);
      this.predicateState = state;
      const kinds = new Uint8Array(this.predicateStamp.length);
      kinds.set(this.predicateKinds);
      this.predicateKinds = kinds;
      const isKey = new Uint8Array(this.predicateStamp.length);
      isKey.set(this.predicateIsKey);
      this.predicateIsKey = isKey;
    }
    this.predicateStamp[id] = 0;
    this.excludeStamp[id] = 0;
    const index = this.paths.get(c.path)!;
    const kind = index.register(id, c.matchers);
    this.predicateKinds[id] = kind;
    this.predicateIsKey[id] = 0;
    this.predicatePath[id] = index.id;
    const score = this.keyScore(c.matchers, kind, index);
    this.predicates[id] = { id, signature, pathId: index.id, kind, matchers: c.matchers, check: compileCheck(c.matchers), refs: 1, score, keyed: [] };
    this.predicateIds.set(signature, id);
    return id;
  }

  private releasePredicate(p: number): void {
    const predicate = this.predicates[p]!;
    if (--predicate.refs > 0) return;
    this.pathById[predicate.pathId]!.unregister(p, predicate.matchers);
    this.predicateIds.delete(predicate.signature);
    this.predicates[p] = undefined;
    this.freePredicateIds.push(p);
  }

  /** The predicate of `branch` estimated to hold for the fewest events; -1 when none can be a key. */
  private chooseKey(branch: BranchInfo): number {
    let best = -1;
    let bestScore = Infinity;
    for (const p of branch.predicates) {
      const score = this.predicates[p]!.score;
      if (score < bestScore) {
        bestScore = score;
        best = p;
      }
    }
    return best;
  }

  /** Estimated share of events for which a condition holds, from the current statistics; Infinity when it cannot be a key. */
  private keyScore(matchers: readonly Matcher[], kind: PredicateKind, index: PathIndex): number {
    if (kind === PredicateKind.PRESENT) return 1;
    if (kind === PredicateKind.EXCLUDE) return 1.2;
    if (kind === PredicateKind.LAZY) return matchers.some((m) => m.kind === 'exists') ? Infinity : 1.2;
    let score = 0;
    for (const m of matchers) score += matcherShare(m, index);
    return Math.min(score, 1.1);
  }

  private setKey(b: number, key: number): void {
    const branch = this.branches[b]!;
    branch.key = key;
    if (key < 0) {
      this.always.push(b);
      return;
    }
    const predicate = this.predicates[key]!;
    const others = branch.predicates
      .map((p) => ({ p, score: this.predicates[p]!.score }))
      .filter(({ p }) => p !== key)
      .sort((x, y) => x.score - y.score)
      .map(({ p }) => p);
    predicate.keyed.push(b, this.branchRule[b], others.length, ...others);
    this.predicateIsKey[key] = 1;
    if (isPresenceTriggered(predicate.kind) && predicate.keyed.length === 3 + others.length) this.presenceKeys[predicate.pathId].push(key);
  }

  private clearKey(b: number): void {
    const branch = this.branches[b]!;
    if (branch.key < 0) {
      removeValue(this.always, b);
      return;
    }
    const predicate = this.predicates[branch.key]!;
    const keyed = predicate.keyed;
    for (let j = 0; j < keyed.length; j += 3 + keyed[j + 2]) {
      if (keyed[j] === b) {
        keyed.splice(j, 3 + keyed[j + 2]);
        break;
      }
    }
    if (keyed.length === 0) this.predicateIsKey[branch.key] = 0;
    if (isPresenceTriggered(predicate.kind) && predicate.keyed.length === 0) removeValue(this.presenceKeys[predicate.pathId], branch.key);
    branch.key = -1;
  }

  private rekeyAll(): void {
    for (const predicate of this.predicates) {
      if (predicate !== undefined) predicate.score = this.keyScore(predicate.matchers, predicate.kind, this.pathById[predicate.pathId]!);
    }
    for (const group of this.groups.values()) {
      for (const b of group.branches) {
        const branch = this.branches[b]!;
        const key = this.chooseKey(branch);
        if (key === branch.key) continue;
        this.clearKey(b);
        this.setKey(b, key);
      }
    }
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------------

  private detach(group: Group<Id>): void {
    for (const b of group.branches) {
      const branch = this.branches[b]!;
      this.clearKey(b);
      for (const p of branch.predicates) this.releasePredicate(p);
      for (const c of branch.conditions) {
        const index = this.paths.get(c.path)!;
        index.noteCondition(c, -1);
        if (index.isEmpty) this.dropPath(index);
      }
      this.branches[b] = undefined;
      this.freeBranchSlots.push(b);
    }
    group.branches.length = 0;
  }

  private pathIndexOf(path: string): PathIndex {
    let index = this.paths.get(path);
    if (index === undefined) {
      const id = this.freePathIds.pop() ?? this.pathById.length;
      index = new PathIndex(path, id);
      this.paths.set(path, index);
      this.pathById[id] = index;
      this.presenceKeys[id] = [];
      this.leavesStale = true;
    }
    return index;
  }

  private dropPath(index: PathIndex): void {
    this.paths.delete(index.path);
    this.pathById[index.id] = undefined;
    this.freePathIds.push(index.id);
    this.leavesStale = true;
  }

  private allocBranchSlot(): number {
    const slot = this.freeBranchSlots.pop() ?? this.branches.length;
    if (slot === this.branches.length) this.branches.push(undefined);
    if (slot >= this.branchRule.length) this.branchRule = grow(this.branchRule, slot);
    return slot;
  }

  private allocRuleSlot(): number {
    const slot = this.freeRuleSlots.pop() ?? this.ruleSeq.length;
    if (slot === this.ruleSeq.length) {
      this.ruleSeq.push(0);
      this.ruleIds.push(undefined as Id);
    } else this.slotsInOrder = false;
    if (slot >= this.ruleSeen.length) {
      this.ruleSeen = grow(this.ruleSeen, slot);
      this.matched = new Int32Array(this.ruleSeen.length);
    }
    return slot;
  }
}

/** A pattern's branches as one string: equal for patterns that match the same events by the same conditions. */
function patternSignature(pattern: EventPattern): string {
  return [...new Set(pattern.branches.map((branch) => branch.map(conditionSignature).sort().join('\u0002')))].sort().join('\u0003');
}

/** Keys of these kinds are not hit by a value: they are decided whenever their path has a leaf. */
function isPresenceTriggered(kind: PredicateKind): boolean {
  return kind === PredicateKind.LAZY || kind === PredicateKind.EXCLUDE;
}

function removeValue(list: number[], value: number): void {
  const at = list.indexOf(value);
  if (at < 0) return;
  list[at] = list[list.length - 1];
  list.pop();
}

function grow(stamps: Int32Array<ArrayBuffer>, slot: number): Int32Array<ArrayBuffer> {
  let length = stamps.length;
  while (length <= slot) length *= 2;
  const out = new Int32Array(length);
  out.set(stamps);
  return out;
}
