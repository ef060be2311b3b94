// Marketing assets the Asset API browses: programs (with tags and costs), smart campaigns,
// segmentations and their segments. Generated from the seed (the programs and campaigns the
// activities name come first), dated before the activity window; tests change them through the
// Sandbox control methods, which move `updatedAt` to the sandbox clock.
// Shapes: https://developer.adobe.com/marketo-apis/api/asset/ (Programs, Smart Campaigns, Segments).

import { rngFor, type Rng } from './prng';
import * as SampleData from './sample-data';

const SALT_ASSETS = 0xa55e7;
const HISTORY_SECONDS = 2 * 365 * 86_400;
const INSTANCE = 'https://app-sj32.marketo.com';

export interface ProgramTag {
  tagType: string;
  tagValue: string;
}
export interface ProgramCost {
  startDate: string;
  cost: number;
  note?: string;
}

/** What every asset has. */
export interface DatedAsset {
  id: number;
  name: string;
  description: string;
  createdSec: number;
  updatedSec: number;
}

export interface Program extends DatedAsset {
  type: 'Default' | 'Event' | 'Engagement' | 'Email';
  channel: string;
  folder: { type: 'Folder' | 'Program'; value: number; folderName: string | null };
  status: string;
  workspace: string;
  headStart?: boolean;
  tags: ProgramTag[] | null;
  costs: ProgramCost[] | null;
}

export interface SmartCampaign extends DatedAsset {
  folder: { id: number; type: 'Folder' | 'Program' };
  status: string;
  type: 'batch' | 'trigger' | 'default';
  isSystem: boolean;
  isActive: boolean;
  isRequestable: boolean;
  isCommunicationLimitEnabled: boolean;
  qualificationRuleType: 'once' | 'any' | 'interval';
  workspace: string;
  smartListId: number;
  flowId: number;
  parentProgramId?: number;
}

export interface Segmentation extends DatedAsset {
  folder: { type: 'Folder'; value: number; folderName: string | null };
  status: 'approved' | 'draft';
  workspace: string;
}

export interface Segment extends DatedAsset {
  segmentationId: number;
}

export interface StaticList extends DatedAsset {
  folder: { id: number; type: 'Folder' | 'Program' };
  workspace: string;
}

export interface AssetCounts {
  programs: number;
  smartCampaigns: number;
  segmentations: number;
  staticLists: number;
}

const PROGRAM_KINDS = [
  { type: 'Default', channel: 'Online Advertising', prefix: 'PG', statuses: [''] },
  { type: 'Event', channel: 'Webinar', prefix: 'ME', statuses: [''] },
  { type: 'Engagement', channel: 'Nurture', prefix: 'NP', statuses: ['on', 'off'] },
  { type: 'Email', channel: 'Email Send', prefix: 'EBP', statuses: ['locked', 'unlocked', 'completed'] },
] as const;
const TAG_TYPES = [
  { tagType: 'Region', values: ['EMEA', 'AMER', 'APAC'] },
  { tagType: 'Presenter', values: ['Dennis', 'Priya', 'Jonas'] },
] as const;
const COST_NOTES = ['Google Adwords', 'Sponsorship', 'Venue', 'Content syndication'] as const;
const CAMPAIGN_STATUSES = ['Inactive', 'Single Run', 'Recurring Run', 'Active', 'Never Run'] as const;
const FOLDERS = [
  { value: 11, folderName: 'Webinars' },
  { value: 12, folderName: 'Nurture' },
  { value: 13, folderName: 'Operational' },
] as const;
const SEGMENTATIONS = [
  { name: 'Region', segments: ['EMEA', 'AMER', 'APAC'] },
  { name: 'Company Size', segments: ['Enterprise', 'Mid-Market', 'SMB'] },
  { name: 'Persona', segments: ['Marketer', 'Engineer', 'Executive'] },
] as const;

export function assetDate(epochSeconds: number): string {
  // The Asset API writes both `Z` and an offset: "2021-11-23T22:57:24Z+0000" (seen in recorded Marketo responses).
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z+0000');
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)];
}

function dates(rng: Rng, beforeSec: number): { createdSec: number; updatedSec: number } {
  const createdSec = beforeSec - rng.int(86_400, HISTORY_SECONDS);
  return { createdSec, updatedSec: createdSec + rng.int(0, beforeSec - 3600 - createdSec) };
}

