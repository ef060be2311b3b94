import { ActivitiesStream } from './activities';
import { ActivityTypesStream } from './activity-types';
import { DeletedLeadsStream } from './deleted-leads';
import { LeadChangesStream } from './lead-changes';
import { LeadsStream } from './leads';
import { SourceStream } from './stream';

/** Every stream of the source, in the order discover lists them. */
export function allStreams(): SourceStream[] {
  return [new ActivitiesStream(), new LeadChangesStream(), new DeletedLeadsStream(), new LeadsStream(), new ActivityTypesStream()];
}
