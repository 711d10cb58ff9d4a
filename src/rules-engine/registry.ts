import { watch, type FSWatcher } from 'node:fs';
import { loadRuleDirectory, type ReferenceChecker } from './loader';
import type { RuleProblem, RuleSet, RuleSnapshot } from './types';

/**
 * Holds the rule snapshot in force and replaces it atomically. A request takes the snapshot once
 * (`current()`) and uses it to the end, so a reload never changes rules under a running scrub.
 * A reload that finds any problem keeps the previous snapshot and reports every problem.
 */

export type ReloadStatus = 'LOADED' | 'UNCHANGED' | 'REFUSED';

export interface ReloadResult {
  status: ReloadStatus;
  problems: RuleProblem[];
  snapshot: RuleSnapshot | null;
}

export interface RegistryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class RuleRegistry {
  private snapshot: RuleSnapshot | null = null;
  private lastProblems: RuleProblem[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly directory: string,
    private readonly options: { referenceChecker?: ReferenceChecker; logger?: RegistryLogger } = {},
  ) {}

  /** The snapshot in force; throws before the first successful load. */
  current(): RuleSnapshot {
    if (!this.snapshot) throw new Error(`no rules loaded from ${this.directory}`);
    return this.snapshot;
  }

  currentOrNull(): RuleSnapshot | null {
    return this.snapshot;
  }

  ruleSet(key: string): RuleSet | null {
    return this.snapshot?.ruleSets.get(key) ?? null;
  }

  /** Problems of the last refused reload (empty after a successful one). */
  problems(): RuleProblem[] {
    return this.lastProblems;
  }

  /** Loads the directory; reloads run one at a time, in order. */
  reload(reason = 'request'): Promise<ReloadResult> {
    const run = this.chain.then(() => this.doReload(reason));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async doReload(reason: string): Promise<ReloadResult> {
    const result = await loadRuleDirectory(this.directory, { referenceChecker: this.options.referenceChecker });
    if (!result.ok) {
      this.lastProblems = result.problems;
      this.options.logger?.warn({ reason, problems: result.problems.length, kept: this.snapshot?.version ?? null }, 'rules refused; previous rules stay in force');
      return { status: 'REFUSED', problems: result.problems, snapshot: this.snapshot };
    }
    this.lastProblems = [];
    if (this.snapshot && this.snapshot.version === result.snapshot.version) return { status: 'UNCHANGED', problems: [], snapshot: this.snapshot };
    this.snapshot = result.snapshot;
    this.options.logger?.info({ reason, version: result.snapshot.version, ruleSets: [...result.snapshot.ruleSets.keys()] }, 'rules loaded');
    return { status: 'LOADED', problems: [], snapshot: this.snapshot };
  }

  /**
   * Reloads when a file under the directory changes (debounced: editors write in several steps).
   * Node 20 watches recursively on Linux, macOS and Windows.
   */
  watch(debounceMs = 250): void {
    if (this.watcher) return;
    this.watcher = watch(this.directory, { recursive: true, persistent: false }, (_event, file) => {
      if (file && !String(file).endsWith('.json')) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.reload('file change');
      }, debounceMs);
      this.timer.unref();
    });
    this.watcher.on('error', (e) => this.options.logger?.warn({ err: (e as Error).message }, 'rules watcher failed; reload with the reloadRuleSets mutation'));
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
