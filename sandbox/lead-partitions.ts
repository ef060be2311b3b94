// Lead partitions: every lead lives in one. Get Lead Partitions lists them
// (https://developer.adobe.com/marketo-apis/api/mapi/#tag/Partitions); Sync Leads creates a lead in
// the partition its `partitionName` names, which an instance with several partitions requires
// (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads#partitions).
//
// A lead's partition is its `leadPartitionId` (Change Lead Partition moves it); a lead without
// one lives in the first partition (the instance's "Default"), so generated leads need no value.

import { LEAD_PARTITION_FIELD } from './activity-generator';

export interface LeadPartition {
  id: number;
  name: string;
  description?: string;
}

/** What a new instance has: one partition. */
export const DEFAULT_LEAD_PARTITIONS: readonly LeadPartition[] = [{ id: 1, name: 'Default', description: 'Initial system lead partition' }];

export class LeadPartitions {
  private readonly partitions: LeadPartition[];

  constructor(
    partitions: readonly LeadPartition[],
    /** A lead's stored `leadPartitionId` (null when it has none). */
    private readonly storedPartitionId: (leadId: number) => unknown,
  ) {
    if (partitions.length === 0) throw new Error('sandbox option leadPartitions needs at least one partition');
    const names = new Set(partitions.map((p) => p.name));
    const ids = new Set(partitions.map((p) => p.id));
    if (names.size !== partitions.length || ids.size !== partitions.length) throw new Error('sandbox option leadPartitions needs unique ids and names');
    this.partitions = partitions.map((p) => ({ ...p }));
  }

  list(): LeadPartition[] {
    return this.partitions.map((p) => ({ ...p }));
  }

  /** Marketo asks for partitionName on creates only when there is more than one partition. */
  get several(): boolean {
    return this.partitions.length > 1;
  }

  byName(name: string): LeadPartition | undefined {
    return this.partitions.find((p) => p.name === name);
  }

  /** The partition new leads go to when there is only one, and where leads without a stored partition live. */
  get first(): LeadPartition {
    return this.partitions[0];
  }

  /** The id of the partition a lead lives in. */
  idOf(leadId: number): number {
    const stored = this.storedPartitionId(leadId);
    return typeof stored === 'number' ? stored : this.first.id;
  }

  /** The partition a lead lives in; one moved to a partition this list lacks shows with its id only. */
  of(leadId: number): LeadPartition {
    const id = this.idOf(leadId);
    return this.partitions.find((p) => p.id === id) ?? { id, name: String(id) };
  }

  /** The stored value that puts a new lead in `partition`: none for the first one, as for generated leads. */
  valuesFor(partition: LeadPartition): Record<string, number> {
    return partition.id === this.first.id ? {} : { [LEAD_PARTITION_FIELD]: partition.id };
  }
}
