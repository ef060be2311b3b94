import { FieldSpec } from './objects';

// Which Marketo field a warehouse column names. Warehouses and hosts fold identifiers: Postgres
// and PyAirbyte's caches lower-case them (`firstname`), Snowflake upper-cases them (`FIRSTNAME`),
// so a column that names no field exactly is matched ignoring case, when exactly one field of
// the object has that name ignoring case.

/** What a column of a row is. */
export type ColumnRole =
  /** Airbyte's own bookkeeping (`_airbyte_*`, `_ab_cdc_*`): never Marketo data. */
  | { kind: 'airbyte' }
  /** The CDC deletion marker (`_ab_cdc_deleted_at`). */
  | { kind: 'deletedAt' }
  /** row_changed_at_field, when it names no Marketo field. */
  | { kind: 'changedAt' }
  | { kind: 'field'; field: FieldSpec; byCase: boolean }
  | { kind: 'unknown' }
  /** Several fields have this name ignoring case (e.g. `Email` and `email` custom fields). */
  | { kind: 'ambiguous'; candidates: string[] };

/** The Airbyte CDC convention: a row with this column set has been deleted at the source. */
export const CDC_DELETED_AT = '_ab_cdc_deleted_at';
/** Columns Airbyte adds (`_ab_cdc_*`, `_airbyte_*`), in whatever case the warehouse gave them. */
const AIRBYTE_COLUMN = /^_(ab|airbyte)_/i;

/** Resolves column names against an object's fields, once per distinct name. */
export class ColumnMatcher {
  private readonly byFoldedName = new Map<string, FieldSpec[]>();
  private readonly roles = new Map<string, ColumnRole>();

  constructor(
    private readonly fields: Map<string, FieldSpec>,
    private readonly changedAtField?: string,
  ) {
    for (const field of fields.values()) {
      const folded = field.name.toLowerCase();
      this.byFoldedName.set(folded, [...(this.byFoldedName.get(folded) ?? []), field]);
    }
  }

  role(column: string): ColumnRole {
    let role = this.roles.get(column);
    if (!role) this.roles.set(column, (role = this.resolve(column)));
    return role;
  }

  private resolve(column: string): ColumnRole {
    const folded = column.toLowerCase();
    if (folded === CDC_DELETED_AT) return { kind: 'deletedAt' };
    const exact = this.fields.get(column);
    if (exact) return { kind: 'field', field: exact, byCase: false };
    if (this.changedAtField !== undefined && folded === this.changedAtField.toLowerCase()) return { kind: 'changedAt' };
    if (AIRBYTE_COLUMN.test(column)) return { kind: 'airbyte' };
    const candidates = this.byFoldedName.get(folded) ?? [];
    if (candidates.length === 1) return { kind: 'field', field: candidates[0], byCase: true };
    if (candidates.length > 1) return { kind: 'ambiguous', candidates: candidates.map((f) => f.name) };
    return { kind: 'unknown' };
  }
}