function tagsOf(rng: Rng): ProgramTag[] | null {
  if (rng.chance(0.3)) return null;
  const tags = TAG_TYPES.filter(() => rng.chance(0.6)).map((t) => ({ tagType: t.tagType, tagValue: pick(rng, t.values) }));
  return tags.length > 0 ? tags : null;
}

function costsOf(rng: Rng, createdSec: number): ProgramCost[] | null {
  if (rng.chance(0.4)) return null;
  return Array.from({ length: rng.int(1, 3) }, (_, i) => {
    const cost: ProgramCost = { startDate: new Date((createdSec + i * 30 * 86_400) * 1000).toISOString().slice(0, 8) + '01', cost: rng.int(1, 50) * 100 };
    if (rng.chance(0.7)) cost.note = pick(rng, COST_NOTES);
    return cost;
  });
}

export class AssetStore {
  readonly programs = new Map<number, Program>();
  readonly smartCampaigns = new Map<number, SmartCampaign>();
  readonly segmentations = new Map<number, Segmentation>();
  readonly segments = new Map<number, Segment>();
  readonly staticLists = new Map<number, StaticList>();
  private nextProgramId: number;

  constructor(seed: number, counts: AssetCounts, beforeSec: number) {
    const rng = rngFor(seed, SALT_ASSETS);
    let id = SampleData.PROGRAMS[0].id;
    for (let n = 0; n < counts.programs; n++, id++) {
      const known = SampleData.PROGRAMS[n];
      this.programs.set(id, this.newProgram(rng, id, known?.name ?? `Program ${id}`, dates(rng, beforeSec)));
    }
    this.nextProgramId = id;
    const programIds = [...this.programs.keys()];
    let campaignId = SampleData.CAMPAIGNS[0].id;
    for (let n = 0; n < counts.smartCampaigns; n++, campaignId++) {
      const known = SampleData.CAMPAIGNS[n];
      const parent = programIds.length > 0 && rng.chance(0.7) ? pick(rng, programIds) : undefined;
      const campaign: SmartCampaign = {
        id: campaignId,
        name: known?.name ?? `Campaign ${campaignId}`,
        description: rng.chance(0.5) ? '' : `Runs ${known?.name ?? campaignId}`,
        ...dates(rng, beforeSec),
        folder: parent !== undefined ? { id: parent, type: 'Program' } : { id: pick(rng, FOLDERS).value, type: 'Folder' },
        status: pick(rng, CAMPAIGN_STATUSES),
        type: rng.chance(0.5) ? 'batch' : rng.chance(0.9) ? 'trigger' : 'default',
        isSystem: false,
        isActive: rng.chance(0.4),
        isRequestable: rng.chance(0.2),
        isCommunicationLimitEnabled: rng.chance(0.3),
        qualificationRuleType: pick(rng, ['once', 'any', 'interval'] as const),
        workspace: 'Default',
        smartListId: 2000 + campaignId,
        flowId: 4000 + campaignId,
      };
      if (parent !== undefined) campaign.parentProgramId = parent;
      this.smartCampaigns.set(campaignId, campaign);
    }
    let segmentId = 1;
    for (let n = 0; n < counts.segmentations; n++) {
      const template = SEGMENTATIONS[n % SEGMENTATIONS.length];
      const segmentationId = 1001 + n;
      const name = n < SEGMENTATIONS.length ? template.name : `${template.name} ${n}`;
      const folder = pick(rng, FOLDERS);
      this.segmentations.set(segmentationId, {
        id: segmentationId,
        name,
        description: `Leads by ${name.toLowerCase()}`,
        ...dates(rng, beforeSec),
        folder: { type: 'Folder', value: folder.value, folderName: rng.chance(0.8) ? folder.folderName : null },
        status: rng.chance(0.8) ? 'approved' : 'draft',
        workspace: 'Default',
      });
      for (const segmentName of [...template.segments, 'Default']) {
        this.segments.set(segmentId, { id: segmentId, name: segmentName, description: '', ...dates(rng, beforeSec), segmentationId });
        segmentId++;
      }
    }
    this.generateStaticLists(rng, counts.staticLists, beforeSec);
  }

