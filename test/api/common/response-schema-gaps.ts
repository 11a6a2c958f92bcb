/** Body-bearing routes not yet given a response schema (issues 14, 15); this list only shrinks. */
export const responseSchemaGaps: ReadonlyArray<string> = [];
