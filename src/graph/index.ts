/**
 * The routing of a catalog as a graph: who may put events on each bus (bus policies), the buses with their rules
 * and archives, and where each rule delivers (functions and the topics they notify, topics EventBridge publishes to,
 * forwarded buses, dead-letter queues). Rendered as a Mermaid flowchart, which GitHub renders in markdown.
 *
 * Pure: built from a loaded catalog (no files, no AWS). Node ids are stable (derived from names, never from order),
 * labels escaped for Mermaid (quotes, brackets, `#`, `<`, `>`, `|` as entity codes).
 * @see https://mermaid.js.org/syntax/flowchart.html
 */
import type { Catalog, RuleDefinition, TargetDefinition } from '../catalog';

/** A node of the routing graph. */
export interface GraphNode {
  /** Stable, Mermaid-safe: `bus_default`, `rule_iam_root_login`, `topic_security`, `fn_notify`. */
  id: string;
  kind: 'principal' | 'bus' | 'rule' | 'archive' | 'function' | 'topic' | 'queue' | 'foreign-bus';
  label: string;
  /** The bus a rule or archive belongs to (a subgraph). */
  bus?: string;
  /** Rules only: DISABLED rules are drawn dashed. */
  disabled?: boolean;
}

/** An edge: `from` delivers to (or may put events on) `to`. */
export interface GraphEdge {
  from: string;
  to: string;
  /** `filter`, `input transformer`, `dead-letter`, `notify`, `puts events`, … */
  label?: string;
}

/**
 * The graph, stable for tools (`patchbay graph --format json`).
 * @example { "nodes": [{ "id": "bus_default", "kind": "bus", "label": "default bus" },
 *   { "id": "rule_iam_root_login", "kind": "rule", "label": "iam-root-login<br>aws.signin", "bus": "default" }],
 *   "edges": [{ "from": "rule_iam_root_login", "to": "fn_notify" }] }
 */
export interface RoutingGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** How rules are highlighted when a graph shows a change (`patchbay diff --format markdown`). */
export interface Highlight {
  added?: string[];
  removed?: string[];
  changed?: string[];
}

/**
 * Build the routing graph of a catalog.
 * @param options.only - rule names to keep (with what they reach and their buses); absent: every rule.
 * @example buildRoutingGraph(catalog).nodes.filter((n) => n.kind === 'rule').length; // catalog.rules.length
 */
export function buildRoutingGraph(catalog: Catalog, options: { only?: readonly string[] } = {}): RoutingGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (n: GraphNode) => void (nodes.has(n.id) || nodes.set(n.id, n));
  const edge = (e: GraphEdge) => void edges.set(`${e.from}>${e.to}>${e.label ?? ''}`, e);
  const keep = options.only ? new Set(options.only) : undefined;
  const rules = catalog.rules.filter((rule) => !keep || keep.has(rule.name));
  const buses = new Set(rules.map((rule) => rule.bus));
  if (!keep) for (const key of Object.keys(catalog.config.buses)) buses.add(key);

  for (const key of [...buses].sort()) {
    const bus = catalog.config.buses[key];
    node({ id: busId(key), kind: 'bus', label: key === 'default' ? 'default bus' : `bus ${key}${bus?.kind === 'partner' ? ' (partner)' : bus?.kind === 'existing' ? ' (existing)' : ''}` });
    if (bus?.archive) {
      node({ id: `archive_${safe(key)}`, kind: 'archive', label: `archive, ${bus.archive.retentionDays === 0 ? 'kept forever' : `${bus.archive.retentionDays} days`}`, bus: key });
      edge({ from: busId(key), to: `archive_${safe(key)}`, label: bus.archive.pattern ? 'archive pattern' : 'archived' });
    }
    const allow = bus?.policy?.allow;
    if (allow) {
      const principals = [...allow.accounts.map((a) => `account ${a}`), ...(allow.organization ? [`organization ${allow.organization}`] : []), ...allow.organizationalUnits.map((ou) => `OU ${ou}`)];
      for (const principal of principals) {
        const id = `who_${safe(principal)}`;
        node({ id, kind: 'principal', label: principal });
        edge({ from: id, to: busId(key), label: 'puts events' });
      }
    }
  }

  for (const rule of rules) {
    node({ id: ruleId(rule.name), kind: 'rule', label: `${rule.name}<br>${matches(rule)}`, bus: rule.bus, ...(rule.state === 'DISABLED' ? { disabled: true } : {}) });
    edge({ from: busId(rule.bus), to: ruleId(rule.name) });
    for (const target of rule.targets) addTarget(rule, target, catalog, node, edge);
  }

  const sortedNodes = [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sortedEdges = [...edges.values()].sort((a, b) => (`${a.from}>${a.to}` < `${b.from}>${b.to}` ? -1 : 1));
  return { nodes: sortedNodes, edges: sortedEdges };
}

