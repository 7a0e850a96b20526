/**
 * The routing graph of tests/fixtures/service-full (every feature) and its Mermaid text: every rule, bus, target,
 * topic, queue, archive and bus-policy principal, edges only between declared nodes, ids unique and stable, labels
 * escaped, highlights and disabled rules styled.
 */
import path from 'node:path';
import { loadProject } from '../../../src/cli/project';
import type { Catalog } from '../../../src/catalog';
import { buildRoutingGraph, renderGraphMarkdown, renderMermaid } from '../../../src/graph';

const ROOT = path.resolve(__dirname, '../../fixtures/service-full');

/** The declarations and edges of a flowchart, parsed back structurally. */
function parseFlowchart(text: string): { ids: string[]; edges: [string, string][]; labels: string[] } {
  const ids: string[] = [];
  const edges: [string, string][] = [];
  const labels: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const edge = /^\s+(\w+) -->(?:\|"([^"]*)"\|)? (\w+)$/.exec(line);
    if (edge) {
      edges.push([edge[1]!, edge[3]!]);
      if (edge[2] !== undefined) labels.push(edge[2]);
      continue;
    }
    const node = /^\s+(\w+)(\[\[|\[\(|\[\/|\(\[|\[|>)"([^"]*)"(\]\]|\)\]|\/\]|\]\)|\])$/.exec(line);
    if (node) {
      ids.push(node[1]!);
      labels.push(node[3]!);
    }
  }
  return { ids, edges, labels };
}

describe('Function: buildRoutingGraph and renderMermaid', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = (await loadProject(ROOT)).catalog;
  });

  it('draws every rule in its bus, what it delivers to, its dead-letter queue, archives and who may put events', () => {
    // Act
    const graph = buildRoutingGraph(catalog);

    // Assess
    const kinds = (kind: string) => graph.nodes.filter((n) => n.kind === kind);
    expect(kinds('rule').map((n) => [n.label.split('<br>')[0], n.bus]).sort()).toEqual(catalog.rules.map((r) => [r.name, r.bus]).sort());
    expect(kinds('archive').length).toBe(Object.values(catalog.config.buses).filter((b) => b.archive).length);
    expect(kinds('principal').map((n) => n.label)).toEqual(expect.arrayContaining(['account 111122223333', 'organization o-a1b2c3d4e5', 'email']));
    expect(kinds('foreign-bus').map((n) => n.label)).toEqual(['arn:aws:events:us-west-2:111122223333:event-bus/audit']);
    const rootLogin = graph.nodes.find((n) => n.label.startsWith('iam-root-login'))!.id;
    expect(graph.edges.filter((e) => e.from === rootLogin).map((e) => e.label).sort()).toEqual(['dead-letter', 'forward', 'input transformer', 'select']);
  });

  it('writes a flowchart whose edges join declared nodes only, with unique ids, the same text every time', () => {
    // Act
    const text = renderMermaid(buildRoutingGraph(catalog));
    const parsed = parseFlowchart(text);

    // Assess
    expect(text.split('\n')[0]).toBe('flowchart LR');
    expect(new Set(parsed.ids).size).toBe(parsed.ids.length);
    for (const [from, to] of parsed.edges) expect([parsed.ids.includes(from), parsed.ids.includes(to)]).toEqual([true, true]);
    expect(parsed.edges.length).toBe(buildRoutingGraph(catalog).edges.length);
    expect(parsed.labels.every((l) => !/["[\]|]/.test(l))).toBe(true);
    expect(renderMermaid(buildRoutingGraph(catalog))).toBe(text);
  });

  it('escapes what would break a label, styles highlighted and disabled rules, and keeps only the rules asked for', () => {
    // Prepare
    const odd: Catalog = { ...catalog, rules: catalog.rules.map((r, i) => (i === 0 ? { ...r, state: 'DISABLED' as const, pattern: { source: ['a"b[c]|<d>#'] } } : r)) };

    // Act
    const text = renderMermaid(buildRoutingGraph(odd, { only: [odd.rules[0]!.name, odd.rules[1]!.name] }), { highlight: { added: [odd.rules[1]!.name] } });

    // Assess
    expect(text).toContain('a#quot;b#91;c#93;#124;#lt;d#gt;#35;');
    expect(text).toMatch(/classDef added /);
    expect(text).toMatch(/classDef disabled /);
    expect(parseFlowchart(text).ids.filter((id) => id.startsWith('rule_'))).toHaveLength(2);
  });

  it('gives markdown: a mermaid block and the table of rules and targets', () => {
    const text = renderGraphMarkdown(catalog, buildRoutingGraph(catalog));
    expect(text.startsWith('```mermaid\nflowchart LR\n')).toBe(true);
    expect(text).toContain('| `iam-root-login` | default | ENABLED | function `notify` → topic `security`<br>topic `security` (input transformer)<br>bus `central` |');
  });
});
