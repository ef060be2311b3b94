// What tests (and the admin of a sandbox) do to marketing assets "in the Marketo UI": read them as
// the Asset API shows them, and change them, which moves their `updatedAt` to the sandbox clock.
// Whether tag and cost edits move a program's updatedAt is UNVERIFIED for Marketo; here they do.

import { AssetStore, programByIdView, segmentationView, segmentView, smartCampaignView, type ProgramCost, type ProgramTag } from './assets';

export interface ProgramChanges {
  name?: string;
  description?: string;
  tags?: ProgramTag[] | null;
  costs?: ProgramCost[] | null;
}

export interface SmartCampaignChanges {
  name?: string;
  description?: string;
  isActive?: boolean;
  status?: string;
}

export interface SandboxAssets {
  /** Every program as Get Program by Id answers it (with tags and costs), ascending id. */
  programs(): Record<string, unknown>[];
  smartCampaigns(): Record<string, unknown>[];
  segmentations(): Record<string, unknown>[];
  segments(): Record<string, unknown>[];
  createProgram(name: string): Record<string, unknown>;
  updateProgram(id: number, changes: ProgramChanges): void;
  /** Deleted programs simply disappear from the API (no tombstone). */
  deleteProgram(id: number): void;
  updateSmartCampaign(id: number, changes: SmartCampaignChanges): void;
}

export function assetControl(store: AssetStore, now: () => number, seed: number): SandboxAssets {
  const nowSec = () => Math.floor(now() / 1000);
  const sorted = <T extends { id: number }>(items: Iterable<T>): T[] => [...items].sort((a, b) => a.id - b.id);
  const required = <T>(map: Map<number, T>, id: number, what: string): T => {
    const found = map.get(id);
    if (!found) throw new Error(`no ${what} ${id}`);
    return found;
  };
  return {
    programs: () => sorted(store.programs.values()).map(programByIdView),
    smartCampaigns: () => sorted(store.smartCampaigns.values()).map(smartCampaignView),
    segmentations: () => sorted(store.segmentations.values()).map(segmentationView),
    segments: () => sorted(store.segments.values()).map(segmentView),
    createProgram: (name) => programByIdView(store.createProgram(name, nowSec(), seed)),
    updateProgram: (id, changes) => {
      const program = required(store.programs, id, 'program');
      Object.assign(program, changes, { updatedSec: nowSec() });
    },
    deleteProgram: (id) => {
      required(store.programs, id, 'program');
      store.programs.delete(id);
    },
    updateSmartCampaign: (id, changes) => {
      const campaign = required(store.smartCampaigns, id, 'smart campaign');
      Object.assign(campaign, changes, { updatedSec: nowSec() });
    },
  };
}