function addTarget(rule: RuleDefinition, target: TargetDefinition, catalog: Catalog, node: (n: GraphNode) => void, edge: (e: GraphEdge) => void): void {
  const from = ruleId(rule.name);
  if (target.kind === 'function') {
    const fn = `fn_${safe(target.function)}`;
    node({ id: fn, kind: 'function', label: `function ${target.function}` });
    edge({ from, to: fn, label: [target.filter ? 'filter' : '', target.select ? 'select' : ''].filter(Boolean).join(', ') || undefined });
    if (target.notify) {
      addTopic(target.notify.topic, catalog, node, edge);
      edge({ from: fn, to: topicId(target.notify.topic), label: 'notify' });
    }
  } else if (target.kind === 'sns') {
    addTopic(target.sns, catalog, node, edge);
    edge({ from, to: topicId(target.sns), label: target.inputTransformer ? 'input transformer' : 'event' });
  } else {
    const local = !target.eventBus.startsWith('arn:');
    const id = local ? busId(target.eventBus) : `foreign_${safe(target.eventBus)}`;
    node(local ? { id, kind: 'bus', label: target.eventBus === 'default' ? 'default bus' : `bus ${target.eventBus}` } : { id, kind: 'foreign-bus', label: target.eventBus });
    edge({ from, to: id, label: 'forward' });
  }
  const queue = target.deadLetterQueue ?? catalog.config.deadLetterQueue ?? 'PatchbayDeadLetterQueue';
  node({ id: `dlq_${safe(queue)}`, kind: 'queue', label: `dead-letter ${queue}` });
  edge({ from, to: `dlq_${safe(queue)}`, label: 'dead-letter' });
}

function addTopic(key: string, catalog: Catalog, node: (n: GraphNode) => void, edge: (e: GraphEdge) => void): void {
  const topic = catalog.config.topics[key];
  node({ id: topicId(key), kind: 'topic', label: `topic ${key}${topic?.fifo ? ' (FIFO)' : ''}` });
  for (const subscription of topic?.subscriptions ?? []) {
    const id = `sub_${safe(key)}_${safe(subscription.protocol)}`;
    node({ id, kind: 'principal', label: subscription.protocol });
    edge({ from: topicId(key), to: id });
  }
}

/** What a rule matches, short: sources and detail-types, or its schedule. */
function matches(rule: RuleDefinition): string {
  if (rule.schedule) return rule.schedule;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '');
  const parts = [list(rule.pattern?.source), list(rule.pattern?.['detail-type'])].filter(Boolean);
  const text = parts.join(' / ') || 'pattern';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const busId = (key: string) => `bus_${safe(key)}`;
const ruleId = (name: string) => `rule_${safe(name)}`;
const topicId = (key: string) => `topic_${safe(key)}`;

/** A Mermaid-safe id part: letters, digits and `_`; a short hash keeps distinct names distinct. */
function safe(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (plain === name) return plain;
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return `${plain}_${hash.toString(36)}`;
}

