/** A verb given arguments it cannot take: said in one line, with exit code 2 (as an unknown verb). */
export class UsageError extends Error {}
