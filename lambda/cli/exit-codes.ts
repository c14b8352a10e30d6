/** The CLI's exit codes (DESIGN.md): scripts and CI branch on them. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  finding: 3,
  notFound: 4,
} as const;

/** A problem the user can fix (bad flag, bad config, missing secret); exits with `code`, no stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