/** A label inside `["…"]`: Mermaid entity codes for what would end or break it; `<br>` kept as a line break. */
function label(text: string): string {
  const escape = (part: string) => part.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/\[/g, '#91;').replace(/\]/g, '#93;').replace(/\|/g, '#124;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  return text.split('<br>').map(escape).join('<br>');
}

const SHAPES: Record<GraphNode['kind'], [string, string]> = {
  principal: ['([', '])'],
  bus: ['[[', ']]'],
  rule: ['[', ']'],
  archive: ['[(', ')]'],
  function: ['[/', '/]'],
  topic: ['>', ']'],
  queue: ['[(', ')]'],
  'foreign-bus': ['[[', ']]'],
};

/**
 * The Mermaid flowchart (left to right, one subgraph per bus), with rules of `highlight` styled (added green,
 * removed red, changed amber) and disabled rules dashed.
 * @example renderMermaid(buildRoutingGraph(catalog)).split('\n')[0]; // 'flowchart LR'
 */
export function renderMermaid(graph: RoutingGraph, options: { highlight?: Highlight } = {}): string {
  const lines = ['flowchart LR'];
  const inBus = new Map<string, GraphNode[]>();
  const outside: GraphNode[] = [];
  for (const n of graph.nodes) {
    if (n.bus !== undefined) (inBus.get(n.bus) ?? inBus.set(n.bus, []).get(n.bus)!).push(n);
    else outside.push(n);
  }
  const declare = (n: GraphNode) => `${n.id}${SHAPES[n.kind][0]}"${label(n.label)}"${SHAPES[n.kind][1]}`;
  for (const n of outside) lines.push(`  ${declare(n)}`);
  for (const [bus, members] of [...inBus].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`  subgraph sg_${busId(bus)}["${label(bus === 'default' ? 'default bus rules' : `bus ${bus} rules`)}"]`);
    for (const n of members) lines.push(`    ${declare(n)}`);
    lines.push('  end');
  }
  for (const e of graph.edges) lines.push(`  ${e.from} -->${e.label ? `|"${label(e.label)}"|` : ''} ${e.to}`);
  const ids = new Set(graph.nodes.map((n) => n.id));
  const styled = (names: string[] | undefined) => (names ?? []).map((name) => `rule_${safe(name)}`).filter((id) => ids.has(id));
  const classes: [string, string, string[]][] = [
    ['added', 'fill:#d4f7dc,stroke:#1a7f37', styled(options.highlight?.added)],
    ['removed', 'fill:#ffd8d3,stroke:#cf222e,stroke-dasharray:4', styled(options.highlight?.removed)],
    ['changed', 'fill:#fff1c2,stroke:#9a6700', styled(options.highlight?.changed)],
    ['disabled', 'stroke-dasharray:5,color:#6e7781', graph.nodes.filter((n) => n.disabled).map((n) => n.id)],
  ];
  for (const [name, style, members] of classes) {
    if (!members.length) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${members.join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A markdown document: the flowchart in a ```mermaid block and a table of rules and where they deliver. */
export function renderGraphMarkdown(catalog: Catalog, graph: RoutingGraph, options: { highlight?: Highlight } = {}): string {
  const rows = catalog.rules
    .filter((rule) => graph.nodes.some((n) => n.id === ruleId(rule.name)))
    .map((rule) => `| \`${rule.name}\` | ${rule.bus} | ${rule.state} | ${rule.targets.map(describe).join('<br>')} |`);
  return ['```mermaid', renderMermaid(graph, options).trimEnd(), '```', '', '| rule | bus | state | targets |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

function describe(target: TargetDefinition): string {
  if (target.kind === 'function') return `function \`${target.function}\`${target.notify ? ` → topic \`${target.notify.topic}\`` : ''}${target.filter ? ' (filter)' : ''}`;
  if (target.kind === 'sns') return `topic \`${target.sns}\`${target.inputTransformer ? ' (input transformer)' : ''}`;
  return `bus \`${target.eventBus}\``;
}
