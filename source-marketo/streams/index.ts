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

/** The streams whose names depend on the subscription: one per custom object type. */
export function subscriptionStreams(ctx: StreamContext): Promise<SourceStream[]> {
  return customObjectStreams(ctx);
}
