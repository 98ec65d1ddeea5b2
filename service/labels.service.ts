import { inject, injectable } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  InvalidArgumentError,
  NotFoundError,
  UnprocessableError,
  type Datastore,
  type HostListOptions,
  type HostWithStatus,
  type Label,
  type LabelService,
  type LabelSpecInput,
  type LabelWithCount,
  type ListOptions,
  type NewLabelInput,
} from '../internal/fleet';
import { withStatus } from './host-view';
import { checkLabelSpecs, labelToSpec, withoutBuiltins } from './label-specs';
import { EMPTY, MISSING } from './user-validation';

/**
 * Labels (spec rest-api.md §9) with the policy's fixes: builtin labels cannot be changed
 * or deleted (422), `GET /labels/{id}` counts real members, a missing label is a 404.
 * Every write tells the agent path (through the bus) to pick up the new label queries.
 */
@injectable()
export class LabelServiceImpl implements LabelService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.InvalidationBus) private readonly bus: InvalidationBus,
  ) {}

  async newLabel(input: NewLabelInput): Promise<Label> {
    // Fleet stops at the first failed check: name, then query.
    if (input.name === undefined) throw new InvalidArgumentError('name', MISSING);
    if (input.name === '') throw new InvalidArgumentError('name', EMPTY);
    if (input.query === undefined) throw new InvalidArgumentError('query', MISSING);
    const label = await this.ds.newLabel({
      name: input.name,
      query: input.query,
      description: input.description ?? '',
      platform: input.platform ?? '',
      label_type: 'regular',
      label_membership_type: 'dynamic',
    });
    this.changed();
    return label;
  }

  async modifyLabel(id: number, patch: { name?: string; description?: string }): Promise<LabelWithCount> {
    if (patch.name === '') throw new InvalidArgumentError('name', EMPTY);
    const label = await this.ds.label(id);
    if (label.label_type === 'builtin') throw new UnprocessableError('cannot modify built-in label');
    const saved = await this.ds.saveLabel({
      ...label,
      name: patch.name ?? label.name,
      description: patch.description ?? label.description,
    });
    this.changed();
    return { label: saved, host_count: await this.hostCount(saved.id) };
  }

  async label(id: number): Promise<LabelWithCount> {
    const label = await this.ds.label(id);
    return { label, host_count: await this.hostCount(id) };
  }

  async listLabels(opts: ListOptions): Promise<LabelWithCount[]> {
    const [labels, counts] = await Promise.all([this.ds.listLabels(opts), this.ds.labelHostCounts()]);
    return labels.map((label) => ({ label, host_count: counts.get(label.id) ?? 0 }));
  }

  async listHostsInLabel(id: number, opts: Omit<HostListOptions, 'now' | 'labelId'>): Promise<HostWithStatus[]> {
    await this.ds.label(id); // a missing label is a 404, not an empty list
    const now = this.clock.now();
    const hosts = await this.ds.listHosts({ ...opts, labelId: id, now });
    return hosts.map((h) => withStatus(h, now));
  }

  async deleteLabel(name: string): Promise<void> {
    const label = await this.ds.labelByName(name);
    // Fleet names the table here: `labels <name> was not found in the datastore`.
    if (!label) throw new NotFoundError('labels', name);
    await this.deleteExisting(label);
  }

  async deleteLabelById(id: number): Promise<void> {
    await this.deleteExisting(await this.ds.label(id));
  }

  private async deleteExisting(label: Label): Promise<void> {
    if (label.label_type === 'builtin') throw new UnprocessableError('cannot delete built-in label');
    await this.ds.deleteLabel(label.id);
    this.changed();
  }

  async applyLabelSpecs(specs: LabelSpecInput[]): Promise<void> {
    checkLabelSpecs(specs);
    const existing = await Promise.all(specs.map((s) => this.ds.labelByName(s.name)));
    const toApply = withoutBuiltins(specs, existing);
    if (toApply.length === 0) return;
    await this.ds.applyLabelSpecs(toApply);
    this.changed();
  }

  async labelSpecs(): Promise<LabelSpecInput[]> {
    const labels = await this.ds.listLabels();
    return Promise.all(labels.map((l) => this.specOf(l)));
  }

  async labelSpec(name: string): Promise<LabelSpecInput> {
    const label = await this.ds.labelByName(name);
    if (!label) throw new NotFoundError('Label', name);
    return this.specOf(label);
  }

  private async specOf(label: Label): Promise<LabelSpecInput> {
    const manual = label.label_membership_type === 'manual' && label.label_type !== 'builtin';
    // A manual label always lists its hosts (`[]` when empty) so that its spec applies back.
    return labelToSpec(label, manual ? await this.ds.labelMemberHostnames(label.id) : null);
  }

  private async hostCount(id: number): Promise<number> {
    return (await this.ds.labelHostCounts()).get(id) ?? 0;
  }

  private changed(): void {
    this.bus.publish({ kind: 'labels-changed' });
  }
}
