/**
 * Secrets must never reach logs, errors or traces: every human-readable text we emit passes
 * through here. Values are registered as soon as the config is read.
 */
export class Redactor {
  private secrets: string[] = [];

  add(...values: Array<string | undefined | null>): void {
    for (const value of values) {
      // Very short values would redact ordinary words; Marketo ids and secrets are long.
      if (typeof value === 'string' && value.length >= 4 && !this.secrets.includes(value)) this.secrets.push(value);
    }
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('****');
    return out;
  }
}
