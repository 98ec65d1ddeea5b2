import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import { LocalInvalidationBus, type InvalidationEvent } from '../../internal/cache/invalidation-bus';
import { MockClock } from '../../internal/clock/clock';
import {
  AlreadyExistsError,
  BUILTIN_LABELS,
  InvalidArgumentError,
  NotFoundError,
  UnprocessableError,
  type Datastore,
  type LabelSpecInput,
} from '../../internal/fleet';
import { checkLabelSpecs, sameAsBuiltin, withoutBuiltins } from '../../service/label-specs';
import { LabelServiceImpl } from '../../service/labels.service';

let ds: Datastore;
let clock: MockClock;
let bus: LocalInvalidationBus;
let events: InvalidationEvent[];
let labels: LabelServiceImpl;

beforeEach(async () => {
  ds = new InmemDatastore();
  await ds.prepare();
  clock = new MockClock();
  bus = new LocalInvalidationBus();
  events = [];
  bus.subscribe((e) => events.push(e));
  labels = new LabelServiceImpl(ds, clock, bus);
});
afterEach(() => ds.close());

const spec = (fields: Partial<LabelSpecInput> & { name: string }): LabelSpecInput => ({
  description: '',
  query: 'select 1',
  platform: '',
  label_type: 'regular',
  label_membership_type: 'dynamic',
  ...fields,
});

const reasonOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnprocessableError);
  return (err as UnprocessableError).reason;
};

describe('label spec checks (pure)', () => {
  test('dynamic with hosts, manual without hosts and empty names are rejected with Fleet’s texts', () => {
    expect(() => checkLabelSpecs([spec({ name: 'd', hosts: ['a'] })])).toThrow(
      'label d is declared as dynamic but contains `hosts` key',
    );
    expect(() => checkLabelSpecs([spec({ name: 'm', label_membership_type: 'manual' })])).toThrow(
      'label m is declared as manual but contains no `hosts key`',
    );
    expect(() => checkLabelSpecs([spec({ name: '' })])).toThrow('label name must not be empty');
    // The first failing spec is the one reported.
    expect(() =>
      checkLabelSpecs([spec({ name: 'first', hosts: ['x'] }), spec({ name: 'second', label_membership_type: 'manual' })]),
    ).toThrow(/label first/);
  });

  test('dynamic with an empty hosts list and manual with hosts: [] are fine', () => {
    expect(() =>
      checkLabelSpecs([spec({ name: 'd', hosts: [] }), spec({ name: 'm', label_membership_type: 'manual', hosts: [] })]),
    ).not.toThrow();
  });

  test('a spec equal to a builtin is dropped; any difference is refused', () => {
    const builtin = { ...BUILTIN_LABELS[1]!, id: 7, created_at: new Date(), updated_at: new Date() };
    const same = spec({ ...builtin });
    expect(sameAsBuiltin(same, builtin)).toBe(true);
    expect(withoutBuiltins([same], [builtin])).toEqual([]);
    for (const change of [{ query: 'select 2' }, { description: 'x' }, { platform: '' }, { label_type: 'regular' as const }, { name: 'MACOS' }]) {
      expect(() => withoutBuiltins([{ ...same, ...change }], [builtin])).toThrow('cannot modify built-in label macOS');
    }
    expect(() => withoutBuiltins([spec({ name: 'new', label_type: 'builtin' })], [null])).toThrow(/cannot create built-in label new/);
    const regular = spec({ name: 'r' });
    expect(withoutBuiltins([regular], [null])).toEqual([regular]);
  });
});

describe('LabelService', () => {
  test('newLabel: name then query are required; a taken name is AlreadyExists; the bus hears of it', async () => {
    await expect(labels.newLabel({ query: 'select 1' })).rejects.toThrow(InvalidArgumentError);
    const missingQuery = await labels.newLabel({ name: 'x' }).catch((e: InvalidArgumentError) => e.reasons);
    expect(missingQuery).toEqual([{ name: 'query', reason: 'missing required argument' }]);
    const missingBoth = await labels.newLabel({}).catch((e: InvalidArgumentError) => e.reasons);
    expect(missingBoth).toEqual([{ name: 'name', reason: 'missing required argument' }]);
    expect(events).toEqual([]);
    const label = await labels.newLabel({ name: 'servers', query: 'select 1' });
    expect(label).toMatchObject({ name: 'servers', label_type: 'regular', label_membership_type: 'dynamic', description: '', platform: '' });
    expect(events).toEqual([{ kind: 'labels-changed' }]);
    await expect(labels.newLabel({ name: 'SERVERS', query: 'select 2' })).rejects.toThrow(AlreadyExistsError);
  });

  test('builtins cannot be modified or deleted', async () => {
    const all = (await ds.labelByName('All Hosts'))!;
    expect(await reasonOf(labels.modifyLabel(all.id, { description: 'x' }))).toBe('cannot modify built-in label');
    expect(await reasonOf(labels.deleteLabel('All Hosts'))).toBe('cannot delete built-in label');
    expect(await reasonOf(labels.deleteLabelById(all.id))).toBe('cannot delete built-in label');
    expect(events).toEqual([]);
  });

  test('missing labels are NotFound with Fleet’s resource names', async () => {
    await expect(labels.label(9999)).rejects.toThrow(new NotFoundError('Label', 9999));
    await expect(labels.deleteLabel('nope')).rejects.toThrow('labels nope was not found in the datastore');
    await expect(labels.labelSpec('nope')).rejects.toThrow('Label nope was not found in the datastore');
    await expect(labels.listHostsInLabel(9999, { page: 0, orderDirection: 'asc' })).rejects.toThrow(NotFoundError);
  });

  test('applyLabelSpecs validates the whole batch before writing anything', async () => {
    const err = await reasonOf(
      labels.applyLabelSpecs([spec({ name: 'fine' }), spec({ name: 'bad', label_membership_type: 'manual' })]),
    );
    expect(err).toBe('label bad is declared as manual but contains no `hosts key`');
    expect(await ds.labelByName('fine')).toBeNull();
    const builtinChange = await reasonOf(
      labels.applyLabelSpecs([spec({ name: 'fine2' }), spec({ ...BUILTIN_LABELS[0]!, query: 'select 2' })]),
    );
    expect(builtinChange).toBe('cannot modify built-in label All Hosts');
    expect(await ds.labelByName('fine2')).toBeNull();
    expect(events).toEqual([]);
  });

  test('applying the builtins unchanged is a no-op; specs round-trip', async () => {
    const before = await labels.labelSpecs();
    expect(before.map((s) => s.name)).toEqual(BUILTIN_LABELS.map((l) => l.name));
    await labels.applyLabelSpecs(before);
    expect(events).toEqual([]);
    await labels.applyLabelSpecs([spec({ name: 'dev', label_membership_type: 'manual', hosts: [] }), spec({ name: 'linux', platform: 'ubuntu' })]);
    expect(events).toEqual([{ kind: 'labels-changed' }]);
    const after = await labels.labelSpecs();
    expect(after.find((s) => s.name === 'dev')).toEqual(spec({ name: 'dev', label_membership_type: 'manual', hosts: [] }));
    expect(after.find((s) => s.name === 'linux')?.hosts).toBeUndefined();
    await labels.applyLabelSpecs(after);
    expect(await labels.labelSpecs()).toEqual(after);
  });
});