  private generateStaticLists(rng: Rng, count: number, beforeSec: number): void {
    const programIds = [...this.programs.keys()];
    let id = SampleData.STATIC_LISTS[0].id;
    for (let n = 0; n < count; n++, id++) {
      const inProgram = programIds.length > 0 && rng.chance(0.5);
      this.staticLists.set(id, {
        id,
        name: SampleData.STATIC_LISTS[n]?.name ?? `List ${id}`,
        description: rng.chance(0.5) ? '' : `Static list ${id}`,
        ...dates(rng, beforeSec),
        folder: inProgram ? { id: pick(rng, programIds), type: 'Program' } : { id: pick(rng, FOLDERS).value, type: 'Folder' },
        workspace: 'Default',
      });
    }
  }

  private newProgram(rng: Rng, id: number, name: string, when: { createdSec: number; updatedSec: number }): Program {
    const kind = pick(rng, PROGRAM_KINDS);
    const folder = pick(rng, FOLDERS);
    const program: Program = {
      id,
      name,
      description: rng.chance(0.4) ? '' : `${kind.type} program ${name}`,
      ...when,
      type: kind.type,
      channel: kind.channel,
      folder: { type: 'Folder', value: folder.value, folderName: folder.folderName },
      status: pick(rng, kind.statuses),
      workspace: 'Default',
      tags: tagsOf(rng),
      costs: costsOf(rng, when.createdSec),
    };
    if (kind.type === 'Email' && rng.chance(0.5)) program.headStart = false;
    return program;
  }

  /** A new program (next id), created and updated at `atSec`. */
  createProgram(name: string, atSec: number, seed: number): Program {
    const id = this.nextProgramId++;
    const program = this.newProgram(rngFor(seed, SALT_ASSETS, id), id, name, { createdSec: atSec, updatedSec: atSec });
    this.programs.set(id, program);
    return program;
  }
}

/** The fields every asset view starts with. */
function basics(a: DatedAsset): Record<string, unknown> {
  return { id: a.id, name: a.name, description: a.description, createdAt: assetDate(a.createdSec), updatedAt: assetDate(a.updatedSec) };
}

/** A program as Get Programs (browse) answers it: without tags and costs (Asset API: Get Programs). */
export function programBrowseView(p: Program): Record<string, unknown> {
  const kind = PROGRAM_KINDS.find((k) => k.type === p.type)!;
  const out: Record<string, unknown> = {
    ...basics(p),
    url: `${INSTANCE}/#${kind.prefix}${p.id}A1`,
    type: p.type,
    channel: p.channel,
    folder: { ...p.folder },
    status: p.status,
    workspace: p.workspace,
  };
  if (p.headStart !== undefined) out['headStart'] = p.headStart;
  return out;
}

/** A program as Get Program by Id answers it: with `tags` and `costs` (either may be null). */
export function programByIdView(p: Program): Record<string, unknown> {
  return { ...programBrowseView(p), tags: p.tags && p.tags.map((t) => ({ ...t })), costs: p.costs && p.costs.map((c) => ({ ...c })) };
}

export function smartCampaignView(c: SmartCampaign): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...basics(c),
    folder: { ...c.folder },
    status: c.status,
    type: c.type,
    isSystem: c.isSystem,
    isActive: c.isActive,
    isRequestable: c.isRequestable,
    isCommunicationLimitEnabled: c.isCommunicationLimitEnabled,
    recurrence: { weekdayOnly: false },
    qualificationRuleType: c.qualificationRuleType,
    workspace: c.workspace,
    smartListId: c.smartListId,
    flowId: c.flowId,
    computedUrl: `${INSTANCE}/#SC${c.id}A1`,
  };
  if (c.parentProgramId !== undefined) out['parentProgramId'] = c.parentProgramId;
  return out;
}

export function segmentationView(s: Segmentation): Record<string, unknown> {
  return {
    ...basics(s),
    url: `${INSTANCE}/#SG${s.id}A1`,
    folder: { ...s.folder },
    status: s.status,
    workspace: s.workspace,
  };
}

export function segmentView(s: Segment): Record<string, unknown> {
  return {
    ...basics(s),
    url: `${INSTANCE}/#SG${s.segmentationId}A1`,
    segmentationId: s.segmentationId,
  };
}

/** A static list as the Asset API's Get Static Lists answers it. */
export function staticListView(l: StaticList): Record<string, unknown> {
  const out: Record<string, unknown> = { ...basics(l), folder: { ...l.folder }, computedUrl: `${INSTANCE}/#ST${l.id}A1`, workspace: l.workspace };
  if (l.description === '') delete out['description']; // description is optional in recorded answers
  return out;
}
