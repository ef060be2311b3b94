import { ActivitiesStream } from './activities';
import { ActivityTypesStream } from './activity-types';
import { CompaniesStream } from './companies';
import { customObjectStreams } from './custom-objects';
import { DeletedLeadsStream } from './deleted-leads';
import { LeadChangesStream } from './lead-changes';
import { LeadsStream } from './leads';
import { ProgramMembersStream } from './program-members';
import { ProgramsStream } from './programs';
import { SegmentsStream } from './segmentation-segments';
import { SegmentationsStream } from './segmentations';
import { SmartCampaignsStream } from './smart-campaigns';
import { StaticListMembersStream } from './static-list-members';
import { StaticListsStream } from './static-lists';
import { SourceStream, StreamContext } from './stream';
import { activityTypeStreams } from './activity-type-stream';

/** Every stream of the source, in the order discover lists them. */
export function allStreams(): SourceStream[] {
  return [
    new ActivitiesStream(),
    new LeadChangesStream(),
    new DeletedLeadsStream(),
    new LeadsStream(),
    new ActivityTypesStream(),
    new CompaniesStream(),
    ...assetStreams(),
  ];
}

/** Marketing assets, read through the Asset API. */
function assetStreams(): SourceStream[] {
  return [
    new ProgramsStream(),
    new ProgramMembersStream(),
    new SmartCampaignsStream(),
    new SegmentationsStream(),
    new SegmentsStream(),
    new StaticListsStream(),
    new StaticListMembersStream(),
  ];
}

/**
 * Every stream, with those whose names depend on the subscription: one per activity type (right
 * after `activities`, whose walks they share: see read.ts) and one per custom object type; `wanted`
 * says which of them to ask Marketo for.
 */
export async function withSubscriptionStreams(
  ctx: StreamContext,
  fixed: SourceStream[] = allStreams(),
  wanted: { activityTypes: boolean; customObjects: boolean } = { activityTypes: true, customObjects: true },
): Promise<SourceStream[]> {
  const [perType, objects] = await Promise.all([
    wanted.activityTypes ? activityTypeStreams(ctx, new Set(fixed.map((s) => s.name))) : [],
    wanted.customObjects ? customObjectStreams(ctx) : [],
  ]);
  const at = fixed.findIndex((s) => s.name === 'activities') + 1;
  return [...fixed.slice(0, at), ...perType, ...fixed.slice(at), ...objects];
}
