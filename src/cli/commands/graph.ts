/**
 * `patchbay graph [--format mermaid|markdown|json|svg] [--output file]`: the routing of the project as a diagram —
 * who may put events on each bus, the rules of each bus, and where they deliver (functions and their topics, topics
 * EventBridge publishes to, forwarded buses, dead-letter queues, archives) — built by ../../graph.
 *
 * `mermaid` (default) prints the flowchart, which GitHub renders in markdown; `markdown` a ```mermaid block and a
 * table of rules; `json` the graph ({@link RoutingGraph}); `svg` an image rendered offline with beautiful-mermaid
 * (no browser). Exit 0, or 2 on an invalid catalog.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CatalogError } from '../../catalog';
import { buildRoutingGraph, renderGraphMarkdown, renderMermaid, type RoutingGraph } from '../../graph';
import type { CliIo } from '../io';
import { deploymentOptions, formatCatalogError, loadProject, withDeploymentOptions, type DeploymentFlags } from '../project';
import type { CliContext } from './types';

/** Options of `patchbay graph`. */
export interface GraphOptions extends DeploymentFlags {
  format?: 'mermaid' | 'markdown' | 'json' | 'svg';
  /** Write to this file instead of standard output. */
  output?: string;
  root?: string;
}

/** Exit codes of `patchbay graph`. */
export const GraphExit = { OK: 0, INVALID_CATALOG: 2 } as const;

/** Register the command on `program`. */
export function registerGraphCommand(program: Command, context: CliContext): void {
  withDeploymentOptions(
    program
      .command('graph')
      .description('draw the routing: buses and who may put events on them, rules, targets, topics, queues, archives')
      .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'markdown', 'json', 'svg']).default('mermaid'))
      .option('--output <file>', 'write to this file instead of standard output')
      .option('--root <dir>', 'project root (default: the working directory)'),
  )
    .addHelpText('after', '\nExit status: 0 drawn, 2 invalid catalog.')
    .action(async (options: GraphOptions) => {
      context.exitCode = await runGraph(options, context.io);
    });
}

/** Run `patchbay graph`. @returns the exit code (see {@link GraphExit}). */
export async function runGraph(options: GraphOptions, io: CliIo): Promise<number> {
  const rootDir = path.resolve(io.cwd, options.root ?? '.');
  let project;
  try {
    project = await loadProject(rootDir, deploymentOptions(options));
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    io.stderr.write(formatCatalogError(error, 'graph'));
    return GraphExit.INVALID_CATALOG;
  }
  const graph = buildRoutingGraph(project.catalog);
  const text =
    options.format === 'json' ? `${JSON.stringify(graph, null, 2)}\n` : options.format === 'markdown' ? renderGraphMarkdown(project.catalog, graph) : options.format === 'svg' ? await renderSvg(graph) : renderMermaid(graph);
  if (options.output) {
    await fs.writeFile(path.resolve(io.cwd, options.output), text);
    io.stdout.write(`patchbay graph: wrote ${options.output} (${graph.nodes.length} nodes, ${graph.edges.length} edges)\n`);
  } else io.stdout.write(text);
  return GraphExit.OK;
}

/** The flowchart as SVG, rendered in this process by beautiful-mermaid (pure JavaScript, no DOM or browser). */
async function renderSvg(graph: RoutingGraph): Promise<string> {
  const { renderMermaid: toSvg } = (await import('beautiful-mermaid')) as { renderMermaid: (text: string) => Promise<string> };
  return `${await toSvg(renderMermaid(graph))}\n`;
}
