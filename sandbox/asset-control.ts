// What tests (and the admin of a sandbox) do to marketing assets "in the Marketo UI": read them as
// the Asset API shows them, and change them, which moves their `updatedAt` to the sandbox clock.
// Whether tag and cost edits move a program's updatedAt is UNVERIFIED for Marketo; here they do.

import type { ListMembership } from './list-membership';
import { AssetStore, programByIdView, segmentationView, segmentView, smartCampaignView, staticListView, type ProgramCost, type ProgramTag } from './assets';

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
  staticLists(): Record<string, unknown>[];
  /** Renames a static list (its updatedAt moves; membership changes do not move it). */
  renameStaticList(id: number, name: string): void;
  createProgram(name: string): Record<string, unknown>;
  updateProgram(id: number, changes: ProgramChanges): void;
  /** Deleted programs simply disappear from the API (no tombstone). */
  deleteProgram(id: number): void;
  updateSmartCampaign(id: number, changes: SmartCampaignChanges): void;
  /** Lead ids in a static list, ascending (what Get Leads by List Id pages through). */
  listMembers(listId: number): number[];
  /** Adds leads to a list as a flow action does, with an Add to List (24) activity each; returns those that were not in it. */
  addToList(listId: number, leadIds: number[]): number[];
  /** Removes leads with a Remove from List (25) activity each; returns those that were in it. */
  removeFromList(listId: number, leadIds: number[]): number[];
}

export function assetControl(store: AssetStore, now: () => number, seed: number, lists: ListMembership): SandboxAssets {
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
    staticLists: () => sorted(store.staticLists.values()).map(staticListView),
    renameStaticList: (id, name) => {
      Object.assign(required(store.staticLists, id, 'static list'), { name, updatedSec: nowSec() });
    },
    createProgram: (name) => programByIdView(store.createProgram(name, nowSec(), seed)),
    updateProgram: (id, changes) => {
      const program = required(store.programs, id, 'program');
      Object.assign(program, changes, { updatedSec: nowSec() });
    },
    deleteProgram: (id) => {
      required(store.programs, id, 'program');
      store.programs.delete(id);
    },
    listMembers: (listId) => lists.members(listId),
    addToList: (listId, leadIds) => lists.change(listId, leadIds, true),
    removeFromList: (listId, leadIds) => lists.change(listId, leadIds, false),
    updateSmartCampaign: (id, changes) => {
      const campaign = required(store.smartCampaigns, id, 'smart campaign');
      Object.assign(campaign, changes, { updatedSec: nowSec() });
    },
  };
}
